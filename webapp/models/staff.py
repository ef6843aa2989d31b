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
    # Bumped by a new password or disabling: sessions signed in before it stop working.
    session_version: Mapped[int] = mapped_column(default=0)
    # A one-time password (staff page, `staff init`): changed at the first sign-in, and refused
    # after `password_expires_at` if it was never used.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Keyed digests of the addresses this person last signed in from, space-separated, newest
    # first: the right password from one of them passes a lock that failures elsewhere set.
    known_addresses: Mapped[str] = mapped_column(sa.String(200), default="")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class SlaAlert(db.Model):
    """One row per request, clock and deadline: the head of service is alerted once per breach.

    The deadline is part of the key so that a processing term extended by the head, then missed
    again, is a new breach with its own alert.
    """

    __tablename__ = "sla_alert"
    __table_args__ = (sa.UniqueConstraint("request_id", "clock", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id"))
    clock: Mapped[str] = mapped_column(sa.String(16))  # a Clock
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the deadline that was missed
    alerted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
