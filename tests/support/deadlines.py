"""School profiles for the deadline tests: the demo or the other school with a few facts changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from webapp.school import DEMO_PROFILE, SchoolProfile

OTHER_SCHOOL = Path(__file__).resolve().parent.parent / "profiles" / "other_school.yaml"


def demo_data(path: Path = DEMO_PROFILE) -> dict:
    """A profile (the demo school unless told) as plain data."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def school_profile(
    *,
    base: Path = DEMO_PROFILE,
    clock: str = "working_hours",
    timezone: str | None = None,
    days_off: list[dt.date] = (),
    working_days: list[dt.date] = (),
    russian: bool = True,
    **deadlines,
) -> SchoolProfile:
    data = demo_data(base)
    data["support"]["deadlines"].update(clock=clock, **deadlines)
    if timezone:
        data["school"]["timezone"] = timezone
    data["support"]["calendar"] = {
        "russian": russian,
        "days_off": list(days_off),
        "working_days": list(working_days),
    }
    return SchoolProfile.model_validate(data)


def local(profile: SchoolProfile, *args: int) -> dt.datetime:
    """A wall-clock moment in the school's own time zone."""
    return dt.datetime(*args, tzinfo=ZoneInfo(profile.school.timezone))
