"""Who is told what, by e-mail, when something happens to a request.

One function per event (`answer_sent`, `sla_breach` …): it decides the recipients and the words
and queues the letters in the caller's transaction; webapp/mail renders and delivers them.
Subjects carry the request number as `[№ 2026-00042]`: that is how replies find their request.

The mail of a new request is queued with the recipients only (`new_request_mail`), while the
person at the form waits and before the request has its number; the outbox worker writes each
letter from the stored request just before sending it (`write_message`).
"""

from __future__ import annotations

import datetime as dt
import functools

from ..deadlines import next_opening
from ..formatting import local_datetime
from ..mail.queue import enqueue_row, one_line_subject, outbox_row
from ..mail.render import render_bodies
from ..models import OutboxMessage, SupportRequest
from ..models.types import utc_now
from ..school.confidentiality import readers_text
from ..school.wording import quoted
from ..vocabulary import AuthorRole, Clock, ClosingOutcome, MailKind, Permission, Rating, RequestStatus
from .context import Register
from .routing import may_see_details, route
from .validation import format_phone


def subject_for(req: SupportRequest, text: str) -> str:
    return f"[№ {req.number}] {text}"


def _sender_domain(reg: Register) -> str:
    """The domain that ends Message-IDs: the support e-mail's, or the school site's without one."""
    profile = reg.profile
    if profile.support.email:
        return profile.support.email.rsplit("@", 1)[1]
    return profile.school.site_url.host or "localhost"


def _context(reg: Register, req: SupportRequest | None, context: dict) -> dict:
    """What every letter may use: the school, the request, `local` (a moment, school time) and
    `replies_read` (whether a reply to the letter reaches anyone: `mailbox fetch` reads them)."""
    profile = reg.profile
    local = functools.lru_cache(maxsize=16)(lambda moment: local_datetime(profile, moment))
    return {**context, "school": profile, "req": req, "local": local, "replies_read": reg.replies_read}


def queue_message(
    reg: Register, name: str, *, kind: MailKind, recipient: str, subject: str,
    req: SupportRequest | None = None, in_reply_to: str | None = None, **context,
) -> OutboxMessage:
    """Render email/<name>.txt and .html with `context` and queue them to `recipient`."""
    body_text, body_html = render_bodies(name, _context(reg, req, context))
    row = outbox_row(
        kind=kind, recipient=recipient, sender_domain=_sender_domain(reg), subject=subject,
        body_text=body_text, body_html=body_html, reply_to=reg.profile.support.email,
        in_reply_to=in_reply_to,
    )  # fmt: skip
    return enqueue_row(row, req)


# A new request (webapp/requests/service.py).


def new_request_mail(reg: Register, req: SupportRequest) -> list[dict]:
    """Outbox rows, not yet written, for the staff who get the request and the author's
    acknowledgement (when they left an e-mail address)."""
    profile = reg.profile
    found = route(profile, req.request_type, class_name=req.class_name, subject=req.subject)
    recipients = [(MailKind.REQUEST_ROUTED, member.email) for member in found.specialists]
    if found.responsible is not None:
        recipients.append((MailKind.REQUEST_COPY, found.responsible.email))
    if req.contact_email:
        recipients.append((MailKind.REQUEST_RECEIVED, req.contact_email))
    domain = _sender_domain(reg)
    return [
        outbox_row(kind=kind, recipient=recipient, sender_domain=domain, reply_to=profile.support.email)
        for kind, recipient in recipients
    ]


def write_message(reg: Register, message: OutboxMessage, now: dt.datetime | None = None) -> None:
    """Fill in the subject, text and HTML of a message queued without them (the outbox's writer).
    `now` is the moment it is written, just before it is sent: what the letter calls «сейчас»."""
    req = message.request
    name, subject, context = _WRITERS[message.kind](reg, req, message.recipient, now or utc_now())
    body_text, body_html = render_bodies(name, _context(reg, req, context))
    message.subject = one_line_subject(subject_for(req, subject))
    message.body_text, message.body_html = body_text, body_html


def _request_received(
    reg: Register, req: SupportRequest, recipient: str, now: dt.datetime
) -> tuple[str, str, dict]:
    """The acknowledgement: the number, what happens next, when, and the private link."""
    profile = reg.profile
    request_type = profile.request_type(req.request_type)
    return "request_received", "Ваше обращение принято", {
        "type_title": request_type.title if request_type else req.request_type,
        # Closed at the moment the letter is written (a call recorded on Monday morning that came
        # on Saturday is not): when the work starts, never a moment already past.
        "opening": next_opening(profile, now),
        # Handed straight to the author's own teacher at registration (routing.py): to whom.
        "handed_to": _handed_at_registration(profile, req),
        "status_url": reg.links.status_page(req),
    }


def _handed_at_registration(profile, req: SupportRequest) -> str:
    """«учитель предмета «Физика», класс 9А» when the request went straight to that teacher as
    it was registered (service.py, `handed_over`) and still is theirs; otherwise ""."""
    if req.assignee is None or profile.request_type(req.request_type) is None:  # or a dropped type
        return ""
    found = route(profile, req.request_type, class_name=req.class_name, subject=req.subject)
    return found.assigned_as if found.assignee is not None and found.assignee.id == req.assignee else ""


def _request_routed(
    reg: Register, req: SupportRequest, recipient: str, now: dt.datetime, *, copy: bool = False
) -> tuple[str, str, dict]:
    """The new request for a specialist of the routed role, or the responsible person's copy."""
    profile = reg.profile
    member = next((s for s in profile.staff if s.email.lower() == recipient.lower()), None)
    request_type = profile.request_type(req.request_type)
    role = next((r for r in profile.roles if r.id == req.routed_role), None)
    type_title = request_type.title if request_type else req.request_type
    subject = f"Копия: {type_title}" if copy else f"Новое обращение: {type_title}"
    return "request_routed", subject, {
        "member": member,  # None if the profile no longer lists them: a plain greeting
        "copy": copy,
        # Only who may assign is told to; the others learn by when someone will.
        "may_assign": member is not None and Permission.ASSIGN in profile.permissions_of(member.id),
        # Only a person the profile still lets see it reads a confidential request's content.
        "details": member is not None and may_see_details(profile, member, req.confidential),
        "type_title": type_title,
        "role_title": quoted(role.title if role else req.routed_role),
        "author_role": AuthorRole.label_of(req.author_role),
        "phone": format_phone(req.contact_phone),
        "desk_url": reg.links.desk(),
        "request_url": reg.links.desk_request(req),
        "readers": readers_text(profile, req.routed_role) if req.confidential else "",
        # Handed straight to this teacher at registration (routing.py, `route_by`): why them.
        "assigned_as": _assigned_as(profile, req, member) if not copy else "",
    }


def _assigned_as(profile, req: SupportRequest, member) -> str:
    if member is None or req.assignee != member.id:
        return ""
    return _handed_at_registration(profile, req)


_WRITERS = {
    MailKind.REQUEST_RECEIVED: _request_received,
    MailKind.REQUEST_ROUTED: _request_routed,
    MailKind.REQUEST_COPY: functools.partial(_request_routed, copy=True),
}


# The life of a request on the desk (webapp/requests/lifecycle.py).


def answer_sent(
    reg: Register, req: SupportRequest, text: str, *, in_reply_to: str | None = None
) -> OutboxMessage:
    """The specialist's answer to the author, from the service's address."""
    return queue_message(
        reg, "answer_sent", kind=MailKind.ANSWER_SENT, recipient=req.contact_email, req=req,
        subject=subject_for(req, "Ответ на ваше обращение"), in_reply_to=in_reply_to,
        text=text, status_url=reg.links.status_page(req), rating_links=rating_links(reg, req),
    )  # fmt: skip


def rating_links(reg: Register, req: SupportRequest) -> list[tuple[Rating, str]]:
    """«Помог ли ответ?»: one link per face. Each opens a page that asks to confirm, so a mail
    scanner that follows links records nothing."""
    return [(rating, reg.links.rating(req, rating.value)) for rating in reversed(Rating)]


def request_closed(
    reg: Register, req: SupportRequest, *, original: SupportRequest | None = None
) -> OutboxMessage | None:
    """The author learns the request was closed and how; after a real answer, with the rating
    links. A duplicate names the request it repeats."""
    if not req.contact_email:
        return None
    outcome = ClosingOutcome(req.closing_outcome)
    ask_rating = outcome != ClosingOutcome.DUPLICATE
    return queue_message(
        reg, "request_closed", kind=MailKind.REQUEST_CLOSED, recipient=req.contact_email, req=req,
        subject=subject_for(req, "Обращение закрыто"), outcome=outcome,
        original=original.number if original is not None else None,
        status_url=reg.links.status_page(req),
        rating_links=rating_links(reg, req) if ask_rating else [],
        rating_days=reg.profile.satisfaction.days,
    )  # fmt: skip


def problem_resolved(reg: Register, problem, requests: list[SupportRequest]) -> OutboxMessage:
    """One letter to an author about all their requests linked to a resolved known problem
    (webapp/requests/problems.py), with the head's text; replies find the first request."""
    first = requests[0]
    closed = first.status == RequestStatus.CLOSED
    return queue_message(
        reg, "problem_resolved", kind=MailKind.PROBLEM_RESOLVED, recipient=first.contact_email, req=first,
        subject=subject_for(first, f"Решено: {problem.title}"), problem=problem, requests=requests,
        closed=closed, status_urls=[(r, reg.links.status_page(r)) for r in requests],
        rating_links=rating_links(reg, first),
    )  # fmt: skip


def question_to_author(reg: Register, req: SupportRequest, text: str) -> OutboxMessage:
    """A specialist's question to the author, to clarify the request before answering."""
    return queue_message(
        reg, "question_to_author", kind=MailKind.QUESTION_TO_AUTHOR, recipient=req.contact_email,
        req=req, subject=subject_for(req, "Уточнение по вашему обращению"),
        text=text, status_url=reg.links.status_page(req),
    )  # fmt: skip


def request_assigned(reg: Register, req: SupportRequest) -> OutboxMessage | None:
    """The request handed to a specialist on the desk: they are told at once."""
    profile = reg.profile
    member = profile.staff_member(req.assignee or "")
    if member is None:
        return None
    return queue_message(
        reg, "request_assigned", kind=MailKind.REQUEST_ASSIGNED, recipient=member.email, req=req,
        subject=subject_for(req, "Вам передано обращение"), member=member,
        type_title=profile.request_type(req.request_type).title,
        desk_url=reg.links.desk_request(req),
    )  # fmt: skip


def extension_requested(reg: Register, req: SupportRequest) -> list[OutboxMessage]:
    """Everyone who may agree a longer term learns that one is asked for."""
    profile = reg.profile
    asker = profile.staff_member(req.extension_requested_by or "")
    deciders = [s for s in profile.staff if Permission.APPROVE_EXTENSIONS in profile.permissions_of(s.id)]
    return [
        queue_message(
            reg, "extension_requested", kind=MailKind.EXTENSION_REQUESTED, recipient=member.email,
            req=req, subject=subject_for(req, "Просьба продлить срок"), member=member,
            asker=asker.name if asker else req.extension_requested_by,
            desk_url=reg.links.desk_request(req),
        )  # fmt: skip
        for member in deciders
    ]


def author_replied(reg: Register, req: SupportRequest, text: str, *, reopened: bool) -> list[OutboxMessage]:
    """The author wrote back: the assignee is told, or, before anyone took it, the specialists
    the request was routed to. Only those who may see a confidential request read the letter."""
    profile = reg.profile
    assignee = profile.staff_member(req.assignee or "")
    readers = [assignee] if assignee is not None else route(profile, req.request_type).specialists
    return [
        queue_message(
            reg, "author_replied", kind=MailKind.AUTHOR_REPLIED, recipient=member.email, req=req,
            subject=subject_for(req, "Автор ответил на письмо"), member=member,
            text=text if may_see_details(profile, member, req.confidential) else None,
            reopened=reopened, closed=req.status == RequestStatus.CLOSED,
            desk_url=reg.links.desk_request(req),
        )  # fmt: skip
        for member in readers
    ]


# Deadline control (webapp/requests/escalation.py).


def sla_breach(reg: Register, req: SupportRequest, clock: Clock, due: dt.datetime) -> list[OutboxMessage]:
    """To everyone of the control role (the head of the service, or each member of a support
    group that controls its own deadlines): a deadline of one clock was missed."""
    profile = reg.profile
    assignee = profile.staff_member(req.assignee or "")
    clock = Clock(clock)
    return [
        queue_message(
            reg, "sla_breach", kind=MailKind.SLA_BREACH, recipient=member.email, req=req,
            subject=subject_for(req, f"Нарушен срок: {clock.task}"), member=member,
            step=clock.task, due=due, assignee=assignee.name if assignee else None,
            type_title=profile.request_type(req.request_type).title,
            desk_url=reg.links.desk_request(req),
        )  # fmt: skip
        for member in profile.staff_with_role(profile.control_role_id)
    ]
