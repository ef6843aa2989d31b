"""Service time: how the deadline clocks of seed 002 run.

The profile's `support.deadlines.clock` chooses the mode:

- "calendar": plain elapsed time. 30 minutes are 30 minutes of the day or the night; the
  24-hour processing clock ends 24 hours after arrival.
- "working_hours": time runs only while the service is open — `support.hours` (e.g. 08:00–17:00
  on the listed weekdays) in the school's time zone (`school.timezone`), on the working days of
  `WorkCalendar` (Russian public holidays skipped, transferred working days counted, the school's
  own corrections applied). Every clock counts *service* time, the processing clock included:
  `process_hours: 24` means 24 hours during which the service is open, that is 2 working days and
  6 hours with 9-hour days (a request that arrives at 10:00 on a Monday is due at 16:00 on the
  Wednesday) — not "by the same time on the next working day".

All functions take and return timezone-aware datetimes; results are in UTC. Opening hours are
half-open intervals [start, end): the service is open at 08:00 and closed at 17:00, but a clock
may run out exactly at 17:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from ..school import SchoolProfile
from .calendar import WorkCalendar

UTC = dt.timezone.utc
# A calendar with no working day in this many days is a broken profile, not a long holiday.
MAX_DAYS_CLOSED = 400


def add_service_time(
    profile: SchoolProfile, start: dt.datetime, delta: dt.timedelta
) -> dt.datetime:
    """The moment `delta` of service time has passed after `start`."""
    _check_aware(start)
    if delta < dt.timedelta(0):
        raise ValueError("delta must not be negative")
    if not _working_hours(profile) or not delta:
        return (start + delta).astimezone(UTC)
    remaining = delta
    for opens, closes in open_periods(profile, start):
        begin = max(opens, start)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(UTC)
        remaining -= available
    raise AssertionError("unreachable: open_periods never ends")


def service_time_between(
    profile: SchoolProfile, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Service time from `start` to `end`; negative when `end` comes first."""
    _check_aware(start)
    _check_aware(end)
    if end < start:
        return -service_time_between(profile, end, start)
    if not _working_hours(profile):
        return end - start
    total = dt.timedelta(0)
    for opens, closes in open_periods(profile, start):
        if opens >= end:
            break
        total += min(closes, end) - max(opens, start)
    return total


def next_opening(profile: SchoolProfile, at: dt.datetime) -> dt.datetime | None:
    """When the service next opens if `at` is outside its hours; None if it is open at `at`.

    This is about the service's hours, whatever the clock mode: it tells the author of a request
    that arrived in the evening, at a weekend or on a holiday when people will pick it up.
    """
    _check_aware(at)
    opens, _closes = next(open_periods(profile, at))
    return None if opens <= at else opens


def is_open(profile: SchoolProfile, at: dt.datetime) -> bool:
    return next_opening(profile, at) is None


def open_periods(
    profile: SchoolProfile, since: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The service's opening periods (UTC) that end after `since`, in order, without end."""
    zone = ZoneInfo(profile.school.timezone)
    hours = profile.support.hours
    start_time, end_time = _clock_time(hours.start), _clock_time(hours.end)
    calendar = WorkCalendar.of(profile)
    day = since.astimezone(zone).date()
    closed_for = 0
    while True:
        if calendar.is_working_day(day):
            closed_for = 0
            opens = dt.datetime.combine(day, start_time, tzinfo=zone).astimezone(UTC)
            closes = dt.datetime.combine(day, end_time, tzinfo=zone).astimezone(UTC)
            if closes > since:
                yield opens, closes
        else:
            closed_for += 1
            if closed_for > MAX_DAYS_CLOSED:
                raise ValueError(
                    f"по профилю школы служба не работает ни одного дня больше {MAX_DAYS_CLOSED} "
                    "дней подряд: проверьте support.hours и support.calendar"
                )
        day += dt.timedelta(days=1)


def _working_hours(profile: SchoolProfile) -> bool:
    return profile.support.deadlines.clock == "working_hours"


def _clock_time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _check_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: deadlines need timezone-aware datetimes")
