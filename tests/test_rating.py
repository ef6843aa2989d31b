"""«Помог ли ответ?» (issue 12): the link in a letter opens a page that asks to confirm; a GET
alone records nothing (mail scanners follow links); the last rating counts; it is accepted until
`satisfaction.days` after closing; a low rating shows on the head's control view."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.support.staff import PASSWORD, ensure_account
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register

UTC = dt.timezone.utc


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def answered(app, *, closed_days_ago: int | None = None) -> tuple[int, str]:
    with app.app_context():
        reg = current_register()
        req = submit_request(reg, request_data())
        lifecycle.assign(reg, req, "orlova", "lebedev")
        lifecycle.record_oral_answer(reg, req, "lebedev", "Камеру включили.")
        if closed_days_ago is not None:
            lifecycle.close(reg, req, "lebedev", "resolved",
                            now=dt.datetime.now(UTC) - dt.timedelta(days=closed_days_ago))  # fmt: skip
        db.session.commit()
        return req.id, req.status_token


def stored(app, request_id):
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        return req.rating, req.rating_comment, len(req.history)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_following_the_letters_link_records_nothing(csrf_app):
    request_id, token = answered(csrf_app)
    before = stored(csrf_app, request_id)
    scanner = csrf_app.test_client()
    for score in ("no", "partly", "yes", "bogus"):
        response = scanner.get(f"/app/rate/{token}?score={score}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    assert stored(csrf_app, request_id) == before == (None, None, before[2])
    page = scanner.get(f"/app/rate/{token}?score=no").get_data(as_text=True)
    assert re.search(r'value="no"\s+checked', page)  # the face chosen in the letter, to confirm


def test_the_confirm_page_records_one_rating_and_the_last_one_counts(csrf_app):
    request_id, token = answered(csrf_app, closed_days_ago=1)
    author = csrf_app.test_client()
    page = author.get(f"/app/rate/{token}?score=partly").get_data(as_text=True)
    no_token = author.post(f"/app/rate/{token}", data={"rating": "no"})
    assert no_token.status_code == 400 and stored(csrf_app, request_id)[0] is None
    done = author.post(f"/app/rate/{token}", data={"rating": "partly", "comment": "Долго ждали.", "csrf_token": csrf_of(page)})
    assert done.status_code == 200 and "Спасибо!" in done.get_data(as_text=True)
    assert stored(csrf_app, request_id)[:2] == ("partly", "Долго ждали.")
    page = author.get(f"/app/rate/{token}").get_data(as_text=True)
    author.post(f"/app/rate/{token}", data={"rating": "yes", "comment": "", "csrf_token": csrf_of(page)})
    assert stored(csrf_app, request_id)[:2] == ("yes", None)
    with csrf_app.app_context():
        rated = [e for e in db.session.get(SupportRequest, request_id).history if e.action == "rated"]
        assert [e.public for e in rated] == [False, False]


def test_bad_input_and_late_ratings_are_refused_in_russian(csrf_app):
    request_id, token = answered(csrf_app, closed_days_ago=15)  # the demo school allows 14 days
    author = csrf_app.test_client()
    page = author.get(f"/app/rate/{token}").get_data(as_text=True)
    assert "этот срок прошёл" in page
    with csrf_app.app_context():
        db.session.get(SupportRequest, request_id).closed_at = dt.datetime.now(UTC)
        db.session.commit()
    page = author.get(f"/app/rate/{token}").get_data(as_text=True)
    bad = author.post(f"/app/rate/{token}", data={"rating": "5", "csrf_token": csrf_of(page)})
    assert bad.status_code == 400 and "Выберите ответ" in bad.get_data(as_text=True)
    long = author.post(f"/app/rate/{token}", data={"rating": "yes", "comment": "я" * 3000, "csrf_token": csrf_of(page)})
    assert long.status_code == 400 and "Не больше 2000 символов." in long.get_data(as_text=True)
    assert stored(csrf_app, request_id)[0] is None
    assert author.get("/app/rate/nope").status_code == 404
    assert author.get("/app/rate/" + "x" * 500).status_code == 404


def test_a_request_without_an_answer_cannot_be_rated(csrf_app):
    with csrf_app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        token, request_id = req.status_token, req.id
    author = csrf_app.test_client()
    page = author.get(f"/app/rate/{token}").get_data(as_text=True)
    assert "когда на обращение ответят" in page and 'name="rating"' not in page


def test_a_low_rating_shows_on_the_control_view_with_its_comment(csrf_app):
    request_id, token = answered(csrf_app, closed_days_ago=0)
    author = csrf_app.test_client()
    page = author.get(f"/app/rate/{token}?score=no").get_data(as_text=True)
    author.post(f"/app/rate/{token}", data={"rating": "no", "comment": "Так и не заработало.", "csrf_token": csrf_of(page)})
    head = csrf_app.test_client()
    sign_in = head.get("/app/staff/login").get_data(as_text=True)
    ensure_account(csrf_app, "orlova")
    head.post("/app/staff/login", data={"login": "orlova", "password": PASSWORD, "csrf_token": csrf_of(sign_in)})
    control = head.get("/app/desk/control").get_data(as_text=True)
    assert "Так и не заработало." in control
    assert re.search(r'low_rating=y"><span class="control__count">1</span>', control)
    with csrf_app.app_context():
        number = db.session.get(SupportRequest, request_id).number
    assert f">{number}</a>" in head.get("/app/desk/?status=all&low_rating=y").get_data(as_text=True)


def test_the_status_page_asks_whether_the_answer_helped(app, client):
    request_id, token = answered(app)
    page = client.get(f"/app/status/{token}").get_data(as_text=True)
    assert "Помог ли ответ?" in page
    assert f'href="/app/rate/{token}?score=no"' in page
    assert stored(app, request_id)[0] is None
