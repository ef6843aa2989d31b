"""Deadline control: the clock states the desk shows, and one alert per missed deadline.

Alerts go through the outbox and are delivered by the real delivery function to the real SMTP
server on loopback (fixture `smtp`).
"""

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from tests.support.deadlines import local, school_profile
from tests.support.submissions import profile_variant, request_data
from tests.support.worker import running_worker, wait_for
from webapp.mail.tokens import untokened
from webapp.deadlines.sla import clock_states
from webapp.requests.escalation import check_breaches
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import OutboxMessage, SlaAlert, SupportRequest
from webapp.models.types import utc_now
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

HEAD = "orlova@school7-zarechny.example.ru"


def _request(status="new", **fields) -> SupportRequest:
    """A request in memory (the states are computed from its fields alone)."""
    return SupportRequest(status=status, **fields)


@pytest.fixture
def hours():
    return school_profile(clock="working_hours")


def test_fresh_request_has_every_clock_running_in_time(hours):
    arrived = local(hours, 2026, 3, 3, 10, 0)
    req = _request(assign_due=arrived + dt.timedelta(minutes=30),
                   process_due=local(hours, 2026, 3, 5, 16, 0))  # fmt: skip
    states = clock_states(hours, req, arrived + dt.timedelta(minutes=5))
    assert states == {"assign": "ok", "take": "ok", "process": "ok"}


def test_assign_clock_is_soon_in_its_last_ten_minutes_then_overdue(hours):
    due = local(hours, 2026, 3, 3, 10, 30)
    req = _request(assign_due=due, process_due=local(hours, 2026, 3, 5, 16, 0))
    assert clock_states(hours, req, due - dt.timedelta(minutes=11))["assign"] == "ok"
    assert clock_states(hours, req, due - dt.timedelta(minutes=10))["assign"] == "soon"
    assert clock_states(hours, req, due)["assign"] == "soon"
    assert clock_states(hours, req, due + dt.timedelta(seconds=1))["assign"] == "overdue"


def test_soon_counts_service_time_left_not_the_wall_clock(hours):
    # Due Monday 10:00. Friday 14:00: 3 h Friday + 2 h Monday = 5 h left, more than 20 % of 24 h.
    req = _request(status="in_work", assign_due=local(hours, 2026, 3, 11, 8, 30),
                   take_due=local(hours, 2026, 3, 11, 9, 0),
                   process_due=local(hours, 2026, 3, 16, 10, 0))  # fmt: skip
    assert clock_states(hours, req, local(hours, 2026, 3, 13, 14, 0))["process"] == "ok"
    # Friday 15:00: 2 h + 2 h = 4 h left, within 4.8 h, although Monday is three days away.
    assert clock_states(hours, req, local(hours, 2026, 3, 13, 15, 0))["process"] == "soon"


def test_soon_threshold_comes_from_the_profile():
    strict = school_profile(soon_minutes=20, soon_percent=0)
    due = local(strict, 2026, 3, 3, 10, 30)
    req = _request(assign_due=due, process_due=due + dt.timedelta(days=2))
    assert clock_states(strict, req, due - dt.timedelta(minutes=15))["assign"] == "soon"
    never = school_profile(soon_minutes=0, soon_percent=0)
    assert clock_states(never, req, due - dt.timedelta(minutes=1))["assign"] == "ok"


def test_steps_behind_the_request_are_done(hours):
    due = local(hours, 2026, 3, 3, 10, 30)
    later = due + dt.timedelta(days=30)
    fields = {"assign_due": due, "take_due": due, "process_due": due}
    assigned = clock_states(hours, _request("assigned", **fields), later)
    assert assigned == {"assign": "done", "take": "overdue", "process": "overdue"}
    in_work = clock_states(hours, _request("in_work", **fields), later)
    assert in_work == {"assign": "done", "take": "done", "process": "overdue"}
    for status in ("answered", "closed"):
        states = clock_states(hours, _request(status, **fields), later)
        assert states == {"assign": "done", "take": "done", "process": "done"}


# Alerts: `sla check` against the database, delivered through the real SMTP server.


def _submit_in_the_past(days_ago: float, **data) -> SupportRequest:
    req = submit_request(current_register(), request_data(**data), received_at=utc_now() - dt.timedelta(days=days_ago))
    db.session.commit()
    return req


def _alerts_received(smtp) -> list[str]:
    return [m["Subject"] for m in smtp.to(HEAD)]


def _clear_outbox(app, smtp) -> None:
    """Deliver what submitting queued, then forget it: the tests count alerts only."""
    deliver_due(app)
    smtp.clear()


def test_sla_check_alerts_the_head_once_per_breached_clock(app, runner, smtp):
    with app.app_context():
        waiting = _submit_in_the_past(10)  # assign and process breached
        handed = _submit_in_the_past(10)  # assigned, never taken: take and process breached
        lifecycle.assign(current_register(), handed, "orlova", "lebedev", now=handed.received_at + dt.timedelta(hours=1))
        answered = _submit_in_the_past(10)  # answered in time: nothing to alert
        lifecycle.answer_by_email(current_register(), answered, "lebedev", "Камера заработала после обновления.",
                                  now=answered.received_at + dt.timedelta(minutes=20))  # fmt: skip
        fresh = _submit_in_the_past(0)  # nothing due yet
        db.session.commit()
        numbers = {r.id: r.number for r in (waiting, handed, answered, fresh)}
    _clear_outbox(app, smtp)

    first = runner.invoke(args=["sla", "check"])
    assert first.exit_code == 0, first.output
    assert "Новых нарушений сроков: 4." in first.output
    deliver_due(app)
    subjects = _alerts_received(smtp)
    assert sorted(subjects) == sorted([
        f"[№ {numbers[waiting.id]}] Нарушен срок: передать обращение специалисту",
        f"[№ {numbers[waiting.id]}] Нарушен срок: обработать обращение и ответить автору",
        f"[№ {numbers[handed.id]}] Нарушен срок: принять обращение в работу",
        f"[№ {numbers[handed.id]}] Нарушен срок: обработать обращение и ответить автору",
    ])  # fmt: skip
    assert len(smtp.messages) == 4  # nobody else was written to

    second = runner.invoke(args=["sla", "check"])
    assert second.exit_code == 0 and "Новых нарушений сроков: 0." in second.output
    deliver_due(app)
    assert len(smtp.messages) == 4


def test_alert_names_the_request_the_deadline_and_the_assignee(app, smtp):
    with app.app_context():
        req = _submit_in_the_past(3)
        lifecycle.assign(current_register(), req, "orlova", "lebedev", now=req.received_at + dt.timedelta(minutes=10))
        db.session.commit()
        _clear_outbox(app, smtp)
        check_breaches(current_register(), utc_now())
        db.session.commit()
        number = req.number
    deliver_due(app)
    [take_alert] = [m for m in smtp.to(HEAD) if "принять" in m["Subject"]]
    text = take_alert.get_body(("plain",)).get_content()
    assert f"№ {number}" in text and "Техническая проблема" in text
    assert "Лебедев Павел Сергеевич" in text and "Срок истёк:" in text
    assert untokened(take_alert["Reply-To"]) == "support@school7-zarechny.example.ru"


def test_extended_term_missed_again_is_a_new_breach(app, smtp):
    with app.app_context():
        req = _submit_in_the_past(10)
        lifecycle.take_into_work(current_register(), req, "lebedev", now=req.received_at + dt.timedelta(minutes=5))
        db.session.commit()
        _clear_outbox(app, smtp)
        now = utc_now()
        assert [b.clock for b in check_breaches(current_register(), now)] == ["process"]
        lifecycle.request_extension(current_register(), req, "lebedev", "Ждём ответа поставщика платформы.",
                                    now + dt.timedelta(days=2), now=now)  # fmt: skip
        lifecycle.decide_extension(current_register(), req, "orlova", True, now=now)
        db.session.commit()
        assert check_breaches(current_register(), now + dt.timedelta(days=1)) == []
        assert clock_states(current_school(), req, now + dt.timedelta(days=1))["process"] in ("ok", "soon")
        again = check_breaches(current_register(), now + dt.timedelta(days=3))
        assert [b.clock for b in again] == ["process"]
        db.session.commit()
        assert check_breaches(current_register(), now + dt.timedelta(days=4)) == []
        db.session.commit()
    deliver_due(app)
    assert len([m for m in smtp.to(HEAD) if "обработать" in m["Subject"]]) == 2


def test_closed_and_answered_requests_are_never_alerted(app):
    with app.app_context():
        req = _submit_in_the_past(10)
        lifecycle.record_oral_answer(current_register(), req, "lebedev", "Объяснил по телефону, как включить камеру.",
                                     now=req.received_at + dt.timedelta(minutes=15))  # fmt: skip
        lifecycle.close(current_register(), req, "lebedev", now=req.received_at + dt.timedelta(minutes=16))
        db.session.commit()
        assert check_breaches(current_register(), utc_now()) == []


def test_two_checks_at_the_same_time_alert_once(app):
    """The loser of the race waits for the winner's commit and then inserts nothing."""
    with app.app_context():
        _submit_in_the_past(10)
        db.session.query(OutboxMessage).delete()
        db.session.commit()
    results: dict[str, int] = {}
    first_found = threading.Event()
    release = threading.Event()

    def run(name: str, hold: bool) -> None:
        with app.app_context():
            results[name] = len(check_breaches(current_register(), utc_now()))
            if hold:
                first_found.set()
                release.wait(10)
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=run, args=("first", True))
    first.start()
    assert first_found.wait(10)
    second = threading.Thread(target=run, args=("second", False))
    second.start()
    second.join(0.5)  # the second run is blocked behind the first one's uncommitted alerts
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": 2, "second": 0}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaAlert)) == 2
        kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
        assert kinds == ["sla_breach", "sla_breach"]


def test_sla_calendar_lists_holidays_and_transferred_working_days(runner):
    result = runner.invoke(args=["sla", "calendar", "2025"])
    assert result.exit_code == 0
    assert "01.11.2025 суббота: работает — рабочий день, перенесённый" in result.output
    assert "04.11.2025 вторник: не работает — праздник: День народного единства" in result.output
    assert "03.11.2025 понедельник: не работает — выходной (перенесено с 01.11.2025)" in result.output


def test_clock_states_follow_the_running_schools_profile(make_app, tmp_path):
    app = make_app(SCHOOL_PROFILE=profile_variant(tmp_path, support__deadlines__soon_minutes=40))
    with app.app_context():
        req = _submit_in_the_past(0)  # 30 minutes of service time left to assign it
        assert clock_states(current_school(), req, utc_now()) == {"assign": "soon", "take": "ok", "process": "ok"}


@pytest.mark.slow
def test_the_outbox_worker_alerts_missed_deadlines_without_cron(app, smtp, database_url):
    with app.app_context():
        number = _submit_in_the_past(10).number
    _clear_outbox(app, smtp)
    with running_worker(database_url, smtp.port, "--interval", "0.2", "--sla-every", "0.5"):
        assert wait_for(lambda: len(_alerts_received(smtp)) >= 2)
        time.sleep(1.5)  # a few more rounds: the worker must not alert the same breach again
    assert sorted(_alerts_received(smtp)) == [
        f"[№ {number}] Нарушен срок: обработать обращение и ответить автору",
        f"[№ {number}] Нарушен срок: передать обращение специалисту",
    ]


def test_soon_counts_the_time_left_in_the_mode_of_each_clock():
    # The process clock runs round the clock (seed 002: 24 h from arrival), the others in hours.
    profile = school_profile(clock="working_hours", clocks={"process": "calendar"})
    req = _request(status="in_work", process_due=local(profile, 2026, 3, 16, 10, 0))
    # Friday 15:00, due Monday 10:00: 67 calendar hours left, far more than 20 % of 24 h.
    assert clock_states(profile, req, local(profile, 2026, 3, 13, 15, 0))["process"] == "ok"
    assert clock_states(profile, req, local(profile, 2026, 3, 16, 6, 0))["process"] == "soon"


def test_a_clock_the_profile_sets_no_deadline_for_has_no_state():
    profile = school_profile(clock="calendar", take_into_work_minutes=None, process_hours=None)
    arrived = local(profile, 2026, 3, 3, 10, 0)
    req = _request(assign_due=arrived + dt.timedelta(minutes=30))
    far = arrived + dt.timedelta(days=30)
    assert clock_states(profile, req, far) == {"assign": "overdue"}
    assert clock_states(profile, _request(status="in_work"), far) == {"assign": "done"}
