"""Which days the support service works.

A day is a working day, in this order of precedence:
1. the school listed it in the profile's `support.calendar.working_days` → works;
2. the school listed it in `support.calendar.days_off` → does not work;
3. with `support.calendar.russian` on (the default), a Russian public holiday or a day off
   moved by the government's decree → does not work; a weekend day the decree made a working
   day (e.g. Saturday 1 November 2025) → works;
4. otherwise the weekday decides: it works if it is in `support.hours.days` (Monday to Friday
   when the profile gives no hours).

The federal calendar comes from the `holidays` package (`holidays.RU`: public holidays, the
substituted days off and `weekend_workdays`, the transferred working days, with the decrees it
follows cited in its source). A year the package does not know yet, or a decree it has wrong, is
put right by the school in its profile, without code.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays

from ..school import SchoolProfile
from ..school.model import WEEKDAYS


@functools.lru_cache(maxsize=32)
def russian_year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """Russia's days off (date → name, in Russian) and transferred working days for a year."""
    calendar = holidays.country_holidays("RU", years=year, language="ru")
    days_off = {day: str(name) for day, name in calendar.items() if day.year == year}
    workdays = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class WorkCalendar:
    weekdays: frozenset[int]  # 0 = Monday, as in date.weekday()
    russian: bool
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date]

    @classmethod
    def of(cls, profile: SchoolProfile) -> WorkCalendar:
        calendar = profile.support.calendar
        return cls(
            weekdays=frozenset(WEEKDAYS.index(d) for d in profile.support.working_days),
            russian=calendar.russian,
            days_off=frozenset(calendar.days_off),
            working_days=frozenset(calendar.working_days),
        )

    def is_working_day(self, day: dt.date) -> bool:
        return self.rule(day)[0]

    def rule(self, day: dt.date) -> tuple[bool, str]:
        """Whether the service works on `day`, and which rule says so (a key of REASONS)."""
        if day in self.working_days:
            return True, "school_working_day"
        if day in self.days_off:
            return False, "school_day_off"
        if self.russian:
            federal_off, federal_work = russian_year(day.year)
            if day in federal_off:
                return False, "federal_day_off"
            if day in federal_work:
                return True, "transferred_working_day"
        if day.weekday() in self.weekdays:
            return True, "service_day"
        return False, "not_a_service_day"

    def explain(self, day: dt.date) -> tuple[bool, str]:
        """Whether the service works on `day`, and why (in Russian, for `sla calendar`)."""
        worked, rule = self.rule(day)
        if rule != "federal_day_off":
            return worked, REASONS[rule]
        name = russian_year(day.year)[0][day]  # "Выходной (перенесено с …)" or a holiday's name
        moved = name.startswith("Выходной")
        return worked, name[0].lower() + name[1:] if moved else f"праздник: {name}"


REASONS = {
    "school_working_day": "рабочий день по решению школы (support.calendar.working_days)",
    "school_day_off": "выходной по решению школы (support.calendar.days_off)",
    "transferred_working_day": "рабочий день, перенесённый постановлением Правительства",
    "service_day": "рабочий день службы",
    "not_a_service_day": "нерабочий день недели службы",
}
