"""The outbox: delivering the e-mail rows queued by `queue.py`, after the caller's commit.

Delivery claims due rows atomically (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the single
`UPDATE … RETURNING` runs under the database's write lock), so two workers never take the same
message. A claim is a lease (`claimed_until`): a worker that died mid-batch leaves its messages
to be claimed again after the lease. Success is recorded per message, so a sent message is never
claimed again; every message keeps the Message-ID it was given when queued.

A message queued without its words (a new request's) is written just before sending by the
writer the factory registers under `WRITER_KEY` (webapp/requests/notifications.py): this package
delivers mail and knows nothing of requests.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, current_app

from ..extensions import db
from ..models import OutboxMessage
from ..models.types import utc_now
from ..vocabulary import OutboxStatus
from .privacy import without_addresses
from .transport import TransportError, open_connection, send_one

log = logging.getLogger(__name__)

# app.extensions[WRITER_KEY]: fills in the subject and bodies of a message queued without them.
WRITER_KEY = "outbox_writer"
Writer = Callable[[OutboxMessage, dt.datetime | None], None]  # the message, the moment of writing


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
            if not _deliver_batch(app, batch, report, now):
                break
        db.session.remove()
    return report


def claim_due(size: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Take up to `size` due messages for this worker and commit the claim."""
    now = now or utc_now()
    due = sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
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
        .values(status=OutboxStatus.SENDING, claimed_until=now + lease_length())
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
    """Long enough for a whole batch to time out message by message, unless OUTBOX_LEASE_SECONDS
    says how long (messages of a worker that died are taken up again after it)."""
    config = current_app.config
    if config.get("OUTBOX_LEASE_SECONDS"):
        return dt.timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    return dt.timedelta(seconds=60 + 4 * config["MAIL_TIMEOUT"] * config["OUTBOX_BATCH"])


def _deliver_batch(app: Flask, batch: list[OutboxMessage], report: DeliveryReport, now) -> bool:
    """Write what has no text yet, then send over one connection. False when the server failed
    (the caller stops for now)."""
    batch = _write_bodies(app.extensions.get(WRITER_KEY), batch, report, now)
    if not batch:
        return True
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


def _write_bodies(
    write: Writer | None, batch: list[OutboxMessage], report: DeliveryReport, now
) -> list[OutboxMessage]:
    """Write the messages queued without their words (a new request's mail) and store them, so
    every retry sends the same words. One that cannot be written is a failed attempt like any
    other, never dropped. The messages ready to send."""
    ready = []
    for message in batch:
        if message.body_text is not None:
            ready.append(message)
            continue
        try:
            if write is None:
                raise RuntimeError("нет составителя писем (WRITER_KEY)")
            write(message, now)
        except Exception as exc:  # a template or profile mistake must not stop the other messages
            log.exception("mail %s could not be written", message.id)
            _record_failure(message, RuntimeError(f"письмо не удалось составить: {exc}"), report, now)
        else:
            ready.append(message)
    db.session.commit()
    return ready


def _record_success(message: OutboxMessage, now) -> None:
    message.status = OutboxStatus.SENT
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
    report.errors.append(f"{message.id}: {without_addresses(error)}")
    if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        report.failed += 1
        log.error("mail %s failed for good after %s attempts: %s", message.id, message.attempts,
                  without_addresses(error))
        return
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now + retry_delay(message.attempts)
    report.retried += 1
    log.warning("mail %s attempt %s failed, next at %s: %s", message.id, message.attempts,
                message.next_attempt_at.isoformat(timespec="seconds"), without_addresses(error))


def retry_delay(attempts: int) -> dt.timedelta:
    """60 s, 120 s, 240 s … after the 1st, 2nd, 3rd failure, capped at OUTBOX_RETRY_MAX_SECONDS."""
    config = current_app.config
    seconds = config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1)
    return dt.timedelta(seconds=min(seconds, config["OUTBOX_RETRY_MAX_SECONDS"]))


def _release(messages: list[OutboxMessage]) -> None:
    """Hand back messages this worker claimed but never tried: due again at once."""
    for message in messages:
        message.status = OutboxStatus.PENDING
        message.claimed_until = None
    db.session.commit()


def failed_messages() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id)))


def requeue(ids: list[int] | None = None) -> int:
    """Give failed messages a fresh set of attempts; all of them when `ids` is None."""
    statement = sa.update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(ids))
    statement = statement.values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utc_now())
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return result.rowcount
