"""Known problems: a platform or a kind of request failing for many families at once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now


class KnownProblem(db.Model):
    """Declared by the head of the service; requests of its types are linked to it while it is
    open (webapp/known_problems/). Rows are kept after resolution for the reports."""

    __tablename__ = "known_problem"
    __table_args__ = (sa.Index("ix_known_problem_resolved_started", "resolved_at", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))  # the public headline
    public_text: Mapped[str] = mapped_column(sa.Text)  # what is known and what the school does
    # The request types it concerns (profile ids, comma-separated) and the platform, if one.
    request_types: Mapped[str] = mapped_column(sa.String(400), default="")
    platform: Mapped[str | None] = mapped_column(sa.String(40))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # when it should be over
    declared_by: Mapped[str] = mapped_column(sa.String(40))  # staff id
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(40))
    resolution_text: Mapped[str | None] = mapped_column(sa.Text)  # the letter to linked authors

    @property
    def type_ids(self) -> list[str]:
        return [t for t in self.request_types.split(",") if t]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
