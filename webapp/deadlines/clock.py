"""Service time arithmetic. PLACEHOLDER: calendar mode only until working hours land (issue 4)."""

from __future__ import annotations

import datetime as dt

from ..school import SchoolProfile


def add_service_time(profile: SchoolProfile, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """The moment `delta` of service time has passed after `start` (aware datetimes, UTC out)."""
    return (start + delta).astimezone(dt.timezone.utc)


def next_opening(profile: SchoolProfile, at: dt.datetime) -> dt.datetime | None:
    """When the service next opens if `at` is outside working hours; None if it is open."""
    return None
