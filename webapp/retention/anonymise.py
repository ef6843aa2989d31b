"""Removing a person's data from a request while keeping the request for the reports.

What goes (152-ФЗ art. 21 p. 4–5: destroyed when the purpose is reached or consent withdrawn):
the author's name, phone, e-mail and description; every text of the history (answers, notes,
the author's letters); the reason of an extension request; the rating's comment; attachments
(rows here, files by the caller after commit); the addresses, subjects and bodies of the
request's letters, pending ones cancelled; the Message-IDs of mailbox letters (hashed, so a
letter is still recognised as already handled); the status token (hashed, so the private link
says the request was removed instead of «not found»).

What stays: number, dates, type, author role, class, channel, routed role, assignee, clock
outcomes, closing outcome, rating score, the consent record (version, time, oral or form).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Attachment, HistoryEntry, MailboxReceipt, OutboxMessage, SupportRequest
from ..models.requests import search_key
from ..vocabulary import Anonymisation, OutboxStatus

REMOVED_NAME = "(сведения удалены)"
FINGERPRINT = "sha256:"


def token_fingerprint(token: str) -> str:
    """What an anonymised request keeps of its status token: SHA-256, 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()


class RequestRemoved(LookupError):
    """The private link belonged to a request whose personal data was removed."""


def by_status_token(session: Session, token: str) -> SupportRequest | None:
    """The request a private link opens (None: no such link). Raises RequestRemoved for the
    link of an anonymised request, which keeps only the token's fingerprint; the fingerprint
    itself opens nothing."""
    req = session.scalar(sa.select(SupportRequest).where(SupportRequest.status_token == token))
    if req is not None:
        return req if req.anonymised_at is None else None
    removed = sa.select(SupportRequest.id).where(
        SupportRequest.status_token == token_fingerprint(token), SupportRequest.anonymised_at.is_not(None)
    )
    if session.scalar(removed) is not None:
        raise RequestRemoved(token)
    return None


def letter_fingerprint(message_key: str) -> str:
    """What a mailbox receipt keeps of a letter's Message-ID once its request is anonymised."""
    if message_key.startswith(FINGERPRINT):
        return message_key
    return FINGERPRINT + hashlib.sha256(message_key.encode()).hexdigest()


def anonymise(session: Session, req: SupportRequest, reason: Anonymisation, now: dt.datetime) -> list[str]:
    """Remove the person's data from `req` in the caller's transaction.

    Returns the stored names of the attachment files to delete once the transaction commits
    (a file left behind by a failure is removed later by `uploads clean`: no row names it).
    Does nothing and returns [] for a request already anonymised.
    """
    if req.anonymised_at is not None:
        return []
    req.author_name = REMOVED_NAME
    req.author_key = search_key(REMOVED_NAME)
    req.contact_phone = None
    req.contact_email = None
    req.description = ""
    req.subject = None  # may be typed by the author where the profile lists no subjects
    req.extension_reason = None
    req.rating_comment = None
    req.submission_key = None
    req.status_token = token_fingerprint(req.status_token)
    req.anonymised_at = now
    req.anonymised_reason = reason.value
    files = [a.stored_name for a in req.attachments]
    for attachment in list(req.attachments):
        session.delete(attachment)
    session.execute(
        sa.update(HistoryEntry).where(HistoryEntry.request_id == req.id).values(text=""),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.request_id == req.id, OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
        .values(status=OutboxStatus.CANCELLED),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.request_id == req.id)
        .values(recipient="", reply_to=None, subject=None, body_text=None, body_html=None, last_error=None),
        execution_options={"synchronize_session": False},
    )
    for receipt in session.scalars(sa.select(MailboxReceipt).where(MailboxReceipt.request_id == req.id)):
        receipt.message_key = letter_fingerprint(receipt.message_key)
    session.expire(req, ["history"])
    return files


def attachments_of(session: Session, request_ids: list[int]) -> int:
    """How many attachment files the requests have (for a dry run's summary)."""
    if not request_ids:
        return 0
    query = sa.select(sa.func.count()).select_from(Attachment).where(Attachment.request_id.in_(request_ids))
    return session.scalar(query) or 0
