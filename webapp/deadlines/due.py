"""When each deadline falls: the one place profile minutes and hours become moments.

Seed 002: a request is handed to a specialist within `assign_minutes` (30) of arrival, taken
into work within `take_into_work_minutes` (30) of being handed over, and processed within
`process_hours` (24) of arrival. Each length is counted in its own clock's mode
(webapp/deadlines/clock.py). A length the profile leaves out (seed 001 sets no deadline at all)
starts no clock: the deadline stays None (NULL), and nothing is ever due or missed on it.
"""

from __future__ import annotations

import datetime as dt

from ..school import SchoolProfile
from ..vocabulary import Clock, ClockMode
from .clock import add_service_time, service_time_between


def clock_length(profile: SchoolProfile, clock: Clock) -> dt.timedelta | None:
    """How long a clock runs, in its own service time; None where the act sets no such deadline."""
    return profile.deadline_length(Clock(clock))


def clock_mode(profile: SchoolProfile, clock: Clock) -> ClockMode:
    """The mode `clock` runs in (calendar, working hours or working days)."""
    return profile.clock_mode(Clock(clock))


def due_for(profile: SchoolProfile, clock: Clock, start: dt.datetime) -> dt.datetime | None:
    """The deadline (UTC) of `clock` started at `start` (timezone-aware); None where the
    profile sets no such deadline."""
    length = clock_length(profile, clock)
    if length is None:
        return None
    return add_service_time(profile, start, length, clock_mode(profile, clock))


def clock_time_between(
    profile: SchoolProfile, clock: Clock, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Service time from `start` to `end` as `clock` counts it."""
    return service_time_between(profile, start, end, clock_mode(profile, clock))


def initial_deadlines(profile: SchoolProfile, received: dt.datetime) -> dict[str, dt.datetime | None]:
    """The columns of a new request: the assign and process clocks start at arrival; the take
    clock starts when the request is handed over."""
    return {
        "assign_due": due_for(profile, Clock.ASSIGN, received),
        "take_due": None,
        "process_due": due_for(profile, Clock.PROCESS, received),
    }
