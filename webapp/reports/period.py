"""Report periods in the school's time zone: a week, a month, a school term, a school year, or
any two dates (both included).

The Russian school year runs from 1 September to 31 August (273-ФЗ, art. 28: the school's own
calendar); its terms here are the usual quarters: I 1 Sep–31 Oct, II 1 Nov–31 Dec,
III 1 Jan–31 Mar, IV 1 Apr–31 Aug (the summer with the fourth).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..school import SchoolProfile

NAMED = {"week": "эта неделя", "month": "этот месяц", "term": "эта четверть", "year": "этот учебный год"}
# A report longer than this is a typing mistake (and would scan the register for nothing).
LONGEST = dt.timedelta(days=3 * 366)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_TERMS = ((9, 1, 10, 31), (11, 1, 12, 31), (1, 1, 3, 31), (4, 1, 8, 31))


class BadPeriod(ValueError):
    """`str()` is the Russian message; nothing was computed."""


@dataclass(frozen=True)
class Period:
    first: dt.date  # the first day included
    last: dt.date  # the last day included

    @property
    def title(self) -> str:
        return f"{self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}"

    def bounds(self, profile: SchoolProfile) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC: midnight of the first day to midnight after the last, school time."""
        zone = ZoneInfo(profile.school.timezone)
        start = dt.datetime.combine(self.first, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def school_today(profile: SchoolProfile, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(profile.school.timezone)).date()


def named(name: str, today: dt.date) -> Period:
    """The week, month, school term or school year that contains `today`."""
    if name == "week":
        monday = today - dt.timedelta(days=today.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    if name == "month":
        return month_of(today.year, today.month)
    if name == "year":
        start = today.year if today.month >= 9 else today.year - 1
        return Period(dt.date(start, 9, 1), dt.date(start + 1, 8, 31))
    if name == "term":
        for m1, d1, m2, d2 in _TERMS:
            first, last = dt.date(today.year, m1, d1), dt.date(today.year, m2, d2)
            if first <= today <= last:
                return Period(first, last)
    raise BadPeriod("Выберите период: неделя, месяц, четверть, учебный год или свои даты.")


def month_of(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def last_month(today: dt.date) -> Period:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month_of(first.year, first.month)


def between(first: dt.date | None, last: dt.date | None) -> Period:
    """Two dates typed by a person, checked: both given, in order, not years apart."""
    if first is None or last is None:
        raise BadPeriod("Укажите обе даты периода: с какого и по какой день.")
    for day in (first, last):
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise BadPeriod(f"Проверьте год: нужна дата между {EARLIEST_YEAR} и {LATEST_YEAR} годом.")
    if last < first:
        raise BadPeriod("Дата «по» раньше даты «с»: поменяйте их местами.")
    if last - first > LONGEST:
        raise BadPeriod("Период слишком длинный: не больше трёх лет.")
    return Period(first, last)


def parse_date(text: str | None) -> dt.date | None:
    """'2026-10-01' → a date; anything else → None."""
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
