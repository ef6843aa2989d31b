"""Writes an audit-log entry for every page of the desk a signed-in staff member opens or sends.

Registered by the factory as an `after_request` hook: one place, so no page can be forgotten.
Only successful responses count (a refused page showed nothing); the entry names the endpoint,
the request id and the action code or attachment id from the address, never a form's content.
"""

from __future__ import annotations

import logging

from flask import Response, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models.types import utc_now
from ..retention import audit

log = logging.getLogger(__name__)
AUDITED_BLUEPRINTS = frozenset({"desk", "oversight", "privacy", "problems"})
# Query arguments that say what was exported, never whom: a name search (`q`) is not kept.
DETAIL_ARGS = ("what", "format", "period", "from", "to")


def record_access(response: Response) -> Response:
    if request.blueprint not in AUDITED_BLUEPRINTS or response.status_code >= 400:
        return response
    if not current_user.is_authenticated:
        return response
    args = request.view_args or {}
    detail = args.get("action") or args.get("attachment_id") or "&".join(
        f"{key}={request.args[key]}" for key in DETAIL_ARGS if key in request.args
    )
    try:
        audit.record(
            db.session, staff_id=current_user.staff_id, page=request.endpoint or "", method=request.method,
            request_id=args.get("request_id"), detail=str(detail), address=request.remote_addr, now=utc_now(),
        )  # fmt: skip
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("audit entry not written for %s: %s", request.endpoint, type(exc).__name__)
    return response
