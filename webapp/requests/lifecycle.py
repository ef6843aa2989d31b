"""The life of a request: new → assigned → in_work → answered → closed, and reopen.

Each action checks who may do it (webapp/requests/access.py) and whether the status allows it,
then changes the request and appends a HistoryEntry. `public=True` marks what the author sees on
the status page (status changes and the answer); notes and contacts stay internal. Mail goes
through the outbox in the same transaction. Refusals raise `LifecycleError` with a Russian
message before anything changes; the caller commits.
"""

from __future__ import annotations

import datetime as dt

from ..deadlines import add_service_time
from ..formatting import local_datetime
from ..mail import messages
from ..models import HistoryEntry, SupportRequest
from ..models.types import utc_now
from ..school import current_school
from . import access
from .transitions import (
    ACTION_TITLES,
    ALLOWED_FROM,
    MAX_TEXT,
    STATUS_TITLES,
    LifecycleError,
    NotPermitted,
    available_actions,
    check,
    clean_text,
    record,
)

__all__ = [  # the rules are re-exported: callers need only this module
    "ACTION_TITLES", "ALLOWED_FROM", "MAX_TEXT", "STATUS_TITLES", "LifecycleError", "NotPermitted",
    "available_actions", "check", "clean_text", "record",
    "assign", "take_into_work", "add_note", "record_contact", "answer_by_email",
    "record_oral_answer", "request_extension", "decide_extension", "close", "reopen",
]  # fmt: skip

def _local(moment: dt.datetime) -> str:
    return local_datetime(current_school(), moment)


def assign(
    req: SupportRequest, actor: str, assignee: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """Hand the request to a specialist, or to another one; their take-into-work clock starts."""
    now = now or utc_now()
    check(actor, "assign", req)
    profile = current_school()
    if profile.staff_member(assignee) is None or not access.can_assign_to(profile, assignee, req):
        raise LifecycleError(
            "Этому сотруднику нельзя передать это обращение: выберите специалиста из списка."
        )
    if assignee == req.assignee and req.status in ("assigned", "in_work"):
        raise LifecycleError("Обращение уже у этого специалиста.")
    entry = _hand_over(req, actor, assignee, now)
    if assignee != actor:
        messages.request_assigned(req)
    return entry


def _hand_over(req: SupportRequest, actor: str, assignee: str, now: dt.datetime) -> HistoryEntry:
    profile = current_school()
    again = req.assignee is not None
    req.assignee = assignee
    req.status = "assigned"
    req.assigned_at = now
    req.taken_at = None
    minutes = dt.timedelta(minutes=profile.support.deadlines.take_into_work_minutes)
    req.take_due = add_service_time(profile, now, minutes)
    text = "Обращение передано другому специалисту." if again else "Обращение передано специалисту."
    return record(req, actor, "assigned", text, public=True, now=now, target_staff=assignee)


def take_into_work(req: SupportRequest, actor: str, *, now: dt.datetime | None = None) -> HistoryEntry:
    """The assignee starts work; an unassigned request is first handed to whoever takes it."""
    now = now or utc_now()
    check(actor, "take", req)
    if req.status == "new":
        _hand_over(req, actor, actor, now)
    req.status = "in_work"
    req.taken_at = now
    return record(req, actor, "taken", "Специалист взял обращение в работу.", public=True, now=now)


def add_note(req: SupportRequest, actor: str, text: str, *, now: dt.datetime | None = None) -> HistoryEntry:
    """An internal note: seen by the staff who may see the request, never by the author."""
    now = now or utc_now()
    check(actor, "note", req)
    return record(req, actor, "note", clean_text(text, "текст заметки"), public=False, now=now)


def record_contact(
    req: SupportRequest, actor: str, method: str, text: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """A call to the author (its summary) or an e-mail to them (sent through the outbox)."""
    now = now or utc_now()
    check(actor, "contact", req)
    if method not in ("phone", "email"):
        raise LifecycleError("Выберите, как вы связались с автором: по телефону или по почте.")
    text = clean_text(text, "о чём был разговор" if method == "phone" else "текст письма")
    if method == "email":
        _require_email(req)
        messages.question_to_author(req, text)
        return record(req, actor, "contact_email", text, public=False, now=now)
    return record(req, actor, "contact_call", text, public=False, now=now)


def answer_by_email(
    req: SupportRequest, actor: str, text: str, *, now: dt.datetime | None = None,
    in_reply_to: str | None = None,
) -> HistoryEntry:
    """Send the answer to the author's e-mail through the outbox; the request is answered."""
    now = now or utc_now()
    check(actor, "answer", req)
    text = clean_text(text, "текст ответа")
    _require_email(req)
    _start_work_if_needed(req, actor, now)
    messages.answer_sent(req, text, in_reply_to=in_reply_to)
    return _answered(req, actor, "answer_email", text, now)


def record_oral_answer(
    req: SupportRequest, actor: str, summary: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """The answer was given by phone or in person; its summary is what the author sees."""
    now = now or utc_now()
    check(actor, "answer", req)
    summary = clean_text(summary, "кратко, что вы ответили")
    _start_work_if_needed(req, actor, now)
    return _answered(req, actor, "answer_oral", summary, now)


def _start_work_if_needed(req: SupportRequest, actor: str, now: dt.datetime) -> None:
    """Answering at once is allowed: the skipped steps are recorded as they happened."""
    if req.status in ("new", "assigned"):
        take_into_work(req, actor, now=now)


def _answered(req: SupportRequest, actor: str, action: str, text: str, now) -> HistoryEntry:
    req.status = "answered"
    req.answered_at = now
    return record(req, actor, action, text, public=True, now=now)


def _require_email(req: SupportRequest) -> None:
    if not req.contact_email:
        raise LifecycleError(
            "Автор не оставил адреса почты. Позвоните по телефону из обращения и запишите устный ответ."
        )


def request_extension(
    req: SupportRequest, actor: str, reason: str, new_due: dt.datetime, *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """The assignee asks the head for a longer processing term (seed 002: special cases)."""
    now = now or utc_now()
    check(actor, "request_extension", req)
    reason = clean_text(reason, "почему нужно больше времени")
    if new_due.tzinfo is None:
        raise ValueError("new_due must be timezone-aware")
    if new_due <= max(now, req.process_due):
        raise LifecycleError(
            f"Новый срок должен быть позже нынешнего ({_local(req.process_due)})."
        )
    req.extension_due = new_due
    req.extension_reason = reason
    req.extension_requested_by = actor
    req.extension_requested_at = now
    messages.extension_requested(req)
    text = f"Просьба продлить срок до {_local(new_due)}. Причина: {reason}"
    return record(req, actor, "extension_requested", text, public=False, now=now)


def decide_extension(
    req: SupportRequest, actor: str, agree: bool, comment: str = "", *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """The head agrees (the processing term moves) or declines; both are recorded."""
    now = now or utc_now()
    check(actor, "decide_extension", req)
    comment = (comment or "").strip()[:MAX_TEXT]
    due = req.extension_due
    req.extension_due = None
    req.extension_reason = None
    req.extension_requested_by = None
    req.extension_requested_at = None
    if agree:
        req.process_due = due
        entry = record(
            req, actor, "extension_agreed",
            f"Срок рассмотрения продлён до {_local(due)}.", public=True, now=now,
        )
    else:
        text = "Руководитель не согласовал продление срока."
        entry = record(req, actor, "extension_declined", f"{text} {comment}".strip(), public=False, now=now)
    if comment and agree:
        record(req, actor, "note", comment, public=False, now=now)
    return entry


def close(req: SupportRequest, actor: str, *, now: dt.datetime | None = None) -> HistoryEntry:
    now = now or utc_now()
    check(actor, "close", req)
    req.status = "closed"
    req.closed_at = now
    return record(req, actor, "closed", "Обращение закрыто.", public=True, now=now)


def reopen(req: SupportRequest, actor: str, reason: str, *, now: dt.datetime | None = None) -> HistoryEntry:
    """Back to work: to the same specialist if there is one, otherwise back to the queue."""
    now = now or utc_now()
    check(actor, "reopen", req)
    reason = clean_text(reason, "почему обращение открывается снова")
    req.status = "in_work" if req.assignee else "new"
    req.answered_at = None
    req.closed_at = None
    return record(req, actor, "reopened", f"Обращение открыто снова. {reason}", public=True, now=now)
