"""The rules every step of a request's life follows: from which statuses, who may, what it records.

Used by webapp/requests/lifecycle.py (the steps themselves) and the desk (which buttons to show).
"""

from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import HistoryEntry, SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Action, Event, RequestStatus
from . import access

_S = RequestStatus
# The statuses an action may start from.
ALLOWED_FROM: dict[Action, tuple[RequestStatus, ...]] = {
    Action.ASSIGN: (_S.NEW, _S.ASSIGNED, _S.IN_WORK),
    Action.TAKE: (_S.NEW, _S.ASSIGNED),
    Action.NOTE: tuple(RequestStatus),
    Action.CONTACT: (_S.ASSIGNED, _S.IN_WORK, _S.ANSWERED),
    Action.ANSWER: (_S.NEW, _S.ASSIGNED, _S.IN_WORK, _S.ANSWERED),
    Action.REQUEST_EXTENSION: (_S.ASSIGNED, _S.IN_WORK),
    Action.DECIDE_EXTENSION: (_S.NEW, _S.ASSIGNED, _S.IN_WORK, _S.ANSWERED),
    Action.CLOSE: (_S.ASSIGNED, _S.IN_WORK, _S.ANSWERED),  # before an answer: "no contact" only
    Action.CLOSE_DUPLICATE: (_S.NEW, _S.ASSIGNED, _S.IN_WORK, _S.ANSWERED),
    Action.REOPEN: (_S.ANSWERED, _S.CLOSED),
}

MAX_TEXT = 5000


class LifecycleError(Exception):
    """An action refused; `str()` is the Russian message to show. Nothing was changed."""


class NotPermitted(LifecycleError):
    """The person may not do this at all (the desk answers 403)."""


def available_actions(profile: SchoolProfile, staff_id: str, req: SupportRequest) -> set[Action]:
    """The actions this person may do on this request right now (for the desk's buttons)."""
    return {action for action in Action if _refusal(profile, staff_id, action, req) is None}


def check(profile: SchoolProfile, staff_id: str, action: Action, req: SupportRequest) -> None:
    refusal = _refusal(profile, staff_id, action, req)
    if refusal is not None:
        raise refusal


def _refusal(
    profile: SchoolProfile, staff_id: str, action: Action, req: SupportRequest
) -> LifecycleError | None:
    action = Action(action)
    if not access.may(profile, staff_id, action, req):
        return NotPermitted(f"У вас нет права {action.label}.")
    if req.status not in ALLOWED_FROM[action]:
        status = RequestStatus.label_of(req.status)
        return LifecycleError(f"Нельзя {action.label}: обращение {req.number} сейчас «{status}».")
    pending = req.extension_due is not None
    if action == Action.DECIDE_EXTENSION and not pending:
        return LifecycleError("Просьбы о продлении срока нет — решать нечего.")
    if action == Action.REQUEST_EXTENSION and pending:
        return LifecycleError("Просьба о продлении срока уже ждёт решения.")
    return None


def record(
    req: SupportRequest,
    actor: str,
    action: Event,
    text: str = "",
    *,
    public: bool,
    now: dt.datetime,
    target_staff: str | None = None,
) -> HistoryEntry:
    entry = HistoryEntry(
        request=req, actor=actor, action=action, text=text, public=public, at=now,
        target_staff=target_staff,
    )
    db.session.add(entry)
    return entry


def clean_text(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise LifecycleError(f"Напишите {what}.")
    if len(text) > MAX_TEXT:
        raise LifecycleError(f"Текст слишком длинный: не больше {MAX_TEXT} символов.")
    return text
