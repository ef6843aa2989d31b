"""A breach stays on record (issue 12): each clock's outcome is kept when it stops, the queue finds
"missed at any time", "overdue now" and "due within 30 minutes", and puts what needs action first.

Times are the demo school's (Asia/Yekaterinburg, 08:00–17:00 on working days, clocks in working
hours); every lateness below is counted by hand in the test's comments.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.support.deadlines import local
from tests.support.staff import login
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import lifecycle
from webapp.requests.escalation import check_breaches
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc


def numbers_listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="/app/desk/r/\d+">(\d{4}-\d{5})<', response.get_data(as_text=True))


def visible_text(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_late_hand_over_stays_met_late_and_is_found_by_missed_at_any_time(app, client):
    with app.app_context():
        reg, profile = current_register(), current_school()
        arrived = local(profile, 2026, 3, 2, 10, 0)  # Monday 10:00; hand over by 10:30
        handed = arrived + dt.timedelta(days=2, hours=12)  # Wednesday 22:00: 2.5 days later
        req = submit_request(reg, request_data(), received_at=arrived, now=arrived)
        lifecycle.assign(reg, req, "orlova", "lebedev", now=handed)
        # Late in working hours: Mon 10:30–17:00 (6 h 30) + Tue 9 h + Wed 9 h = 24 h 30 min.
        assert (req.assign_late, req.assign_took) == (1470 * 60, 1500 * 60)
        taken = local(profile, 2026, 3, 5, 8, 10)  # Thursday 08:10, within 30 working min
        lifecycle.take_into_work(reg, req, "lebedev", now=taken)
        lifecycle.record_oral_answer(reg, req, "lebedev", "Помог по телефону.", now=taken)
        lifecycle.close(reg, req, "lebedev", "resolved", now=taken)
        db.session.commit()
        request_id, number = req.id, req.number
        assert (req.take_late, req.missed) == (0, True)
    login(client, "orlova")
    page = visible_text(client.get(f"/app/desk/r/{request_id}"))
    assert "выполнено с опозданием на 24 ч 30 мин" in page
    assert "Передать специалисту" in page
    assert numbers_listed(client.get("/app/desk/?status=all&missed=y")) == [number]
    assert numbers_listed(client.get("/app/desk/?status=all&overdue=y")) == []


def test_a_breach_found_by_the_check_stays_missed_after_the_step_is_done(app, client):
    with app.app_context():
        reg = current_register()
        now = dt.datetime.now(UTC)
        req = submit_request(reg, request_data(), received_at=now - dt.timedelta(days=5), now=now)
        check_breaches(reg, now)
        assert req.missed
        lifecycle.assign(reg, req, "orlova", "lebedev", now=now)
        lifecycle.take_into_work(reg, req, "lebedev", now=now)
        lifecycle.record_oral_answer(reg, req, "lebedev", "Ответил.", now=now)
        db.session.commit()
        number = req.number
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/?status=all&missed=y")) == [number]
    assert numbers_listed(client.get("/app/desk/?status=all&overdue=y")) == []


def test_the_queue_puts_overdue_first_then_the_nearest_deadline(app, client):
    now = dt.datetime.now(UTC)
    with app.app_context():
        reg = current_register()
        in_work = submit_request(reg, request_data(author_name="Третьякова Вера"), received_at=now, now=now)
        lifecycle.take_into_work(reg, in_work, "lebedev", now=now)  # only the 24-hour clock runs
        fresh = submit_request(reg, request_data(author_name="Вторых Иван"), received_at=now, now=now)
        overdue = submit_request(reg, request_data(author_name="Первых Анна"),
                                 received_at=now - dt.timedelta(days=6), now=now)  # fmt: skip
        db.session.commit()
        expected = [overdue.number, fresh.number, in_work.number]
        nearest_of_fresh = fresh.assign_due
        assert fresh.assign_due < in_work.process_due  # the hand-over falls due first
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/")) == expected
    page = client.get("/app/desk/").get_data(as_text=True)
    row = page.split(f">{expected[1]}<")[1].split("</tr>")[0]
    with app.app_context():
        from webapp.formatting import local_datetime

        assert f"Передать специалисту: до {local_datetime(current_school(), nearest_of_fresh)}" in row
    # Newest first still for the whole register.
    assert numbers_listed(client.get("/app/desk/?status=all"))[0] in (fresh.number, in_work.number)


def test_due_within_30_minutes_lists_only_clocks_about_to_run_out(app, client):
    now = dt.datetime.now(UTC)
    with app.app_context():
        reg = current_register()
        soon = submit_request(reg, request_data(), received_at=now, now=now)
        soon.assign_due = now + dt.timedelta(minutes=20)
        later = submit_request(reg, request_data(), received_at=now, now=now)
        later.assign_due = now + dt.timedelta(minutes=50)
        gone = submit_request(reg, request_data(), received_at=now, now=now)
        gone.assign_due = now - dt.timedelta(minutes=5)
        for req in (soon, later, gone):
            req.process_due = now + dt.timedelta(days=3)
        db.session.commit()
        expected = [soon.number]
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/?due_soon=y")) == expected


def test_the_request_page_shows_the_routed_role_and_suggests_its_specialists(app, client):
    with app.app_context():
        req = submit_request(current_register(), request_data(request_type="technical"))
        db.session.commit()
        request_id = req.id
    login(client, "sidorova")
    response = client.get(f"/app/desk/r/{request_id}")
    text = visible_text(response)
    assert "Направлено роли Технический специалист Специалисты роли Белов Кирилл Андреевич, Лебедев Павел Сергеевич" in text
    options = re.findall(r'<option value="([a-z]+)"', response.get_data(as_text=True).split('name="assign-assignee"')[1].split("</select>")[0])
    assert options[:2] == ["belov", "lebedev"]


def test_an_agreed_extension_shows_who_agreed_it_and_until_when(app, client):
    now = dt.datetime.now(UTC)
    with app.app_context():
        reg = current_register()
        req = submit_request(reg, request_data(), now=now)
        lifecycle.assign(reg, req, "orlova", "lebedev", now=now)
        lifecycle.take_into_work(reg, req, "lebedev", now=now)
        new_due = now + dt.timedelta(days=10)
        lifecycle.request_extension(reg, req, "lebedev", "Ждём поставщика.", new_due, now=now)
        lifecycle.decide_extension(reg, req, "orlova", True, now=now)
        db.session.commit()
        request_id = req.id
        assert (req.extended_by, req.process_due) == ("orlova", new_due)
    login(client, "orlova")
    text = visible_text(client.get(f"/app/desk/r/{request_id}"))
    assert "срок продлён: согласовал(а) Орлова Марина Викторовна" in text


def test_stored_outcomes_survive_a_reload_from_the_database(app):
    with app.app_context():
        reg, profile = current_register(), current_school()
        arrived = local(profile, 2026, 3, 2, 10, 0)
        req = submit_request(reg, request_data(), received_at=arrived, now=arrived)
        lifecycle.assign(reg, req, "orlova", "lebedev", now=arrived + dt.timedelta(minutes=10))
        db.session.commit()
        request_id = req.id
        db.session.expunge_all()
        stored = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.id == request_id))
        assert (stored.assign_took, stored.assign_late, stored.missed) == (600, 0, False)
