"""Staff accounts (people come from the profile's roster) and deadline alerts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class StaffAccount(UserMixin, db.Model):
    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[str] = mapped_column(sa.String(40), unique=True)  # the profile's staff id
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.active


class SlaAlert(db.Model):
    """One row per request and clock: the head of service is alerted once per breach."""

    __tablename__ = "sla_alert"
    __table_args__ = (sa.UniqueConstraint("request_id", "clock"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id"))
    clock: Mapped[str] = mapped_column(sa.String(16))  # assign | take | process
    alerted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
