"""The audit log's rules: what is written for a page a staff member opened, and what the head
reads back. An entry holds a staff id, an endpoint, an action code or attachment id, a request
id and an IP address: never a name, phone, e-mail, description or token."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import AuditEntry, SupportRequest
from ..school import SchoolProfile
from ..vocabulary import AuditedPage

DETAIL_MAX = 64


def record(
    session: Session, *, staff_id: str, page: str, method: str, request_id: int | None,
    detail: str, address: str | None, now: dt.datetime,
) -> None:
    """Add one entry in the caller's transaction. `detail` is a code or an id, cut to 64 chars."""
    session.add(AuditEntry(
        at=now, staff_id=staff_id[:40], page=page[:64], method=method[:8], request_id=request_id,
        detail=detail[:DETAIL_MAX], address=(address or "")[:45] or None,
    ))  # fmt: skip


def entries(
    session: Session, *, request_id: int | None = None, staff_id: str | None = None,
    nothing: bool = False, limit: int = 100,
) -> list[AuditEntry]:
    """The newest entries, for one request and/or one staff member."""
    if nothing:
        return []
    query = sa.select(AuditEntry)
    if request_id is not None:
        query = query.where(AuditEntry.request_id == request_id)
    if staff_id:
        query = query.where(AuditEntry.staff_id == staff_id)
    return list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def confidential_openings(session: Session, profile: SchoolProfile, *, limit: int = 100) -> list[AuditEntry]:
    """Openings of confidential requests by someone who is neither in the role they were routed
    to nor their assignee (the head, say): the head must see each of them."""
    r = SupportRequest
    outsider = [
        sa.and_(r.routed_role == role.id, AuditEntry.staff_id.not_in([s.id for s in profile.staff if role.id in s.roles]))
        for role in profile.roles
    ]
    personal = [p.value for p in AuditedPage if p.personal == "yes"]
    query = (
        sa.select(AuditEntry)
        .join(r, r.id == AuditEntry.request_id)
        .where(r.confidential.is_(True), AuditEntry.page.in_(personal), sa.or_(*outsider),
               sa.or_(r.assignee.is_(None), r.assignee != AuditEntry.staff_id))  # fmt: skip
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def numbers_of(session: Session, found: list[AuditEntry]) -> dict[int, str]:
    """Request id -> number, for the entries shown."""
    ids = {e.request_id for e in found if e.request_id is not None}
    if not ids:
        return {}
    rows = session.execute(sa.select(SupportRequest.id, SupportRequest.number).where(SupportRequest.id.in_(ids)))
    return dict(rows.tuples().all())
