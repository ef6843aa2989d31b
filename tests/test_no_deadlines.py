"""A school whose act sets no deadline (seed 001): no clock runs, and nothing says one does.

The request is stored with NULL deadlines, is never overdue, never alerted, never extended; the
author is promised no time; the desk, `sla check` and the report say that the deadlines are not
set; the queue, nearest deadline first, puts the requests without one last. Runs on SQLite and,
by `make test`, on PostgreSQL (every test here uses the database).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import form_data, profile_variant, request_data
from webapp.deadlines.sla import clock_states
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SlaAlert, SupportRequest
from webapp.reports.compute import build_report
from webapp.reports.period import month_of
from webapp.requests import lifecycle
from webapp.requests.escalation import check_breaches
from webapp.requests.service import submit_request
from webapp.vocabulary import Clock
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc
NOT_SET = "Сроки положением не установлены"


@pytest.fixture
def app(make_app, tmp_path):
    """The demo school with neither deadlines nor service hours."""
    return make_app(SCHOOL_PROFILE=profile_variant(tmp_path, support__deadlines=None, support__hours=None))


def stored(app, number: str) -> SupportRequest:
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        db.session.expunge(req)
        return req


def test_a_request_lives_its_whole_life_without_a_deadline(app, smtp):
    author, head, specialist = app.test_client(), app.test_client(), app.test_client()
    sent = author.post("/app/form", data=form_data())
    assert sent.status_code == 303
    done = author.get(sent.location).get_data(as_text=True)
    number = re.search(r"Номер обращения: <strong>([\d-]+)</strong>", done).group(1)
    for promise in ("не позднее", "передадут специалисту до", "нерабочее время", "в течение"):
        assert promise not in done
    req = stored(app, number)
    assert (req.assign_due, req.take_due, req.process_due) == (None, None, None)
    status = author.get(re.search(r"/app/status/[\w-]+", done).group(0)).get_data(as_text=True)
    assert "не позднее" not in status

    login(head, "orlova")
    login(specialist, "lebedev")
    page = f"/app/desk/r/{req.id}"
    assert NOT_SET in head.get(page).get_data(as_text=True)
    assert head.post(f"{page}/assign", data={"assign-assignee": "lebedev"}).status_code == 302
    assert specialist.post(f"{page}/take").status_code == 302
    in_work = specialist.get(page).get_data(as_text=True)
    assert NOT_SET in in_work and "Попросить продлить срок" not in in_work
    later = (dt.datetime.now(UTC) + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    asked = specialist.post(f"{page}/extension", data={"extension-new_due": later, "extension-reason": "Нужно время."})
    assert asked.status_code == 409
    assert "Срок обработки обращения не установлен" in asked.get_data(as_text=True)
    assert specialist.post(f"{page}/answer", data={"answer-text": "Камера включена в настройках."}).status_code == 302

    req = stored(app, number)
    assert (req.assign_due, req.take_due, req.process_due, req.missed) == (None, None, None, False)
    deliver_due(app)
    letters = [m.get_body(("plain",)).get_content() for _, m in smtp.messages]
    assert len(letters) >= 4  # acknowledgement, new request, assignment, answer
    assert [text for text in letters if re.search(r"не позднее|Взять в работу|Обработать: до", text)] == []


def test_nothing_is_overdue_alerted_or_soon_without_a_deadline(app):
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        far = dt.datetime.now(UTC) + dt.timedelta(days=90)
        assert check_breaches(current_register(), far) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaAlert)) == 0
        assert clock_states(current_school(), req, far) == {}
    checked = app.test_cli_runner().invoke(args=["sla", "check"])
    assert checked.exit_code == 0 and "Сроки положением не установлены" in checked.output


def test_the_report_says_the_deadlines_are_not_set(app):
    with app.app_context():
        submit_request(current_register(), request_data())
        db.session.commit()
        now = dt.datetime.now(UTC)
        report = build_report(current_school(), month_of(now.year, now.month), now)
    assert (report.total, report.clocks, report.modes) == (1, [], {})
    assert report.unset == list(Clock)
    client = app.test_client()
    login(client, "orlova")
    assert NOT_SET in client.get("/app/desk/reports").get_data(as_text=True)


def test_the_queue_puts_requests_without_a_deadline_last(app):
    with app.app_context():
        register = current_register()
        first, second, third = (submit_request(register, request_data()) for _ in range(3))
        db.session.commit()
        # A deadline kept from before the school dropped them (or agreed by hand) comes first.
        first.process_due = dt.datetime.now(UTC) + dt.timedelta(days=2)
        lifecycle.assign(register, second, "orlova", "lebedev")
        db.session.commit()
        numbers = first.number, second.number, third.number
    client = app.test_client()
    login(client, "orlova")
    listed = re.findall(r'<a href="/app/desk/r/\d+">(\d{4}-\d{5})</a>', client.get("/app/desk/").get_data(as_text=True))
    assert listed == [numbers[0], numbers[2], numbers[1]]  # the dated one, then newest first


def test_the_register_export_says_each_deadline_is_not_set(app):
    from webapp.reports.export import register_rows

    with app.app_context():
        submit_request(current_register(), request_data())
        db.session.commit()
        now = dt.datetime.now(UTC)
        header, row = list(register_rows(current_school(), month_of(now.year, now.month), now))
    outcomes = [value for name, value in zip(header, row) if name.endswith(": исход")]
    assert outcomes == ["срок не установлен"] * 3
