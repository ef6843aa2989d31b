"""When each deadline falls: the one place profile minutes and hours become moments.

Seed 002: a request is handed to a specialist within `assign_minutes` (30) of arrival, taken
into work within `take_into_work_minutes` (30) of being handed over, and processed within
`process_hours` (24) of arrival. Each length is service time (webapp/deadlines/clock.py).
"""

from __future__ import annotations

import datetime as dt

from ..school import SchoolProfile
from ..vocabulary import Clock
from .clock import add_service_time


def clock_length(profile: SchoolProfile, clock: Clock) -> dt.timedelta:
    """How long a clock runs, in service time, from the profile's `support.deadlines`."""
    d = profile.support.deadlines
    return {
        Clock.ASSIGN: dt.timedelta(minutes=d.assign_minutes),
        Clock.TAKE: dt.timedelta(minutes=d.take_into_work_minutes),
        Clock.PROCESS: dt.timedelta(hours=d.process_hours),
    }[Clock(clock)]


def due_for(profile: SchoolProfile, clock: Clock, start: dt.datetime) -> dt.datetime:
    """The deadline (UTC) of `clock` started at `start` (timezone-aware)."""
    return add_service_time(profile, start, clock_length(profile, clock))


def initial_deadlines(profile: SchoolProfile, received: dt.datetime) -> dict[str, dt.datetime | None]:
    """The columns of a new request: the assign and process clocks start at arrival; the take
    clock starts when the request is handed over."""
    return {
        "assign_due": due_for(profile, Clock.ASSIGN, received),
        "take_due": None,
        "process_due": due_for(profile, Clock.PROCESS, received),
    }
