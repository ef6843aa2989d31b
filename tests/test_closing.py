"""Closing (issue 12): answered requests wait to be closed, closing asks for the outcome and tells
the author (with the rating link), and a duplicate is closed as such without an answer."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import OutboxMessage, SupportRequest
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register

UTC = dt.timezone.utc
AUTHOR = "anna.smirnova@example.ru"


def answered(app, **data) -> tuple[int, str]:
    with app.app_context():
        reg = current_register()
        req = submit_request(reg, request_data(**data))
        lifecycle.assign(reg, req, "orlova", "lebedev")
        lifecycle.record_oral_answer(reg, req, "lebedev", "Камеру включили в настройках браузера.")
        db.session.commit()
        return req.id, req.number


def listed(client, url) -> list[str]:
    return re.findall(r'href="/app/desk/r/\d+">(\d{4}-\d{5})<', client.get(url).get_data(as_text=True))


def test_an_answered_request_waits_to_be_closed_and_closing_tells_the_author(app, client, smtp):
    request_id, number = answered(app)
    login(client, "orlova")
    page = client.get("/app/desk/?status=answered").get_data(as_text=True)
    assert listed(client, "/app/desk/?status=answered") == [number]
    assert "ждёт закрытия" in page.split(f">{number}<")[1].split("</tr>")[0]
    control = client.get("/app/desk/control").get_data(as_text=True)
    assert re.search(r'status=answered"><span class="control__count">1</span> <span class="control__label">Ждут закрытия', control)

    refused = client.post(f"/app/desk/r/{request_id}/close", data={})
    assert refused.status_code == 400  # the outcome must be chosen
    assert "Выберите, чем закончилось обращение." in refused.get_data(as_text=True)
    done = client.post(f"/app/desk/r/{request_id}/close", data={"close-outcome": "not_resolved"})
    assert done.status_code == 302
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        assert (req.status, req.closing_outcome) == ("closed", "not_resolved")
        assert req.history[-1].text == "Обращение закрыто: решить вопрос не удалось."
        token = req.status_token
    deliver_due(app)
    letters = [m for rcpt, m in smtp.messages if AUTHOR in rcpt and "закрыто" in m["Subject"]]
    assert len(letters) == 1
    body = letters[0].get_body(("plain",)).get_content()
    assert f"Ваше обращение № {number} закрыто: решить вопрос не удалось." in body
    assert f"/app/rate/{token}?score=no" in body and f"/app/rate/{token}?score=yes" in body
    assert listed(client, "/app/desk/?status=answered") == []


def test_before_an_answer_only_no_contact_closes_a_request(app, client):
    with app.app_context():
        reg = current_register()
        req = submit_request(reg, request_data())
        lifecycle.assign(reg, req, "orlova", "lebedev")
        db.session.commit()
        request_id = req.id
    login(client, "orlova")
    refused = client.post(f"/app/desk/r/{request_id}/close", data={"close-outcome": "resolved"})
    assert refused.status_code == 409
    assert "только если с автором не удалось связаться" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SupportRequest, request_id).status == "assigned"
    assert client.post(f"/app/desk/r/{request_id}/close", data={"close-outcome": "no_contact"}).status_code == 302
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        assert (req.status, req.closing_outcome, req.process_done_at is not None) == ("closed", "no_contact", True)


def test_a_duplicate_is_closed_as_such_without_an_answer_and_stops_counting(app, client, smtp):
    original_id, original_number = answered(app)
    with app.app_context():
        repeat = submit_request(current_register(), request_data())
        db.session.commit()
        repeat_id, repeat_number = repeat.id, repeat.number
    login(client, "sidorova")  # the hotline hands requests over and spots repeats
    wrong = client.post(f"/app/desk/r/{repeat_id}/duplicate", data={"duplicate-number": "2026-99999"})
    assert wrong.status_code == 409
    assert "Обращения с таким номером нет" in wrong.get_data(as_text=True)
    itself = client.post(f"/app/desk/r/{repeat_id}/duplicate", data={"duplicate-number": repeat_number})
    assert itself.status_code == 409
    with app.app_context():
        assert db.session.get(SupportRequest, repeat_id).status == "new"
    done = client.post(f"/app/desk/r/{repeat_id}/duplicate", data={"duplicate-number": original_number})
    assert done.status_code == 302
    with app.app_context():
        req = db.session.get(SupportRequest, repeat_id)
        assert (req.status, req.closing_outcome, req.duplicate_of_id) == ("closed", "duplicate", original_id)
        assert req.answered_at is None and req.assign_done_at is None
    page = client.get(f"/app/desk/r/{repeat_id}").get_data(as_text=True)
    assert "не учитывается: обращение — дубликат" in page
    assert f">{original_number}</a>" in page
    assert repeat_number not in listed(client, "/app/desk/?overdue=y&status=all")
    deliver_due(app)
    letters = [m for rcpt, m in smtp.messages if "закрыто" in m["Subject"] and repeat_number in m["Subject"]]
    body = letters[0].get_body(("plain",)).get_content()
    assert f"рассматривается в обращении № {original_number}" in body
    assert "/app/rate/" not in body  # a repeat is not rated
    with app.app_context():
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.request_id == repeat_id)).all()
        assert "answer_sent" not in kinds
