"""Service time: how each deadline clock runs.

Every clock runs in its own mode (`profile.clock_mode(clock)`: `support.deadlines.clock`,
overridden per clock by `support.deadlines.clocks`; a vocabulary `ClockMode`):

- "calendar": plain elapsed time. 30 minutes are 30 minutes of the day or the night; the
  24-hour processing clock ends 24 hours after arrival (seed 002: «с момента поступления»).
- "working_hours": time runs only while the service is open — `support.hours` (e.g. 08:00–17:00
  on the listed weekdays) in the school's time zone (`school.timezone`), on the working days of
  `WorkCalendar` (Russian public holidays skipped, transferred working days counted, the school's
  own corrections applied). `process_hours: 24` means 24 hours during which the service is open,
  that is 2 working days and 6 hours with 9-hour days (a request that arrives at 10:00 on a
  Monday is due at 16:00 on the Wednesday) — not "by the same time on the next working day".
- "working_days": time runs round the clock, but only on working days of `WorkCalendar`, from
  midnight to midnight in the school's time zone: 24 hours from Friday 16:00 end on Monday 16:00,
  and a holiday is skipped the same way.

All functions take and return timezone-aware datetimes; results are in UTC. Periods are half-open
intervals [start, end): the service is open at 08:00 and closed at 17:00, but a clock may run out
exactly at 17:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from ..school import SchoolProfile
from ..vocabulary import ClockMode
from .calendar import WorkCalendar

UTC = dt.timezone.utc
# A calendar with no working day in this many days is a broken profile, not a long holiday.
MAX_DAYS_CLOSED = 400

Periods = Iterator[tuple[dt.datetime, dt.datetime]]


def default_mode(profile: SchoolProfile) -> ClockMode:
    """The mode of a clock the caller does not name: `support.deadlines.clock`."""
    deadlines = profile.support.deadlines
    return ClockMode(deadlines.clock) if deadlines is not None else ClockMode.CALENDAR


def add_service_time(
    profile: SchoolProfile, start: dt.datetime, delta: dt.timedelta, mode: str | None = None
) -> dt.datetime:
    """The moment `delta` of service time (counted in `mode`, the profile's default mode unless
    told) has passed after `start`."""
    _check_aware(start)
    if delta < dt.timedelta(0):
        raise ValueError("delta must not be negative")
    periods = _counted_periods(profile, mode, start)
    if periods is None or not delta:
        return (start + delta).astimezone(UTC)
    remaining = delta
    for opens, closes in periods:
        begin = max(opens, start)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(UTC)
        remaining -= available
    raise AssertionError("unreachable: the periods never end")


def service_time_between(
    profile: SchoolProfile, start: dt.datetime, end: dt.datetime, mode: str | None = None
) -> dt.timedelta:
    """Service time (counted in `mode`) from `start` to `end`; negative when `end` comes first."""
    _check_aware(start)
    _check_aware(end)
    if end < start:
        return -service_time_between(profile, end, start, mode)
    periods = _counted_periods(profile, mode, start)
    if periods is None:
        return end - start
    total = dt.timedelta(0)
    for opens, closes in periods:
        if opens >= end:
            break
        total += min(closes, end) - max(opens, start)
    return total


def next_opening(profile: SchoolProfile, at: dt.datetime) -> dt.datetime | None:
    """When the service next opens if `at` is outside its hours; None if it is open at `at`, and
    None when the profile gives no hours (nobody may then be told «the service is closed now»).

    This is about the service's hours, whatever the clock mode: it tells the author of a request
    that arrived in the evening, at a weekend or on a holiday when people will pick it up.
    """
    _check_aware(at)
    if profile.support.hours is None:
        return None
    opens, _closes = next(open_periods(profile, at))
    return None if opens <= at else opens


def is_open(profile: SchoolProfile, at: dt.datetime) -> bool:
    return next_opening(profile, at) is None


def _counted_periods(profile: SchoolProfile, mode: str | None, since: dt.datetime) -> Periods | None:
    """The periods in which a clock of `mode` runs, or None when it runs round the clock."""
    mode = ClockMode(mode) if mode is not None else default_mode(profile)
    if mode == ClockMode.WORKING_HOURS:
        return open_periods(profile, since)
    if mode == ClockMode.WORKING_DAYS:
        return working_day_periods(profile, since)
    return None


def open_periods(profile: SchoolProfile, since: dt.datetime) -> Periods:
    """The service's opening periods (UTC) that end after `since`, in order, without end."""
    hours = profile.support.hours
    if hours is None:
        raise ValueError("support.hours is not set: the service has no opening hours to count")
    start_time, end_time = _clock_time(hours.start), _clock_time(hours.end)
    return _day_periods(profile, since, start_time, end_time, next_day=False)


def working_day_periods(profile: SchoolProfile, since: dt.datetime) -> Periods:
    """Whole working days, midnight to midnight in the school's zone (UTC), that end after
    `since`, in order, without end."""
    return _day_periods(profile, since, dt.time(0, 0), dt.time(0, 0), next_day=True)


def _day_periods(
    profile: SchoolProfile, since: dt.datetime, start: dt.time, end: dt.time, *, next_day: bool
) -> Periods:
    zone = ZoneInfo(profile.school.timezone)
    calendar = WorkCalendar.of(profile)
    day = since.astimezone(zone).date()
    closed_for = 0
    while True:
        if calendar.is_working_day(day):
            closed_for = 0
            opens = dt.datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
            end_day = day + dt.timedelta(days=1) if next_day else day
            closes = dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
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


def _clock_time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _check_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: deadlines need timezone-aware datetimes")
