"""The audit log: who opened which page of the desk and did what, from which address.

Rows are only added by the app and never changed; they hold ids, numbers and endpoint names,
never a person's data (webapp/retention/audit.py writes them, `data purge` removes old ones).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_request_at", "request_id", "at"),
        sa.Index("ix_audit_entry_staff_at", "staff_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    staff_id: Mapped[str] = mapped_column(sa.String(40))
    page: Mapped[str] = mapped_column(sa.String(64))  # an AuditedPage code (the endpoint)
    method: Mapped[str] = mapped_column(sa.String(8))  # GET: looked; POST: changed something
    detail: Mapped[str] = mapped_column(sa.String(64), default="")  # an action code, an attachment id
    # The request the page belongs to; no foreign key, so the log outlives nothing it names.
    request_id: Mapped[int | None] = mapped_column(sa.Integer)
    address: Mapped[str | None] = mapped_column(sa.String(45))  # the staff member's IP address
