"""The outbox: e-mail is queued as rows in the caller's transaction and delivered by a worker.

Delivery claims due rows atomically (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the single
`UPDATE … RETURNING` runs under the database's write lock), so two workers never take the same
message. A claim is a lease (`claimed_until`): a worker that died mid-batch leaves its messages
to be claimed again after the lease. Success is recorded per message, so a sent message is never
claimed again; every message keeps the Message-ID it was given when queued.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, current_app

from ..extensions import db
from ..models import OutboxMessage, SupportRequest
from ..models.types import utc_now
from ..school import current_school
from .transport import TransportError, open_connection, send_one

log = logging.getLogger(__name__)


# A value that would end a header line and start another one.
_LINE_BREAK = re.compile(r"[\r\n]")
_SPACES = re.compile(r"\s+")


def enqueue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str,
    request: SupportRequest | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
) -> OutboxMessage:
    """Queue one message in the current transaction (the caller commits)."""
    row = outbox_row(kind=kind, recipient=recipient, subject=subject, body_text=body_text,
                     body_html=body_html, reply_to=reply_to, in_reply_to=in_reply_to)  # fmt: skip
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
    subject: str,
    body_text: str,
    body_html: str,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
) -> dict:
    """The columns of one message waiting to be sent, checked: no value can add a header."""
    for name, value in (("recipient", recipient), ("reply_to", reply_to), ("in_reply_to", in_reply_to)):
        if value is not None and (_LINE_BREAK.search(value) or not value.strip()):
            raise ValueError(f"{name} must be a single non-empty line")
    return {
        "message_id": new_message_id(kind),
        "kind": kind,
        "recipient": recipient.strip(),
        # Whatever went into it, a subject is one line and can never start a header of its own.
        "subject": _SPACES.sub(" ", subject).strip()[:300],
        "body_text": body_text,
        "body_html": body_html,
        "reply_to": reply_to,
        "in_reply_to": in_reply_to,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": utc_now(),
    }


def enqueue_rows(rows: list[dict], request_id: int) -> None:
    """Queue messages of a stored request made by `outbox_row`, with one multi-row INSERT in
    the current transaction (the caller commits): no ORM bookkeeping on the submission path."""
    if rows:
        table = OutboxMessage.__table__
        db.session.execute(sa.insert(table), [{**row, "request_id": request_id} for row in rows])


def new_message_id(kind: str) -> str:
    """`<random@service-domain>`: short enough for its header line not to be folded."""
    domain = current_school().support.email.rsplit("@", 1)[1]
    return f"<{uuid.uuid4().hex}@{domain}>"


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # failed this time, will be tried again
    failed: int = 0  # gave up: listed by `outbox failed`
    errors: list[str] = field(default_factory=list)
    server_unreachable: bool = False


def deliver_due(app: Flask, limit: int = 1000, now: dt.datetime | None = None) -> DeliveryReport:
    """Send what is due, batch by batch, up to `limit` messages; stop when the server fails."""
    report = DeliveryReport()
    with app.app_context():
        handled = 0
        while handled < limit:
            batch = claim_due(min(app.config["OUTBOX_BATCH"], limit - handled), now=now)
            if not batch:
                break
            handled += len(batch)
            if not _deliver_batch(batch, report, now):
                break
        db.session.remove()
    return report


def claim_due(size: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Take up to `size` due messages for this worker and commit the claim."""
    now = now or utc_now()
    due = sa.or_(
        sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )
    candidates = (
        sa.select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's write lock does the same
    )
    claim = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
        .values(status="sending", claimed_until=now + lease_length())
        .returning(OutboxMessage.id)
    )
    db.session.commit()  # start the claim in a transaction of its own
    ids = list(db.session.execute(claim, execution_options={"synchronize_session": False}).scalars())
    db.session.commit()
    if not ids:
        return []
    query = sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def lease_length() -> dt.timedelta:
    """Long enough for a whole batch to time out message by message."""
    config = current_app.config
    return dt.timedelta(seconds=60 + 4 * config["MAIL_TIMEOUT"] * config["OUTBOX_BATCH"])


def _deliver_batch(batch: list[OutboxMessage], report: DeliveryReport, now) -> bool:
    """Send over one connection. False when the server failed (the caller stops for now)."""
    try:
        connection = open_connection()
    except TransportError as exc:
        report.server_unreachable = True
        for message in batch:
            _record_failure(message, exc, report, now)
        db.session.commit()
        return False
    with connection:
        for position, message in enumerate(batch):
            try:
                send_one(connection, message)
            except TransportError as exc:
                _record_failure(message, exc, report, now)
                db.session.commit()
                if exc.connection_lost:
                    _release(batch[position + 1 :])
                    return False
                continue
            _record_success(message, now)
            report.sent += 1
            db.session.commit()
    return True


def _record_success(message: OutboxMessage, now) -> None:
    message.status = "sent"
    message.sent_at = now or utc_now()
    message.attempts += 1
    message.claimed_until = None
    message.last_error = None
    log.info("mail %s sent (%s, message %s)", message.id, message.kind, message.message_id)


def _record_failure(message: OutboxMessage, error: Exception, report: DeliveryReport, now) -> None:
    config = current_app.config
    now = now or utc_now()
    message.attempts += 1
    message.claimed_until = None
    message.last_error = str(error)[:1000]
    report.errors.append(f"{message.id}: {error}")
    if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = "failed"
        report.failed += 1
        log.error("mail %s failed for good after %s attempts: %s", message.id, message.attempts, error)
        return
    message.status = "pending"
    message.next_attempt_at = now + retry_delay(message.attempts)
    report.retried += 1
    log.warning("mail %s attempt %s failed, next at %s: %s", message.id, message.attempts,
                message.next_attempt_at.isoformat(timespec="seconds"), error)


def retry_delay(attempts: int) -> dt.timedelta:
    """60 s, 120 s, 240 s … after the 1st, 2nd, 3rd failure, capped at OUTBOX_RETRY_MAX_SECONDS."""
    config = current_app.config
    seconds = config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1)
    return dt.timedelta(seconds=min(seconds, config["OUTBOX_RETRY_MAX_SECONDS"]))


def _release(messages: list[OutboxMessage]) -> None:
    """Hand back messages this worker claimed but never tried: due again at once."""
    for message in messages:
        message.status = "pending"
        message.claimed_until = None
    db.session.commit()


def failed_messages() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.status == "failed")
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id)))


def requeue(ids: list[int] | None = None) -> int:
    """Give failed messages a fresh set of attempts; all of them when `ids` is None."""
    statement = sa.update(OutboxMessage).where(OutboxMessage.status == "failed")
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(ids))
    statement = statement.values(status="pending", attempts=0, next_attempt_at=utc_now())
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return result.rowcount
