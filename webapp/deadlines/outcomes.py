"""Clock outcomes kept on record (issue 12; seed 002: the head controls execution).

A clock (webapp/deadlines/sla.py) stops when its step is done: the assign clock at the first
hand-over, the take clock when the specialist takes the request, the process clock at the answer.
`stop_clock` writes on the request when it stopped, how long it ran and how late it was — both
in service seconds, the mode the clock runs in (calendar, working hours or working days) — so "met late by
2 h 30 min" stays on the record after the step is done. A clock that restarts (a reassignment,
a reopening) keeps its worst lateness. `missed` marks a request that missed any clock at any time.

`outcome` tells, for the desk, how a clock ended or stands at `now`: a `ClockReport` with the
`ClockOutcome`, the lateness and, for the process clock, the extension agreed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Clock, ClockOutcome, ClosingOutcome, RequestStatus
from .due import clock_time_between
from .sla import RUNNING, breached_clause, due_column, due_of

# "Due soon" on the queue's filter and the control view: a running clock due within this time.
DUE_SOON = dt.timedelta(minutes=30)


def clock_start(req: SupportRequest, clock: Clock) -> dt.datetime | None:
    """When the clock started: arrival, or the hand-over for the take clock."""
    return req.assigned_at if Clock(clock) == Clock.TAKE else req.received_at


def stop_clock(profile: SchoolProfile, req: SupportRequest, clock: Clock, now: dt.datetime) -> None:
    """Record that `clock` stopped at `now` (its step is done); the caller changes the status."""
    clock = Clock(clock)
    start, due = clock_start(req, clock), due_of(req, clock)
    took = _seconds(clock_time_between(profile, clock, start, now)) if start and start <= now else 0
    late = _seconds(clock_time_between(profile, clock, due, now)) if due is not None and now > due else 0
    setattr(req, f"{clock}_done_at", now)
    setattr(req, f"{clock}_took", took)
    setattr(req, f"{clock}_late", max(getattr(req, f"{clock}_late") or 0, late))
    if late:
        req.missed = True


def _seconds(delta: dt.timedelta) -> int:
    return max(int(delta.total_seconds()), 0)


@dataclass(frozen=True)
class ClockReport:
    clock: Clock
    outcome: ClockOutcome
    due: dt.datetime | None
    late: int = 0  # service seconds late (done late, or overdue now)
    done_at: dt.datetime | None = None
    extended_by: str | None = None  # who agreed a longer processing term
    extended_at: dt.datetime | None = None


def outcome(profile: SchoolProfile, req: SupportRequest, clock: Clock, now: dt.datetime) -> ClockReport:
    """How `clock` ended, or stands at `now`."""
    clock = Clock(clock)
    due = due_of(req, clock)
    extension = {}
    if clock == Clock.PROCESS and req.extended_by:
        extension = {"extended_by": req.extended_by, "extended_at": req.extended_at}
    if req.status in RUNNING[clock]:
        if due is not None and now > due:
            late = _seconds(clock_time_between(profile, clock, due, now))
            return ClockReport(clock, ClockOutcome.BREACHED, due, late, **extension)
        return ClockReport(clock, ClockOutcome.RUNNING, due, **extension)
    done_at = getattr(req, f"{clock}_done_at")
    late = getattr(req, f"{clock}_late") or 0
    if done_at is None:
        if clock == Clock.TAKE and req.status == RequestStatus.NEW:
            return ClockReport(clock, ClockOutcome.NOT_STARTED, due)
        if req.closing_outcome == ClosingOutcome.DUPLICATE:
            return ClockReport(clock, ClockOutcome.NOT_COUNTED, due)
        if req.known_problem_id is not None:  # answered with its known problem: step skipped
            return ClockReport(clock, ClockOutcome.SKIPPED, due)
        return ClockReport(clock, ClockOutcome.DONE, due, **extension)
    kind = ClockOutcome.MET_LATE if late else ClockOutcome.MET
    return ClockReport(clock, kind, due, late, done_at, **extension)


def outcomes(profile: SchoolProfile, req: SupportRequest, now: dt.datetime) -> dict[Clock, ClockReport]:
    return {clock: outcome(profile, req, clock, now) for clock in Clock}


def describe_late(seconds: int) -> str:
    """'26 ч 05 мин', '45 мин' — a lateness in service time (working hours are not days)."""
    minutes = max(round(seconds / 60), 1 if seconds else 0)
    hours, mins = divmod(minutes, 60)
    return f"{hours} ч {mins:02d} мин" if hours else f"{mins} мин"


# SQL for the queue's filters and order (the same rules, for lists).


def missed_clause(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Some clock was missed at any time: done late, found breached, or overdue right now."""
    return sa.or_(SupportRequest.missed == sa.true(), *(breached_clause(c, now) for c in Clock))


def due_soon_clause(now: dt.datetime, within: dt.timedelta = DUE_SOON) -> sa.ColumnElement[bool]:
    """Some running clock falls due between `now` and `now + within` (not yet overdue)."""
    return sa.or_(*(
        sa.and_(SupportRequest.status.in_(RUNNING[c]), due_column(c) >= now, due_column(c) < now + within)
        for c in Clock
    ))  # fmt: skip


def _earlier(a, b):
    """The earlier of two deadlines, either of which may be NULL (a clock that does not run)."""
    return sa.case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def next_due_expression() -> sa.ColumnElement:
    """The deadline of the nearest running clock (NULL when none runs): the queue's order, which
    puts NULL last (`.asc().nulls_last()`: SQLite would put it first)."""
    r, s = SupportRequest, RequestStatus
    return sa.case(
        (r.status == s.NEW, _earlier(r.assign_due, r.process_due)),
        (r.status == s.ASSIGNED, _earlier(r.take_due, r.process_due)),
        (r.status == s.IN_WORK, r.process_due),
        else_=None,
    )


def nearest_clock(req: SupportRequest) -> tuple[Clock, dt.datetime] | None:
    """The running clock that falls due first, with its deadline (a new request: the hand-over)."""
    running = [(due_of(req, c), c) for c in Clock if req.status in RUNNING[c] and due_of(req, c)]
    if not running:
        return None
    due, clock = min(running, key=lambda pair: pair[0])
    return clock, due
