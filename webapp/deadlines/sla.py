"""Deadline control (seed 002): the state of each clock, for the desk and the breach check.

Three clocks per request, each running while the request waits for one step:
- "assign": from arrival until it is handed to a specialist (status "new"), due `assign_due`;
- "take": from assignment until the specialist takes it into work (status "assigned"),
  due `take_due`;
- "process": from arrival until it is answered or closed, due `process_due` (which an extension
  agreed by the head moves later).

A clock is "done" once its step is behind the request, "overdue" past its deadline, "soon" when
the service time left is at most `support.deadlines.soon_minutes` or `soon_percent` of the whole
clock (whichever is larger), and "ok" otherwise (also for the take clock before assignment).
A clock the profile sets no deadline for never runs: its deadline is NULL, it is never overdue,
never "soon", and the desk leaves it out (`runs`).

The letters to the head about a missed deadline are queued by webapp/requests/escalation.py.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Clock, ClockState, RequestStatus
from .clock import MAX_DAYS_CLOSED
from .due import clock_length, clock_time_between

# The statuses in which each clock runs; every other status means the step is done.
RUNNING = {
    Clock.ASSIGN: (RequestStatus.NEW,),
    Clock.TAKE: (RequestStatus.ASSIGNED,),
    Clock.PROCESS: RequestStatus.open(),
}


LOOK_AHEAD = dt.timedelta(days=MAX_DAYS_CLOSED + 31)


def due_of(req: SupportRequest, clock: Clock) -> dt.datetime | None:
    return getattr(req, due_column(clock).key)


def due_column(clock: Clock):
    """The request's column that holds this clock's deadline (`assign_due` …)."""
    return getattr(SupportRequest, f"{Clock(clock)}_due")


def soon_threshold(profile: SchoolProfile, clock: str) -> dt.timedelta:
    d, length = profile.support.deadlines, clock_length(profile, clock)
    if d is None or length is None:  # a deadline left from before the profile dropped it
        return dt.timedelta(0)
    share = length * d.soon_percent / 100
    return max(dt.timedelta(minutes=d.soon_minutes), share)


def clock_state(
    profile: SchoolProfile, req: SupportRequest, clock: Clock, now: dt.datetime
) -> ClockState:
    if req.status not in RUNNING[clock]:
        not_started = clock == Clock.TAKE and req.status == RequestStatus.NEW
        return ClockState.OK if not_started else ClockState.DONE
    due = due_of(req, clock)
    if due is None:
        return ClockState.OK
    if now > due:
        return ClockState.OVERDUE
    # Service time only grows with the end, so a far deadline (one set by hand in year 9999) is
    # looked at no further than a month past the longest closure the profile allows.
    left = clock_time_between(profile, clock, now, min(due, now + LOOK_AHEAD))
    return ClockState.SOON if left <= soon_threshold(profile, clock) else ClockState.OK


def clock_states(profile: SchoolProfile, req: SupportRequest, now: dt.datetime) -> dict[Clock, ClockState]:
    """The state of every clock of the request at `now`, for the desk: the clocks the profile
    sets a deadline for, and any other one the request still carries a deadline of."""
    return {
        clock: clock_state(profile, req, clock, now)
        for clock in Clock
        if clock_length(profile, clock) is not None or due_of(req, clock) is not None
    }


def overdue_clause(now: dt.datetime) -> sa.ColumnElement[bool]:
    """SQL for "some clock of the request is overdue at `now`" (the desk's filter)."""
    return sa.or_(*(breached_clause(clock, now) for clock in Clock))


def breached_clause(clock: Clock, now: dt.datetime) -> sa.ColumnElement[bool]:
    """SQL for "this clock runs and its deadline has passed at `now`"."""
    return sa.and_(SupportRequest.status.in_(RUNNING[clock]), due_column(clock) < now)
