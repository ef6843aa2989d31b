"""The working-day calendar: Russian holidays, transferred working days and a school's own days."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from tests.support.deadlines import demo_data, school_profile
from webapp.deadlines.calendar import WorkCalendar
from webapp.school import ProfileError, load_profile
from webapp.school.model import HolidayCalendar

D = dt.date
PROFILES = Path(__file__).resolve().parent / "profiles"


@pytest.fixture
def demo():
    return WorkCalendar.of(school_profile())


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 8),  # New Year break
        D(2025, 11, 3),  # Monday given off for the working Saturday 1 November
        D(2025, 11, 4),  # Unity Day
        D(2025, 12, 31),  # transferred day off
        D(2026, 1, 9),  # Friday given off for Saturday 3 January
        D(2026, 3, 9),  # Monday after International Women's Day on a Sunday
        D(2026, 5, 11),  # Monday after Victory Day on a Saturday
        D(2026, 11, 4),
        D(2027, 2, 22),
        D(2027, 11, 5),
    ],
)
def test_russian_public_holidays_and_moved_days_off_are_not_worked(demo, day):
    assert day.weekday() < 5
    assert not demo.is_working_day(day)


@pytest.mark.parametrize("day", [D(2024, 12, 28), D(2025, 11, 1), D(2027, 2, 20)])
def test_saturdays_made_working_days_by_decree_are_worked(demo, day):
    assert day.weekday() == 5
    assert demo.is_working_day(day)


def test_ordinary_days_follow_the_service_weekdays(demo):
    assert demo.is_working_day(D(2026, 3, 3))
    assert not demo.is_working_day(D(2026, 3, 7))
    assert not demo.is_working_day(D(2026, 3, 8))


def test_school_adds_a_day_off_and_a_working_day_in_its_profile():
    calendar = WorkCalendar.of(
        school_profile(days_off=[D(2026, 3, 4)], working_days=[D(2026, 3, 7), D(2026, 1, 9)])
    )
    assert not calendar.is_working_day(D(2026, 3, 4))
    assert calendar.is_working_day(D(2026, 3, 7))
    assert calendar.is_working_day(D(2026, 1, 9))  # the school's word beats the federal one


def test_federal_calendar_can_be_switched_off():
    calendar = WorkCalendar.of(school_profile(russian=False))
    assert calendar.is_working_day(D(2026, 11, 4))
    assert not calendar.is_working_day(D(2025, 11, 1))


def test_explain_names_the_holiday_in_russian(demo):
    worked, why = demo.explain(D(2026, 11, 4))
    assert not worked and "День народного единства" in why
    assert "перенесённый" in demo.explain(D(2025, 11, 1))[1]


def _load(tmp_path, data):
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_profile(path)


def test_profile_with_a_day_both_off_and_working_is_refused_in_russian(tmp_path):
    data = demo_data()
    data["support"]["calendar"] = {"days_off": ["2026-03-04"], "working_days": ["2026-03-04"]}
    with pytest.raises(ProfileError, match="2026-03-04 указан и в days_off, и в working_days"):
        _load(tmp_path, data)


def test_profile_with_a_bad_date_is_refused_in_russian(tmp_path):
    data = demo_data()
    data["support"]["calendar"] = {"days_off": ["31.12.2026"]}
    with pytest.raises(ProfileError, match=r"support\.calendar\.days_off\[0\]: нужна дата"):
        _load(tmp_path, data)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("soon_percent", 150, "от 0 до 100"), ("soon_minutes", -5, "от 0 до 1440")],
)
def test_bad_soon_threshold_is_refused_in_russian(tmp_path, key, value, message):
    data = demo_data()
    data["support"]["deadlines"][key] = value
    with pytest.raises(ProfileError, match=f"support.deadlines.{key}: «{value}» — .*{message}"):
        _load(tmp_path, data)


def test_every_shipped_profile_still_loads():
    paths = [None, *sorted(PROFILES.glob("*.yaml"))]
    for path in paths:
        assert isinstance(load_profile(path).support.calendar, HolidayCalendar)
