"""The outbox: every e-mail is a row written in the transaction that caused it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import OutboxStatus
from .types import UTCDateTime, utc_now

if TYPE_CHECKING:
    from .requests import SupportRequest


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)  # stable Message-ID
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_request.id"), index=True)
    request: Mapped[SupportRequest | None] = relationship()
    kind: Mapped[str] = mapped_column(sa.String(40))  # a MailKind: which event wrote it
    recipient: Mapped[str] = mapped_column(sa.String(254))
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    in_reply_to: Mapped[str | None] = mapped_column(sa.String(200))
    # Empty until written: a new request's mail is written by the worker just before sending.
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)

    status: Mapped[str] = mapped_column(sa.String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
