"""Reports mailed to the head: one row per month, so a month's report is mailed once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class ReportMailing(db.Model):
    __tablename__ = "report_mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)  # "2026-10"
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
