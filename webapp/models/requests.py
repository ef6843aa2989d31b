"""The register of requests: a request, its files, its history and the yearly numbering."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import Channel, RequestStatus
from .types import UTCDateTime, utc_now

if TYPE_CHECKING:
    from .problems import KnownProblem


class RequestCounter(db.Model):
    """The last number given out in a year; bumped atomically to number requests."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


def search_key(name: str) -> str:
    """How names are compared in the desk's search: case-folded, «ё» as «е», single spaces.

    Stored beside the name (SQLite's lower() knows no Cyrillic), so a prefix search is a range
    scan of one index on both databases.
    """
    return " ".join(name.casefold().replace("ё", "е").split())


def _author_key_default(context) -> str:
    return search_key(context.get_current_parameters()["author_name"])


class SupportRequest(db.Model):
    __tablename__ = "support_request"
    # The desk's lists: each filter is served by an index that also gives the order (newest
    # first); the overdue filter and `sla check` use (status, <clock>_due).
    __table_args__ = (
        sa.Index("ix_support_request_status_received", "status", "received_at"),
        sa.Index("ix_support_request_type_received", "request_type", "received_at"),
        sa.Index("ix_support_request_assignee_received", "assignee", "received_at"),
        sa.Index("ix_support_request_routed_received", "routed_role", "received_at"),
        sa.Index("ix_support_request_confidential_received", "confidential", "received_at"),
        sa.Index("ix_support_request_recorded_by", "recorded_by"),
        sa.Index("ix_support_request_status_assign_due", "status", "assign_due"),
        sa.Index("ix_support_request_status_take_due", "status", "take_due"),
        sa.Index("ix_support_request_status_process_due", "status", "process_due"),
        # "missed at any time" (issue 12): a breach stays on record once a clock was missed.
        sa.Index("ix_support_request_missed_received", "missed", "received_at"),
        sa.Index("ix_support_request_rating_received", "rating", "received_at"),
        sa.Index(
            "ix_support_request_pending_extension", "received_at",
            sqlite_where=sa.text("extension_due IS NOT NULL"),
            postgresql_where=sa.text("extension_due IS NOT NULL"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)  # "2026-00042"
    status_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The form's one-time key: a resubmitted page finds the request it already created.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    # Channel.WEB, or the id of one of the profile's `channels` recorded by staff.
    channel: Mapped[str] = mapped_column(sa.String(40), default=Channel.WEB.value)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    recorded_by: Mapped[str | None] = mapped_column(sa.String(40))  # staff id for phone etc.

    author_name: Mapped[str] = mapped_column(sa.String(200))
    # search_key(author_name), for the desk's search by the beginning of a name.
    author_key: Mapped[str] = mapped_column(
        sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"),
        default=_author_key_default,
        index=True,
    )
    author_role: Mapped[str] = mapped_column(sa.String(16))  # an AuthorRole
    class_name: Mapped[str | None] = mapped_column(sa.String(16))
    request_type: Mapped[str] = mapped_column(sa.String(40))
    # A consultation request (seed 003; `request_types[].consultation`): its form (a
    # ConsultationForm), its mode (a ConsultationMode) and the subject as the profile names it.
    consultation_form: Mapped[str | None] = mapped_column(sa.String(16))
    consultation_mode: Mapped[str | None] = mapped_column(sa.String(16))
    subject: Mapped[str | None] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(sa.String(40))
    consent_oral: Mapped[bool] = mapped_column(default=False)

    status: Mapped[str] = mapped_column(sa.String(16), default=RequestStatus.NEW.value)
    routed_role: Mapped[str] = mapped_column(sa.String(40))
    assignee: Mapped[str | None] = mapped_column(sa.String(40))  # staff id
    confidential: Mapped[bool] = mapped_column(default=False)

    # NULL where the school's act sets no such deadline (`support.deadlines`, seed 001).
    assign_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    take_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    process_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A longer processing term asked by the assignee, waiting for the head's decision.
    extension_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    extension_requested_by: Mapped[str | None] = mapped_column(sa.String(40))
    extension_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The last agreed extension: who agreed it and when (the new term is `process_due`).
    extended_by: Mapped[str | None] = mapped_column(sa.String(40))
    extended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Each clock's outcome, kept when the clock stops (webapp/deadlines/outcomes.py): when it
    # stopped, how long it ran and how late it was, both in service seconds (the clock's mode).
    # `<clock>_late` keeps the worst lateness over restarts (a reassignment, a reopening).
    assign_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    assign_took: Mapped[int | None] = mapped_column(sa.Integer)
    assign_late: Mapped[int | None] = mapped_column(sa.Integer)
    take_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    take_took: Mapped[int | None] = mapped_column(sa.Integer)
    take_late: Mapped[int | None] = mapped_column(sa.Integer)
    process_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    process_took: Mapped[int | None] = mapped_column(sa.Integer)
    process_late: Mapped[int | None] = mapped_column(sa.Integer)
    # Some clock was missed at some time (done late, or found breached by `sla check`).
    missed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    # Why it was closed (a ClosingOutcome); a duplicate names the request it repeats.
    closing_outcome: Mapped[str | None] = mapped_column(sa.String(16))
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_request.id"))

    # The author's answer to «Помог ли ответ?» (a Rating): one per request, the last one counts.
    rating: Mapped[str | None] = mapped_column(sa.String(8))
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # The known problem it belongs to (webapp/requests/problems.py); its clocks follow it.
    known_problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("known_problem.id"), index=True)
    known_problem: Mapped[KnownProblem | None] = relationship()

    # When and why the person's data was removed (an Anonymisation); webapp/retention/.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    anonymised_reason: Mapped[str | None] = mapped_column(sa.String(16))

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    history: Mapped[list[HistoryEntry]] = relationship(
        back_populates="request", order_by="HistoryEntry.id"
    )

    def __repr__(self) -> str:
        return f"<SupportRequest {self.number} {self.status}>"


class Attachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    # File name inside the instance folder's uploads directory (never served statically).
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    request: Mapped[SupportRequest] = relationship(back_populates="attachments")


class HistoryEntry(db.Model):
    """One event in a request's life. Rows are only ever added, never changed."""

    __tablename__ = "history_entry"
    # The reports count reopenings and extensions of a period (webapp/reports/compute.py).
    __table_args__ = (sa.Index("ix_history_entry_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_request.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(sa.String(40))  # a staff id, or an Actor
    action: Mapped[str] = mapped_column(sa.String(32))  # an Event
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # Public entries appear on the author's status page; internal notes never do.
    public: Mapped[bool] = mapped_column(default=False)
    # The staff member the event concerns (the new assignee), shown on the desk only.
    target_staff: Mapped[str | None] = mapped_column(sa.String(40))

    request: Mapped[SupportRequest] = relationship(back_populates="history")
