"""The deadline clocks in calendar time, in the service's working hours (08:00–17:00, Mon–Fri)
and round the clock on working days only; each clock in its own mode, or none at all.

The demo school is in Asia/Yekaterinburg (UTC+5 all year); dates are chosen on the 2025–2027
Russian calendar: the New Year break, 4 November, the working Saturday of 1 November 2025.
"""

import datetime as dt

import pytest

from tests.support.deadlines import OTHER_SCHOOL, demo_data, local, school_profile
from webapp.school import SchoolProfile, load_profile
from webapp.deadlines import (
    add_service_time, clock_time_between, due_for, initial_deadlines, is_open, next_opening,
    service_time_between,
)
from webapp.vocabulary import Clock

MIN30 = dt.timedelta(minutes=30)
DAY = dt.timedelta(hours=24)
UTC = dt.timezone.utc


@pytest.fixture
def hours():
    return school_profile(clock="working_hours")


@pytest.fixture
def calendar():
    return school_profile(clock="calendar")


# Calendar mode: plain elapsed time, whatever the hour or the day.


def test_calendar_clock_runs_through_the_evening(calendar):
    arrived = local(calendar, 2026, 3, 3, 16, 50)  # Tuesday
    assert add_service_time(calendar, arrived, MIN30) == local(calendar, 2026, 3, 3, 17, 20)
    assert add_service_time(calendar, arrived, DAY) == local(calendar, 2026, 3, 4, 16, 50)


def test_calendar_clock_runs_through_the_weekend_and_holidays(calendar):
    friday_night = local(calendar, 2026, 3, 13, 23, 50)
    assert add_service_time(calendar, friday_night, MIN30) == local(calendar, 2026, 3, 14, 0, 20)
    new_year = local(calendar, 2025, 12, 31, 12, 0)
    assert add_service_time(calendar, new_year, DAY) == local(calendar, 2026, 1, 1, 12, 0)
    unity_day = local(calendar, 2026, 11, 4, 9, 0)
    assert add_service_time(calendar, unity_day, MIN30) == local(calendar, 2026, 11, 4, 9, 30)


def test_calendar_results_are_in_utc(calendar):
    due = add_service_time(calendar, local(calendar, 2026, 3, 3, 10, 0), MIN30)
    assert due.tzinfo == UTC and due == dt.datetime(2026, 3, 3, 5, 30, tzinfo=UTC)


# Working-hours mode: only the service's hours on working days.


def test_working_hours_clock_within_the_day(hours):
    arrived = local(hours, 2026, 3, 3, 10, 0)
    assert add_service_time(hours, arrived, MIN30) == local(hours, 2026, 3, 3, 10, 30)


def test_working_hours_clock_may_run_out_exactly_at_closing(hours):
    arrived = local(hours, 2026, 3, 3, 16, 30)
    assert add_service_time(hours, arrived, MIN30) == local(hours, 2026, 3, 3, 17, 0)


def test_working_hours_clock_stops_for_the_evening(hours):
    arrived = local(hours, 2026, 3, 3, 16, 50)  # 10 minutes today, 20 tomorrow morning
    assert add_service_time(hours, arrived, MIN30) == local(hours, 2026, 3, 4, 8, 20)


def test_request_arriving_at_night_starts_counting_at_opening(hours):
    arrived = local(hours, 2026, 3, 3, 22, 15)
    assert add_service_time(hours, arrived, MIN30) == local(hours, 2026, 3, 4, 8, 30)
    early = local(hours, 2026, 3, 4, 6, 0)
    assert add_service_time(hours, early, MIN30) == local(hours, 2026, 3, 4, 8, 30)


def test_working_hours_clock_skips_the_weekend(hours):
    friday = local(hours, 2026, 3, 13, 16, 45)
    assert add_service_time(hours, friday, MIN30) == local(hours, 2026, 3, 16, 8, 15)
    saturday = local(hours, 2026, 3, 14, 12, 0)
    assert add_service_time(hours, saturday, MIN30) == local(hours, 2026, 3, 16, 8, 30)


def test_processing_clock_counts_24_hours_of_service_time(hours):
    # 9-hour days: Monday 10–17 (7 h), Tuesday (9 h), Wednesday 08–16 (8 h).
    monday = local(hours, 2026, 3, 2, 10, 0)
    assert add_service_time(hours, monday, DAY) == local(hours, 2026, 3, 4, 16, 0)
    thursday = local(hours, 2026, 3, 12, 10, 0)  # Thursday, Friday, then Monday
    assert add_service_time(hours, thursday, DAY) == local(hours, 2026, 3, 16, 16, 0)


def test_working_hours_clock_skips_the_new_year_break(hours):
    # 31 Dec 2025 is a transferred day off, 1–8 Jan holidays, 9 Jan 2026 a transferred day off.
    arrived = local(hours, 2025, 12, 30, 16, 50)
    assert add_service_time(hours, arrived, MIN30) == local(hours, 2026, 1, 12, 8, 20)
    assert next_opening(hours, local(hours, 2026, 1, 5, 10, 0)) == local(hours, 2026, 1, 12, 8, 0)


def test_working_hours_clock_skips_unity_day(hours):
    tuesday = local(hours, 2026, 11, 3, 16, 50)  # 4 November 2026 is a Wednesday
    assert add_service_time(hours, tuesday, MIN30) == local(hours, 2026, 11, 5, 8, 20)
    assert next_opening(hours, local(hours, 2026, 11, 4, 11, 0)) == local(hours, 2026, 11, 5, 8, 0)


def test_working_hours_clock_counts_a_transferred_working_saturday(hours):
    # 2025: Saturday 1 November worked instead of Monday 3 November; 4 November a holiday.
    friday = local(hours, 2025, 10, 31, 16, 50)
    assert add_service_time(hours, friday, MIN30) == local(hours, 2025, 11, 1, 8, 20)
    assert next_opening(hours, local(hours, 2025, 10, 31, 18, 0)) == local(hours, 2025, 11, 1, 8, 0)
    # 24 h: Friday 10–17 (7 h), Saturday (9 h), Monday and Tuesday off, Wednesday 08–16 (8 h).
    morning = local(hours, 2025, 10, 31, 10, 0)
    assert add_service_time(hours, morning, DAY) == local(hours, 2025, 11, 5, 16, 0)


def test_an_ordinary_saturday_is_not_worked(hours):
    assert next_opening(hours, local(hours, 2025, 11, 8, 9, 0)) == local(hours, 2025, 11, 10, 8, 0)


def test_school_day_off_and_extra_working_day_move_the_clock():
    profile = school_profile(days_off=[dt.date(2026, 3, 4)], working_days=[dt.date(2026, 3, 7)])
    monday = local(profile, 2026, 3, 2, 10, 0)  # Wednesday off: Monday, Tuesday, Thursday
    assert add_service_time(profile, monday, DAY) == local(profile, 2026, 3, 5, 16, 0)
    friday = local(profile, 2026, 3, 6, 16, 50)  # Saturday 7 March worked
    assert add_service_time(profile, friday, MIN30) == local(profile, 2026, 3, 7, 8, 20)


def test_next_opening_is_none_while_the_service_is_open(hours):
    assert next_opening(hours, local(hours, 2026, 3, 3, 8, 0)) is None
    assert next_opening(hours, local(hours, 2026, 3, 3, 16, 59)) is None
    assert is_open(hours, local(hours, 2026, 3, 3, 12, 0))


def test_next_opening_after_closing_is_the_next_morning(hours):
    at_closing = local(hours, 2026, 3, 3, 17, 0)
    assert next_opening(hours, at_closing) == local(hours, 2026, 3, 4, 8, 0)
    before = local(hours, 2026, 3, 4, 7, 59)
    assert next_opening(hours, before) == local(hours, 2026, 3, 4, 8, 0)
    assert not is_open(hours, before)


def test_next_opening_follows_the_service_hours_in_calendar_mode_too(calendar):
    friday_evening = local(calendar, 2026, 3, 13, 19, 0)
    assert next_opening(calendar, friday_evening) == local(calendar, 2026, 3, 16, 8, 0)


def test_time_zones_without_daylight_saving_open_at_the_same_utc_hour_all_year(hours):
    winter = next_opening(hours, local(hours, 2026, 1, 13, 20, 0))
    summer = next_opening(hours, local(hours, 2026, 7, 14, 20, 0))
    assert (winter.hour, summer.hour) == (3, 3)  # 08:00 at UTC+5, winter and summer
    assert winter.tzinfo == UTC


def test_a_school_in_another_zone_counts_its_own_wall_clock(hours):
    kaliningrad = school_profile(timezone="Europe/Kaliningrad")  # UTC+2
    moment = dt.datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # 14:00 there, 17:00 in Yekaterinburg
    assert is_open(kaliningrad, moment)
    assert next_opening(hours, moment) == local(hours, 2026, 3, 4, 8, 0)
    due = add_service_time(kaliningrad, local(kaliningrad, 2026, 3, 3, 16, 50), MIN30)
    assert due == local(kaliningrad, 2026, 3, 4, 8, 20) == dt.datetime(2026, 3, 4, 6, 20, tzinfo=UTC)


def test_the_other_school_in_kaliningrad_counts_calendar_time_as_its_profile_says():
    other = load_profile(OTHER_SCHOOL)  # Europe/Kaliningrad, calendar clocks
    assert other.support.deadlines.clock == "calendar"
    saturday_night = local(other, 2026, 3, 14, 23, 0)
    assert add_service_time(other, saturday_night, DAY) == local(other, 2026, 3, 15, 23, 0)
    assert next_opening(other, saturday_night) == dt.datetime(2026, 3, 16, 7, 0, tzinfo=UTC)


def test_the_other_school_in_working_hours_works_six_days_from_nine():
    other = school_profile(base=OTHER_SCHOOL, clock="working_hours")  # Mon–Sat 09:00–18:00
    friday = local(other, 2026, 3, 13, 17, 50)
    assert add_service_time(other, friday, MIN30) == local(other, 2026, 3, 14, 9, 20)  # Saturday
    saturday = local(other, 2026, 3, 14, 17, 50)
    assert add_service_time(other, saturday, MIN30) == local(other, 2026, 3, 16, 9, 20)
    tuesday = local(other, 2026, 11, 3, 17, 50)  # 4 November off, in Kaliningrad too
    assert add_service_time(other, tuesday, MIN30) == local(other, 2026, 11, 5, 9, 20)
    assert local(other, 2026, 11, 5, 9, 20) == dt.datetime(2026, 11, 5, 7, 20, tzinfo=UTC)


def test_a_zone_with_daylight_saving_keeps_local_opening_hours():
    berlin = school_profile(timezone="Europe/Berlin")  # clocks go forward on 29 March 2026
    friday = local(berlin, 2026, 3, 27, 16, 50)
    due = add_service_time(berlin, friday, MIN30)
    assert due == local(berlin, 2026, 3, 30, 8, 20)
    assert due == dt.datetime(2026, 3, 30, 6, 20, tzinfo=UTC)  # UTC+2 after the switch


def test_service_time_between_counts_only_open_hours(hours):
    friday = local(hours, 2025, 10, 31, 16, 50)
    wednesday = local(hours, 2025, 11, 5, 9, 0)
    # 10 min Friday, 9 h the working Saturday, 1 h Wednesday.
    assert service_time_between(hours, friday, wednesday) == dt.timedelta(hours=10, minutes=10)
    assert service_time_between(hours, wednesday, friday) == -dt.timedelta(hours=10, minutes=10)


def test_service_time_between_is_plain_elapsed_time_in_calendar_mode(calendar):
    start = local(calendar, 2026, 3, 13, 16, 0)
    assert service_time_between(calendar, start, start + DAY) == DAY


@pytest.mark.parametrize("clock", ["calendar", "working_hours", "working_days"])
def test_adding_then_measuring_service_time_agrees(clock):
    profile = school_profile(clock=clock)
    start = local(profile, 2025, 12, 29, 15, 37)
    for delta in (MIN30, dt.timedelta(hours=5), DAY, dt.timedelta(hours=100)):
        due = add_service_time(profile, start, delta)
        assert service_time_between(profile, start, due) == delta


def test_naive_datetimes_and_negative_durations_are_refused(hours):
    with pytest.raises(ValueError):
        add_service_time(hours, dt.datetime(2026, 3, 3, 10, 0), MIN30)
    with pytest.raises(ValueError):
        add_service_time(hours, local(hours, 2026, 3, 3, 10, 0), -MIN30)


# Working days: round the clock, but only on the working days of the school's calendar (the
# demo works Monday to Friday, Asia/Yekaterinburg).


@pytest.fixture
def days():
    return school_profile(clock="working_days")


def test_working_days_24_hours_from_friday_afternoon_end_on_monday_afternoon(days):
    friday = local(days, 2026, 3, 13, 16, 0)
    assert add_service_time(days, friday, DAY) == local(days, 2026, 3, 16, 16, 0)
    assert service_time_between(days, friday, local(days, 2026, 3, 16, 16, 0)) == DAY


def test_working_days_count_the_evening_and_the_night_of_a_working_day(days):
    tuesday_evening = local(days, 2026, 3, 3, 20, 0)
    assert add_service_time(days, tuesday_evening, MIN30) == local(days, 2026, 3, 3, 20, 30)
    assert add_service_time(days, tuesday_evening, DAY) == local(days, 2026, 3, 4, 20, 0)


def test_working_days_do_not_run_at_the_weekend(days):
    saturday = local(days, 2026, 3, 14, 10, 0)
    assert add_service_time(days, saturday, MIN30) == local(days, 2026, 3, 16, 0, 30)
    friday_late = local(days, 2026, 3, 13, 23, 45)
    assert add_service_time(days, friday_late, MIN30) == local(days, 2026, 3, 16, 0, 15)


def test_working_days_skip_a_holiday_the_same_way(days):
    tuesday = local(days, 2026, 11, 3, 16, 0)  # 4 November, Unity Day, is off
    assert add_service_time(days, tuesday, DAY) == local(days, 2026, 11, 5, 16, 0)
    # 31 December 2025 and the New Year break to 11 January 2026 are off.
    new_year = local(days, 2025, 12, 30, 12, 0)
    assert add_service_time(days, new_year, DAY) == local(days, 2026, 1, 12, 12, 0)


def test_working_days_follow_the_school_calendar_and_its_time_zone():
    profile = school_profile(clock="working_days", working_days=[dt.date(2026, 3, 14)])
    friday = local(profile, 2026, 3, 13, 16, 0)  # Saturday 14 March worked by the school
    assert add_service_time(profile, friday, DAY) == local(profile, 2026, 3, 14, 16, 0)
    kaliningrad = school_profile(clock="working_days", timezone="Europe/Kaliningrad")
    # 21:30 UTC on Friday is Saturday 02:30 in Yekaterinburg, still Friday 23:30 in Kaliningrad.
    moment = dt.datetime(2026, 3, 13, 21, 30, tzinfo=UTC)
    assert add_service_time(kaliningrad, moment, MIN30) == local(kaliningrad, 2026, 3, 14, 0, 0)
    demo = school_profile(clock="working_days")
    assert add_service_time(demo, moment, MIN30) == local(demo, 2026, 3, 16, 0, 30)


def test_working_days_need_no_service_hours():
    data = demo_data()
    del data["support"]["hours"]
    data["support"]["deadlines"]["clock"] = "working_days"
    profile = SchoolProfile.model_validate(data)
    friday = local(profile, 2026, 3, 13, 16, 0)
    assert add_service_time(profile, friday, DAY) == local(profile, 2026, 3, 16, 16, 0)


# Each clock in its own mode (seed 002: «в течение 24 часов с момента поступления»).


def test_each_clock_runs_in_its_own_mode():
    profile = school_profile(clock="working_hours", clocks={"process": "calendar", "take_into_work": "working_days"})
    friday = local(profile, 2026, 3, 13, 16, 50)
    assert profile.clock_mode(Clock.PROCESS) == "calendar"
    assert due_for(profile, Clock.ASSIGN, friday) == local(profile, 2026, 3, 16, 8, 20)
    assert due_for(profile, Clock.TAKE, friday) == local(profile, 2026, 3, 13, 17, 20)
    assert due_for(profile, Clock.PROCESS, friday) == local(profile, 2026, 3, 14, 16, 50)
    assert due_for(profile, Clock.TAKE, local(profile, 2026, 3, 13, 23, 50)) == local(profile, 2026, 3, 16, 0, 20)


def test_lateness_is_measured_in_the_mode_of_its_clock():
    profile = school_profile(clock="working_hours", clocks={"process": "calendar"})
    friday, monday = local(profile, 2026, 3, 13, 16, 0), local(profile, 2026, 3, 16, 9, 0)
    assert clock_time_between(profile, Clock.PROCESS, friday, monday) == dt.timedelta(hours=65)
    assert clock_time_between(profile, Clock.ASSIGN, friday, monday) == dt.timedelta(hours=2)


# No deadline in the act (seed 001): no clock runs.


def without_deadlines(*, hours: bool = True) -> SchoolProfile:
    data = demo_data()
    del data["support"]["deadlines"]
    if not hours:
        del data["support"]["hours"]
    return SchoolProfile.model_validate(data)


def test_a_profile_without_deadlines_starts_no_clock():
    profile = without_deadlines()
    arrived = local(profile, 2026, 3, 13, 16, 0)
    assert initial_deadlines(profile, arrived) == {"assign_due": None, "take_due": None, "process_due": None}
    assert [due_for(profile, clock, arrived) for clock in Clock] == [None, None, None]


def test_a_deadline_left_out_starts_only_that_clock_not():
    profile = school_profile(clock="calendar", take_into_work_minutes=None, process_hours=None)
    arrived = local(profile, 2026, 3, 13, 16, 0)
    assert initial_deadlines(profile, arrived) == {
        "assign_due": local(profile, 2026, 3, 13, 16, 30), "take_due": None, "process_due": None,
    }
    assert due_for(profile, Clock.TAKE, arrived) is None


def test_without_service_hours_nobody_is_told_the_service_is_closed():
    profile = without_deadlines(hours=False)
    sunday_night = local(profile, 2026, 3, 15, 3, 0)
    assert next_opening(profile, sunday_night) is None
    assert is_open(profile, sunday_night)
