"""Showing stored UTC moments in the school's time zone, the Russian way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .school import SchoolProfile

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def to_local(profile: SchoolProfile, moment: dt.datetime) -> dt.datetime:
    """The moment on the school's clock; at the very ends of the calendar (a date set by hand,
    year 1 or 9999) where the shift would leave it, the moment as stored."""
    try:
        return moment.astimezone(ZoneInfo(profile.school.timezone))
    except OverflowError:
        return moment


def local_datetime(profile: SchoolProfile, moment: dt.datetime | None) -> str:
    """'12 марта 2026, 14:30' in the school's time zone; '' for no moment."""
    if moment is None:
        return ""
    local = to_local(profile, moment)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
