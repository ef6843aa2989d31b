"""The life of a request: new → assigned → in_work → answered → closed, and reopen.

Each action checks who may do it (webapp/requests/access.py) and whether the status allows it,
then changes the request and appends a HistoryEntry. `public=True` marks what the author sees on
the status page (status changes and the answer); notes and contacts stay internal. Mail goes
through the outbox in the same transaction. Refusals raise `LifecycleError` with a Russian
message before anything changes; the caller commits. Every step takes the `Register` (the
profile, links for letters) as its first argument.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..deadlines import due_for
from ..deadlines.outcomes import stop_clock
from ..extensions import db
from ..formatting import local_datetime
from ..models import HistoryEntry, SupportRequest
from ..models.types import utc_now
from ..vocabulary import Action, Actor, Clock, ClosingOutcome, ContactMethod, Event, RequestStatus
from . import access, notifications
from .context import Register

# A processing term is a day; an extension further than this is a typing mistake.
LONGEST_EXTENSION = dt.timedelta(days=90)
from .transitions import (
    ALLOWED_FROM,
    MAX_TEXT,
    LifecycleError,
    NotPermitted,
    available_actions,
    check,
    clean_text,
    record,
)

__all__ = [  # the rules are re-exported: callers need only this module
    "ALLOWED_FROM", "MAX_TEXT", "LifecycleError", "NotPermitted",
    "available_actions", "check", "clean_text", "record",
    "assign", "take_into_work", "add_note", "record_contact", "answer_by_email",
    "record_oral_answer", "request_extension", "decide_extension", "close", "close_as_duplicate",
    "reopen", "author_letter", "answer_for_problem",
]  # fmt: skip

def assign(
    reg: Register, req: SupportRequest, actor: str, assignee: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """Hand the request to a specialist, or to another one; their take-into-work clock starts."""
    now = now or utc_now()
    profile = reg.profile
    check(profile, actor, Action.ASSIGN, req)
    if profile.staff_member(assignee) is None or not access.can_assign_to(profile, assignee, req):
        raise LifecycleError(
            "Этому сотруднику нельзя передать это обращение: выберите специалиста из списка."
        )
    if assignee == req.assignee and req.status in (RequestStatus.ASSIGNED, RequestStatus.IN_WORK):
        raise LifecycleError("Обращение уже у этого специалиста.")
    entry = _hand_over(reg, req, actor, assignee, now)
    if assignee != actor:
        notifications.request_assigned(reg, req)
    return entry


def _hand_over(
    reg: Register, req: SupportRequest, actor: str, assignee: str, now: dt.datetime
) -> HistoryEntry:
    again = req.assignee is not None
    if req.status == RequestStatus.NEW:
        stop_clock(reg.profile, req, Clock.ASSIGN, now)
    elif req.status == RequestStatus.ASSIGNED:  # not taken: a miss so far stays on record
        stop_clock(reg.profile, req, Clock.TAKE, now)
    req.assignee = assignee
    req.status = RequestStatus.ASSIGNED
    req.assigned_at = now
    req.taken_at = None
    req.take_due = due_for(reg.profile, Clock.TAKE, now)
    text = "Обращение передано другому специалисту." if again else "Обращение передано специалисту."
    return record(req, actor, Event.ASSIGNED, text, public=True, now=now, target_staff=assignee)


def take_into_work(
    reg: Register, req: SupportRequest, actor: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """The assignee starts work; an unassigned request is first handed to whoever takes it."""
    now = now or utc_now()
    check(reg.profile, actor, Action.TAKE, req)
    if req.status == RequestStatus.NEW:
        _hand_over(reg, req, actor, actor, now)
    stop_clock(reg.profile, req, Clock.TAKE, now)
    req.status = RequestStatus.IN_WORK
    req.taken_at = now
    return record(req, actor, Event.TAKEN, "Обращение взято в работу.", public=True, now=now)


def add_note(
    reg: Register, req: SupportRequest, actor: str, text: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """An internal note: seen by the staff who may see the request, never by the author."""
    now = now or utc_now()
    check(reg.profile, actor, Action.NOTE, req)
    return record(req, actor, Event.NOTE, clean_text(text, "текст заметки"), public=False, now=now)


def record_contact(
    reg: Register, req: SupportRequest, actor: str, method: str, text: str, *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """A call to the author (its summary) or an e-mail to them (sent through the outbox)."""
    now = now or utc_now()
    check(reg.profile, actor, Action.CONTACT, req)
    if method not in ContactMethod.codes():
        raise LifecycleError("Выберите, как вы связались с автором: по телефону или по почте.")
    by_phone = method == ContactMethod.PHONE
    text = clean_text(text, "о чём был разговор" if by_phone else "текст письма")
    if by_phone:
        return record(req, actor, Event.CONTACT_CALL, text, public=False, now=now)
    _require_email(req)
    notifications.question_to_author(reg, req, text)
    return record(req, actor, Event.CONTACT_EMAIL, text, public=False, now=now)


def answer_by_email(
    reg: Register, req: SupportRequest, actor: str, text: str, *, now: dt.datetime | None = None,
    in_reply_to: str | None = None,
) -> HistoryEntry:
    """Send the answer to the author's e-mail through the outbox; the request is answered."""
    now = now or utc_now()
    check(reg.profile, actor, Action.ANSWER, req)
    text = clean_text(text, "текст ответа")
    _require_email(req)
    _start_work_if_needed(reg, req, actor, now)
    notifications.answer_sent(reg, req, text, in_reply_to=in_reply_to)
    entry = _answered(reg, req, actor, Event.ANSWER_EMAIL, text, now)
    _share_with_repeats(reg, req, actor, text, now)
    return entry


def record_oral_answer(
    reg: Register, req: SupportRequest, actor: str, summary: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """The answer was given by phone or in person; its summary is what the author sees."""
    now = now or utc_now()
    check(reg.profile, actor, Action.ANSWER, req)
    summary = clean_text(summary, "кратко, что вы ответили")
    _start_work_if_needed(reg, req, actor, now)
    entry = _answered(reg, req, actor, Event.ANSWER_ORAL, summary, now)
    _share_with_repeats(reg, req, actor, summary, now)
    return entry


def _share_with_repeats(reg: Register, req: SupportRequest, actor: str, text: str, now: dt.datetime) -> None:
    """The authors of the requests merged into this one (closed as its duplicates) get its answer."""
    query = sa.select(SupportRequest).where(SupportRequest.duplicate_of_id == req.id).order_by(SupportRequest.id)
    for repeat in db.session.scalars(query):
        _give_answer_of(reg, repeat, req, actor, text, now)


def _give_answer_of(
    reg: Register, repeat: SupportRequest, main: SupportRequest, actor: str, text: str, now: dt.datetime
) -> None:
    """Record `main`'s answer on a merged request and mail it to its author, if they left an
    address other than the main author's (who has it already)."""
    record(repeat, actor, Event.ANSWER_OF_MAIN, f"Ответ по обращению {main.number}: {text}", public=True, now=now)
    if repeat.contact_email and (repeat.contact_email or "").casefold() != (main.contact_email or "").casefold():
        notifications.answer_sent(reg, repeat, text)


def _last_answer(req: SupportRequest) -> str | None:
    answers = [h.text for h in req.history if h.action in (Event.ANSWER_EMAIL, Event.ANSWER_ORAL, Event.PROBLEM_ANSWER)]
    return answers[-1] if answers else None


def _start_work_if_needed(reg: Register, req: SupportRequest, actor: str, now: dt.datetime) -> None:
    """Answering at once is allowed: the skipped steps are recorded as they happened."""
    if req.status in (RequestStatus.NEW, RequestStatus.ASSIGNED):
        take_into_work(reg, req, actor, now=now)


def _answered(reg: Register, req: SupportRequest, actor: str, event: Event, text: str, now) -> HistoryEntry:
    if req.status in RequestStatus.open():
        stop_clock(reg.profile, req, Clock.PROCESS, now)
    req.status = RequestStatus.ANSWERED
    req.answered_at = now
    return record(req, actor, event, text, public=True, now=now)


def _require_email(req: SupportRequest) -> None:
    if not req.contact_email:
        raise LifecycleError(
            "Автор не оставил адреса почты. Позвоните по телефону из обращения и запишите устный ответ."
        )


def request_extension(
    reg: Register, req: SupportRequest, actor: str, reason: str, new_due: dt.datetime, *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """The assignee asks the head for a longer processing term (seed 002: special cases)."""
    now = now or utc_now()
    check(reg.profile, actor, Action.REQUEST_EXTENSION, req)
    reason = clean_text(reason, "почему нужно больше времени")
    if new_due.tzinfo is None:
        raise ValueError("new_due must be timezone-aware")
    if req.process_due is None:
        raise LifecycleError("Срок обработки обращения не установлен — продлевать нечего.")
    if new_due <= max(now, req.process_due):
        raise LifecycleError(
            f"Новый срок должен быть позже нынешнего ({local_datetime(reg.profile, req.process_due)})."
        )
    if new_due > now + LONGEST_EXTENSION:
        raise LifecycleError(
            f"Срок можно продлить не больше чем на {LONGEST_EXTENSION.days} дней вперёд, "
            f"то есть до {local_datetime(reg.profile, now + LONGEST_EXTENSION)}."
        )
    req.extension_due = new_due
    req.extension_reason = reason
    req.extension_requested_by = actor
    req.extension_requested_at = now
    notifications.extension_requested(reg, req)
    text = f"Просьба продлить срок до {local_datetime(reg.profile, new_due)}. Причина: {reason}"
    return record(req, actor, Event.EXTENSION_REQUESTED, text, public=False, now=now)


def decide_extension(
    reg: Register, req: SupportRequest, actor: str, agree: bool, comment: str = "", *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """The head agrees (the processing term moves) or declines; both are recorded."""
    now = now or utc_now()
    check(reg.profile, actor, Action.DECIDE_EXTENSION, req)
    comment = (comment or "").strip()[:MAX_TEXT]
    due = req.extension_due
    req.extension_due = None
    req.extension_reason = None
    req.extension_requested_by = None
    req.extension_requested_at = None
    if agree:
        req.process_due = due
        req.extended_by, req.extended_at = actor, now
        entry = record(
            req, actor, Event.EXTENSION_AGREED,
            f"Срок рассмотрения продлён до {local_datetime(reg.profile, due)}.", public=True, now=now,
        )  # fmt: skip
    else:
        who = "Руководитель не согласовал" if reg.profile.has_head else "Не согласовано"
        text = f"{who} продление срока. {comment}".strip()
        entry = record(req, actor, Event.EXTENSION_DECLINED, text, public=False, now=now)
    if comment and agree:
        record(req, actor, Event.NOTE, comment, public=False, now=now)
    return entry


def close(
    reg: Register, req: SupportRequest, actor: str, outcome: str = ClosingOutcome.RESOLVED, *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """Close with its outcome (resolved, not resolved, no contact with the author); the author is
    told by e-mail, with the link to rate the answer. Before an answer only "no contact" closes a
    request: the service tried and could not reach the author (the process clock stops then)."""
    now = now or utc_now()
    check(reg.profile, actor, Action.CLOSE, req)
    if outcome not in ClosingOutcome.chosen_at_close():
        raise LifecycleError("Выберите, чем закончилось обращение.")
    outcome = ClosingOutcome(outcome)
    if req.status != RequestStatus.ANSWERED:
        if outcome != ClosingOutcome.NO_CONTACT:
            raise LifecycleError(
                "Обращение без ответа можно закрыть, только если с автором не удалось связаться. "
                "Сначала ответьте автору."
            )
        stop_clock(reg.profile, req, Clock.PROCESS, now)
    _closed(req, outcome, now)
    notifications.request_closed(reg, req)
    return record(req, actor, Event.CLOSED, f"Обращение закрыто: {outcome.public_label}.", public=True, now=now)


def close_as_duplicate(
    reg: Register, req: SupportRequest, actor: str, original: SupportRequest | None, *,
    now: dt.datetime | None = None,
) -> HistoryEntry:
    """Close a repeat of another request without answering it; its running clocks stop counting
    (a duplicate is not a request the service owed an answer). `original` is the request it
    repeats (None: no such request, or one the person may not see)."""
    now = now or utc_now()
    check(reg.profile, actor, Action.CLOSE_DUPLICATE, req)
    if original is None:
        raise LifecycleError("Обращения с таким номером нет. Проверьте номер (например, 2026-00042).")
    if original.id == req.id:
        raise LifecycleError("Обращение не может быть дубликатом самого себя: укажите номер другого.")
    if original.closing_outcome == ClosingOutcome.DUPLICATE:
        raise LifecycleError(
            f"Обращение {original.number} само закрыто как дубликат: укажите то, которое решается."
        )
    req.duplicate_of_id = original.id
    _closed(req, ClosingOutcome.DUPLICATE, now)
    notifications.request_closed(reg, req, original=original)
    entry = record(
        req, actor, Event.CLOSED, f"Обращение закрыто как повтор обращения {original.number}.",
        public=True, now=now,
    )  # fmt: skip
    answer = _last_answer(original) if original.status not in RequestStatus.open() else None
    if answer:  # merged after the main one was answered: its author gets that answer now
        _give_answer_of(reg, req, original, actor, answer, now)
    return entry


def _closed(req: SupportRequest, outcome: ClosingOutcome, now: dt.datetime) -> None:
    req.status = RequestStatus.CLOSED
    req.closed_at = now
    req.closing_outcome = outcome
    req.extension_due = req.extension_reason = None
    req.extension_requested_by = req.extension_requested_at = None


def reopen(
    reg: Register, req: SupportRequest, actor: str, reason: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """Back to work: to the same specialist if there is one, otherwise back to the queue."""
    now = now or utc_now()
    check(reg.profile, actor, Action.REOPEN, req)
    reason = clean_text(reason, "почему обращение открывается снова")
    req.status = RequestStatus.IN_WORK if req.assignee else RequestStatus.NEW
    req.answered_at = None
    req.closed_at = None
    req.closing_outcome = None
    req.duplicate_of_id = None
    text = f"Обращение открыто снова. {reason}"
    return record(req, actor, Event.REOPENED, text, public=True, now=now)


def author_letter(
    reg: Register, req: SupportRequest, text: str, *, now: dt.datetime | None = None
) -> HistoryEntry:
    """The author wrote back by e-mail (webapp/mailbox): the letter joins the history and the
    specialist is told. After an answer it reopens the request: a reply to an answer means the
    answer did not settle it. A closed request stays closed: the letter is shown on it and the
    specialist decides (reopen it on the desk, or register a new request)."""
    now = now or utc_now()
    text = clean_text(text, "текст письма")
    entry = record(req, Actor.AUTHOR, Event.AUTHOR_LETTER, text, public=True, now=now)
    reopened = req.status == RequestStatus.ANSWERED
    if reopened:
        req.status = RequestStatus.IN_WORK if req.assignee else RequestStatus.NEW
        req.answered_at = None
        record(req, Actor.SYSTEM, Event.REOPENED, "Обращение открыто снова: автор ответил на письмо.",
               public=True, now=now)  # fmt: skip
    notifications.author_replied(reg, req, text, reopened=reopened)
    return entry


def answer_for_problem(
    reg: Register, req: SupportRequest, actor: str, text: str, *, close: bool, now: dt.datetime
) -> HistoryEntry:
    """The answer a resolved known problem gives each linked request (webapp/requests/problems.py):
    recorded as the answer, the request answered or closed as resolved. The letter is queued by
    the caller, one per author's address. Nothing is checked here: the caller may declare problems."""
    entry = _answered(reg, req, actor, Event.PROBLEM_ANSWER, text, now)
    if close:
        _closed(req, ClosingOutcome.RESOLVED, now)
        record(req, actor, Event.CLOSED, f"Обращение закрыто: {ClosingOutcome.RESOLVED.public_label}.",
               public=True, now=now)  # fmt: skip
    return entry
