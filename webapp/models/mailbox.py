"""Mail taken from the support mailbox: one row per message that was acted on."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class MailboxReceipt(db.Model):
    """Written in the same transaction as the answer a message carried, so a message is acted on
    once even if marking it on the IMAP server fails or two fetches run at once."""

    __tablename__ = "mailbox_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID header, or "sha256:<hex>" of the message when it has none.
    message_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id"), index=True)
    staff_id: Mapped[str] = mapped_column(sa.String(40))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
