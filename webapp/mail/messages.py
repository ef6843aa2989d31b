"""One function per event: render templates/email/<name>.txt and .html, and queue the result.

Other areas add their own functions here (answer_sent, sla_breach …) built on `queue_message`.
Subjects carry the request number as `[№ 2026-00042]`; that is how replies find their request.
"""

from __future__ import annotations

import functools

from flask import current_app

from ..deadlines import next_opening
from ..formatting import local_datetime
from ..models import OutboxMessage, SupportRequest
from ..requests.routing import may_see_details, route
from ..requests.validation import author_role_title, format_phone
from ..school import current_school
from .queue import enqueue_row, one_line_subject, outbox_row


def subject_for(req: SupportRequest, text: str) -> str:
    return f"[№ {req.number}] {text}"


def status_url(req: SupportRequest) -> str:
    config = current_app.config
    return f"{config['PUBLIC_BASE_URL'].rstrip('/')}{config['APP_PREFIX']}/status/{req.status_token}"


def desk_url() -> str:
    config = current_app.config
    return f"{config['PUBLIC_BASE_URL'].rstrip('/')}{config['APP_PREFIX']}/desk/"


def render_email(template: str, context: dict) -> str:
    """Only what the message is given: no request, session or user (a worker has none);
    .html templates are autoescaped like every page's."""
    return current_app.jinja_env.get_template(template).render(context)


def queue_message(
    name: str, *, kind: str, recipient: str, subject: str, req: SupportRequest | None = None,
    in_reply_to: str | None = None, **context,
) -> OutboxMessage:
    """Render email/<name>.txt and .html with `context` and queue them to `recipient`."""
    row = render_message(name, kind=kind, recipient=recipient, subject=subject, req=req,
                         in_reply_to=in_reply_to, **context)  # fmt: skip
    return enqueue_row(row, req)


def render_message(
    name: str, *, kind: str, recipient: str, subject: str, req: SupportRequest | None = None,
    in_reply_to: str | None = None, **context,
) -> dict:
    """Render email/<name>.txt and .html with `context` into an outbox row, not yet queued."""
    body_text, body_html = render_bodies(name, req, context)
    return outbox_row(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        reply_to=current_school().support.email,
        in_reply_to=in_reply_to,
    )


def render_bodies(name: str, req: SupportRequest | None, context: dict) -> tuple[str, str]:
    """email/<name>.txt and .html, given the school, the request and `local` (its time)."""
    profile = current_school()
    context.update(school=profile, req=req, local=functools.lru_cache(maxsize=16)(
        lambda moment: local_datetime(profile, moment)))  # fmt: skip
    return render_email(f"email/{name}.txt", context), render_email(f"email/{name}.html", context)


# A new request (webapp/requests/service.py). Its rows are queued with the recipient only, with
# one INSERT, while the person at the form waits and before the request has its number; the
# worker writes each subject and body from the stored request just before sending it
# (`write_message`).


def new_request_mail(req: SupportRequest) -> list[dict]:
    """Outbox rows, not yet written, for the staff who get the request and the author's
    acknowledgement (when they left an e-mail address)."""
    profile = current_school()
    found = route(profile, req.request_type)
    recipients = [("request_routed", member.email) for member in found.specialists]
    if found.responsible is not None:
        recipients.append(("request_copy", found.responsible.email))
    if req.contact_email:
        recipients.append(("request_received", req.contact_email))
    return [outbox_row(kind=kind, recipient=recipient, reply_to=profile.support.email)
            for kind, recipient in recipients]  # fmt: skip


def write_message(message: OutboxMessage) -> None:
    """Fill in the subject, text and HTML of a message queued without them."""
    req = message.request
    name, subject, context = _WRITERS[message.kind](req, message.recipient)
    body_text, body_html = render_bodies(name, req, context)
    message.subject = one_line_subject(subject_for(req, subject))
    message.body_text, message.body_html = body_text, body_html


def _request_received(req: SupportRequest, recipient: str) -> tuple[str, str, dict]:
    """The acknowledgement: the number, what happens next, when, and the private link."""
    profile = current_school()
    request_type = profile.request_type(req.request_type)
    return "request_received", "Ваше обращение принято", {
        "type_title": request_type.title if request_type else req.request_type,
        "opening": next_opening(profile, req.received_at),
        "status_url": status_url(req),
    }


def _request_routed(req: SupportRequest, recipient: str, *, copy: bool = False) -> tuple[str, str, dict]:
    """The new request for a specialist of the routed role, or the responsible person's copy."""
    profile = current_school()
    member = next((s for s in profile.staff if s.email.lower() == recipient.lower()), None)
    request_type = profile.request_type(req.request_type)
    role = next((r for r in profile.roles if r.id == req.routed_role), None)
    type_title = request_type.title if request_type else req.request_type
    subject = f"Копия: {type_title}" if copy else f"Новое обращение: {type_title}"
    return "request_routed", subject, {
        "member": member,  # None if the profile no longer lists them: a plain greeting
        "copy": copy,
        # Only a person the profile still lets see it reads a confidential request's content.
        "details": member is not None and may_see_details(profile, member, req.confidential),
        "type_title": type_title,
        "role_title": role.title if role else req.routed_role,
        "author_role": author_role_title(req.author_role),
        "phone": format_phone(req.contact_phone),
        "desk_url": desk_url(),
    }


_WRITERS = {
    "request_received": _request_received,
    "request_routed": _request_routed,
    "request_copy": functools.partial(_request_routed, copy=True),
}


# The life of a request on the desk (webapp/requests/lifecycle.py).


def request_desk_url(req: SupportRequest) -> str:
    return f"{desk_url()}r/{req.id}"


def answer_sent(req: SupportRequest, text: str, *, in_reply_to: str | None = None) -> OutboxMessage:
    """The specialist's answer to the author, from the service's address."""
    return queue_message(
        "answer_sent", kind="answer_sent", recipient=req.contact_email, req=req,
        subject=subject_for(req, "Ответ на ваше обращение"), in_reply_to=in_reply_to,
        text=text, status_url=status_url(req),
    )  # fmt: skip


def question_to_author(req: SupportRequest, text: str) -> OutboxMessage:
    """A specialist's question to the author, to clarify the request before answering."""
    return queue_message(
        "question_to_author", kind="question_to_author", recipient=req.contact_email, req=req,
        subject=subject_for(req, "Уточнение по вашему обращению"),
        text=text, status_url=status_url(req),
    )  # fmt: skip


def request_assigned(req: SupportRequest) -> OutboxMessage | None:
    """The request handed to a specialist on the desk: they are told at once."""
    profile = current_school()
    member = profile.staff_member(req.assignee or "")
    if member is None:
        return None
    return queue_message(
        "request_assigned", kind="request_assigned", recipient=member.email, req=req,
        subject=subject_for(req, "Вам передано обращение"), member=member,
        type_title=profile.request_type(req.request_type).title, desk_url=request_desk_url(req),
    )  # fmt: skip


def extension_requested(req: SupportRequest) -> list[OutboxMessage]:
    """Everyone who may agree a longer term learns that one is asked for."""
    profile = current_school()
    asker = profile.staff_member(req.extension_requested_by or "")
    deciders = [s for s in profile.staff if "approve_extensions" in profile.permissions_of(s.id)]
    return [
        queue_message(
            "extension_requested", kind="extension_requested", recipient=member.email, req=req,
            subject=subject_for(req, "Просьба продлить срок"), member=member,
            asker=asker.name if asker else req.extension_requested_by,
            desk_url=request_desk_url(req),
        )  # fmt: skip
        for member in deciders
    ]


# Deadline control (webapp/deadlines/sla.py).

SLA_CLOCK_TITLES = {
    "assign": "передать обращение специалисту",
    "take": "принять обращение в работу",
    "process": "обработать обращение и ответить автору",
}


def sla_breach(req: SupportRequest, clock: str, due) -> OutboxMessage:
    """To the head of the service: a deadline of one clock was missed."""
    profile = current_school()
    head = profile.head_of_service
    assignee = profile.staff_member(req.assignee or "")
    return queue_message(
        "sla_breach", kind="sla_breach", recipient=head.email, req=req,
        subject=subject_for(req, f"Нарушен срок: {SLA_CLOCK_TITLES[clock]}"), member=head,
        step=SLA_CLOCK_TITLES[clock], due=due, assignee=assignee.name if assignee else None,
        type_title=profile.request_type(req.request_type).title, desk_url=request_desk_url(req),
    )  # fmt: skip
