"""Queueing e-mail: every message is a row written in the transaction that caused it.

Nothing here talks to a mail server; `outbox.py` delivers the rows after the commit. A row may
come without its subject and body: the mail of a new request is written by the delivery worker
(the writer the factory hands to `outbox.deliver_due`), so the person at the form does not wait.
This package knows nothing of requests: who is told what lives in webapp/requests/notifications.py.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from ..extensions import db
from ..models import OutboxMessage, SupportRequest
from ..models.types import utc_now
from ..vocabulary import OutboxStatus

# A value that would end a header line and start another one.
_LINE_BREAK = re.compile(r"[\r\n]")
_SPACES = re.compile(r"\s+")


def enqueue(
    *,
    kind: str,
    recipient: str,
    sender_domain: str,
    subject: str | None,
    body_text: str | None,
    body_html: str | None,
    request: SupportRequest | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
) -> OutboxMessage:
    """Queue one message in the current transaction (the caller commits)."""
    row = outbox_row(kind=kind, recipient=recipient, sender_domain=sender_domain, subject=subject,
                     body_text=body_text, body_html=body_html, reply_to=reply_to,
                     in_reply_to=in_reply_to)  # fmt: skip
    return enqueue_row(row, request)


def enqueue_row(row: dict, request: SupportRequest | None = None) -> OutboxMessage:
    """Queue one message made by `outbox_row` (adds it to the session; the caller commits)."""
    message = OutboxMessage(**row)
    message.request = request  # a request being created gets its id when the session flushes
    db.session.add(message)
    return message


def outbox_row(
    *,
    kind: str,
    recipient: str,
    sender_domain: str,
    subject: str | None = None,
    body_text: str | None = None,
    body_html: str | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
) -> dict:
    """The columns of one message waiting to be sent, checked: no value can add a header.

    `sender_domain` ends its Message-ID (`<hex@domain>`, RFC 5322 §3.6.4). Without subject and
    bodies, the worker writes them before sending (the writer given to `outbox.deliver_due`)."""
    for name, value in (("recipient", recipient), ("reply_to", reply_to), ("in_reply_to", in_reply_to)):
        if value is not None and (_LINE_BREAK.search(value) or not value.strip()):
            raise ValueError(f"{name} must be a single non-empty line")
    return {
        "message_id": new_message_id(sender_domain),
        "kind": kind,
        "recipient": recipient.strip(),
        "subject": None if subject is None else one_line_subject(subject),
        "body_text": body_text,
        "body_html": body_html,
        "reply_to": reply_to,
        "in_reply_to": in_reply_to,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": utc_now(),
    }


def one_line_subject(text: str) -> str:
    """Whatever went into it, a subject is one line and can never start a header of its own."""
    return _SPACES.sub(" ", text).strip()[:300]


def enqueue_rows(rows: list[dict], request_id: int) -> None:
    """Queue messages of a stored request made by `outbox_row`, with one multi-row INSERT in
    the current transaction (the caller commits): no ORM bookkeeping on the submission path."""
    if rows:
        db.session.connection().execute(_INSERT_MESSAGE, [{**row, "request_id": request_id} for row in rows])


_INSERT_MESSAGE = sa.insert(OutboxMessage.__table__)  # built once: every submission runs it


def new_message_id(domain: str) -> str:
    """`<random@domain>`: short enough for its header line not to be folded."""
    return f"<{uuid.uuid4().hex}@{domain}>"
