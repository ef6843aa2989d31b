"""The rules every step of a request's life follows: from which statuses, who may, what it records.

Used by webapp/requests/lifecycle.py (the steps themselves) and the desk (which buttons to show).
"""

from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import HistoryEntry, SupportRequest
from ..school import current_school
from . import access

STATUS_TITLES = {
    "new": "новое",
    "assigned": "передано специалисту",
    "in_work": "в работе",
    "answered": "дан ответ",
    "closed": "закрыто",
}

# The statuses an action may start from.
ALLOWED_FROM = {
    "assign": ("new", "assigned", "in_work"),
    "take": ("new", "assigned"),
    "note": ("new", "assigned", "in_work", "answered", "closed"),
    "contact": ("assigned", "in_work", "answered"),
    "answer": ("new", "assigned", "in_work", "answered"),
    "request_extension": ("assigned", "in_work"),
    "decide_extension": ("new", "assigned", "in_work", "answered"),
    "close": ("answered",),
    "reopen": ("answered", "closed"),
}

ACTION_TITLES = {
    "assign": "передать обращение",
    "take": "взять обращение в работу",
    "note": "добавить заметку",
    "contact": "связаться с автором",
    "answer": "ответить",
    "request_extension": "попросить продлить срок",
    "decide_extension": "решить, продлевать ли срок",
    "close": "закрыть обращение",
    "reopen": "открыть обращение снова",
}

MAX_TEXT = 5000


class LifecycleError(Exception):
    """An action refused; `str()` is the Russian message to show. Nothing was changed."""


class NotPermitted(LifecycleError):
    """The person may not do this at all (the desk answers 403)."""


def available_actions(staff_id: str, req: SupportRequest) -> set[str]:
    """The actions this person may do on this request right now (for the desk's buttons)."""
    return {action for action in ALLOWED_FROM if _refusal(staff_id, action, req) is None}


def check(staff_id: str, action: str, req: SupportRequest) -> None:
    refusal = _refusal(staff_id, action, req)
    if refusal is not None:
        raise refusal


def _refusal(staff_id: str, action: str, req: SupportRequest) -> LifecycleError | None:
    profile = current_school()
    title = ACTION_TITLES[action]
    if not access.may(profile, staff_id, action, req):
        return NotPermitted(f"У вас нет права {title}.")
    if req.status not in ALLOWED_FROM[action]:
        return LifecycleError(
            f"Нельзя {title}: обращение {req.number} сейчас «{STATUS_TITLES[req.status]}»."
        )
    pending = req.extension_due is not None
    if action == "decide_extension" and not pending:
        return LifecycleError("Просьбы о продлении срока нет — решать нечего.")
    if action == "request_extension" and pending:
        return LifecycleError("Просьба о продлении срока уже ждёт решения руководителя.")
    return None


def record(
    req: SupportRequest,
    actor: str,
    action: str,
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
