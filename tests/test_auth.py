"""Signing in and out of the desk: passwords, lockout, rate limit, sessions, cookies, CSRF."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa

from tests.support.staff import LOGIN_URL, PASSWORD, ensure_account, login
from webapp.extensions import db
from webapp.models import StaffAccount


def sign_in(client, login_name: str, password: str):
    return client.post(LOGIN_URL, data={"login": login_name, "password": password})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_desk_sends_a_stranger_to_sign_in_with_a_russian_message(client):
    response = client.get("/app/desk/")
    assert response.status_code == 302
    assert response.location.startswith(f"{LOGIN_URL}?next=")
    page = client.get(response.location)
    assert "Войдите, чтобы открыть рабочее место." in page.get_data(as_text=True)


def test_sign_in_by_staff_id_or_by_email_from_the_profile(app, client):
    ensure_account(app, "lebedev")
    assert sign_in(client, "lebedev", PASSWORD).status_code == 302
    client.post("/app/staff/logout")
    assert sign_in(client, "Lebedev@School7-Zarechny.example.ru", PASSWORD).status_code == 302
    assert client.get("/app/desk/").status_code == 200


def test_wrong_password_keeps_the_person_out_with_a_russian_message(app, client):
    ensure_account(app, "lebedev")
    response = sign_in(client, "lebedev", "not-the-password")
    assert response.status_code == 400
    assert "Неверный логин или пароль." in text_of(response)
    assert client.get("/app/desk/").status_code == 302


def test_unknown_login_gets_the_same_message_as_a_wrong_password(client):
    response = sign_in(client, "nobody", "whatever-password")
    assert response.status_code == 400
    assert "Неверный логин или пароль." in text_of(response)


def test_after_repeated_failures_a_new_address_is_kept_out_even_with_the_right_password(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
    client = app.test_client()
    ensure_account(app, "lebedev")
    answers = {text_of(sign_in(client, "lebedev", "wrong-password")) for _ in range(3)}
    locked = sign_in(client, "lebedev", PASSWORD)
    assert locked.status_code == 400
    answers.add(text_of(locked))
    assert len(answers) == 1  # the lock says nothing a wrong password would not
    assert "Неверный логин или пароль." in answers.pop()
    assert client.get("/app/desk/").status_code == 302


def test_the_lock_runs_out_and_then_the_right_password_works(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    ensure_account(app, "lebedev")
    sign_in(client, "lebedev", "wrong-password")
    sign_in(client, "lebedev", "wrong-password")
    with app.app_context():  # fifteen minutes later
        stored = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id="lebedev"))
        assert stored.locked_until is not None
        stored.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    assert sign_in(client, "lebedev", PASSWORD).status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id="lebedev"))
        assert (stored.failed_logins, stored.locked_until) == (0, None)


def test_a_new_password_unlocks_a_locked_account(make_app, runner):
    app = make_app(LOGIN_MAX_FAILURES=1)
    client = app.test_client()
    ensure_account(app, "lebedev")
    sign_in(client, "lebedev", "wrong-password")
    assert sign_in(client, "lebedev", PASSWORD).status_code == 400
    ensure_account(app, "lebedev", "reset-by-the-head")
    assert sign_in(client, "lebedev", "reset-by-the-head").status_code == 302


def test_sign_in_is_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "nobody", "whatever-password").status_code == 400
    limited = sign_in(client, "nobody", "whatever-password")
    assert limited.status_code == 429
    assert "Слишком много попыток" in text_of(limited)
    assert client.get(LOGIN_URL).status_code == 200  # only sending the form is limited


def test_logout_ends_the_session(client):
    login(client, "lebedev")
    response = client.post("/app/staff/logout")
    assert response.status_code == 302
    assert client.get("/app/desk/").status_code == 302


def test_a_cookie_copied_before_logout_no_longer_opens_the_desk(app):
    person, thief = app.test_client(), app.test_client()
    login(person, "lebedev")
    copied = person.get_cookie("session").value
    thief.set_cookie("session", copied)
    assert thief.get("/app/desk/").status_code == 200  # the copy works while the person is in
    assert person.post("/app/staff/logout").status_code == 302
    assert thief.get("/app/desk/").status_code == 302
    assert thief.get("/app/desk/").location.startswith(f"{LOGIN_URL}?next=")


def test_logout_is_not_done_by_a_mere_link(client):
    login(client, "lebedev")
    page = client.get("/app/staff/logout")
    assert page.status_code == 200
    assert "Выйти из рабочего места?" in text_of(page)
    assert client.get("/app/desk/").status_code == 200


def test_a_session_expires_after_its_lifetime(make_app):
    app = make_app(PERMANENT_SESSION_LIFETIME=1)
    client = app.test_client()
    login(client, "lebedev")
    assert client.get("/app/desk/").status_code == 200
    time.sleep(2.2)
    assert client.get("/app/desk/").status_code == 302


def test_changing_ones_password_ends_other_sessions_but_not_this_one(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "lebedev")
    login(elsewhere, "lebedev")
    response = here.post(
        "/app/staff/password",
        data={"current": PASSWORD, "new": "a-fresh-password", "repeat": "a-fresh-password"},
    )
    assert response.status_code == 302
    assert here.get("/app/desk/").status_code == 200
    assert elsewhere.get("/app/desk/").status_code == 302
    assert sign_in(app.test_client(), "lebedev", "a-fresh-password").status_code == 302


def test_changing_ones_password_needs_the_current_one(client):
    login(client, "lebedev")
    response = client.post(
        "/app/staff/password",
        data={"current": "not-it-at-all", "new": "a-fresh-password", "repeat": "a-fresh-password"},
    )
    assert response.status_code == 400
    assert "Нынешний пароль введён неверно." in text_of(response)


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for(client, app):
    ensure_account(app, "lebedev")
    response = client.post(
        f"{LOGIN_URL}?next=/app/desk/hotline", data={"login": "lebedev", "password": PASSWORD}
    )
    assert response.location == "/app/desk/hotline"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_site(client, app, target):
    ensure_account(app, "lebedev")
    response = client.post(f"{LOGIN_URL}?next={target}", data={"login": "lebedev", "password": PASSWORD})
    assert response.location == "/app/desk/"


def test_in_production_the_session_cookie_is_secure_httponly_and_samesite(make_app):
    app = make_app(TESTING=False, APP_ENV="production", PUBLIC_BASE_URL="https://help.school.example")
    client = app.test_client()
    ensure_account(app, "lebedev")
    response = sign_in(client, "lebedev", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session with a lifetime, not a forever cookie


def test_forms_without_the_csrf_token_are_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    ensure_account(app, "lebedev")
    refused = sign_in(client, "lebedev", PASSWORD)
    assert refused.status_code == 400
    assert client.get("/app/desk/").status_code == 302

    page = client.get(LOGIN_URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(LOGIN_URL, data={"login": "lebedev", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/app/staff/logout").status_code == 400  # no token: still signed in
    assert client.get("/app/desk/").status_code == 200
