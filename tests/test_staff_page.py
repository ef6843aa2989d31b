"""The desk's staff page: the head of the service manages accounts without a shell.

Who may reach these addresses at all is in tests/test_access_matrix.py; here, what each action
does. The demo's head of service (orlova) is the one person whose role has `manage_staff`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import sqlalchemy as sa

from tests.support.staff import LOGIN_URL, PASSWORD, ensure_account, login
from webapp.extensions import db
from webapp.models import StaffAccount

STAFF_URL = "/app/desk/staff/"


def sign_in(client, login_name: str, password: str):
    return client.post(LOGIN_URL, data={"login": login_name, "password": password})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def stored(app, staff_id: str) -> StaffAccount | None:
    with app.app_context():
        found = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=staff_id))
        db.session.expunge_all()
        return found


def one_time_password(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.search(r'id="one-time-password">([^<]+)<', response.get_data(as_text=True)).group(1)


def head(app):
    client = app.test_client()
    login(client, "orlova")
    return client


def test_the_roster_shows_each_person_and_the_state_of_their_account(app):
    client = head(app)
    ensure_account(app, "lebedev")
    ensure_account(app, "morozova")
    ensure_account(app, "belov")
    with app.app_context():
        db.session.execute(sa.update(StaffAccount).filter_by(staff_id="morozova").values(active=False))
        locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
        db.session.execute(sa.update(StaffAccount).filter_by(staff_id="belov").values(locked_until=locked_until))
        db.session.commit()
    page = client.get(STAFF_URL).get_data(as_text=True)
    rows = dict(re.findall(r'<tr id="staff-(\w+)">(.*?)</tr>', page, re.DOTALL))
    assert set(rows) == {"orlova", "belov", "sidorova", "kuznetsova", "lebedev", "morozova", "gromov"}
    assert "Действует" in rows["lebedev"] and "lebedev@school7-zarechny.example.ru" in rows["lebedev"]
    assert "Отключена" in rows["morozova"] and "Педагог-психолог" in rows["morozova"]
    assert "Временно заблокирована" in rows["belov"]
    assert "Нет учётной записи" in rows["gromov"] and "Создать учётную запись" in rows["gromov"]
    assert "Отключить" not in rows["orlova"]  # one's own account: only «Сменить свой пароль»


def test_creating_an_account_shows_a_one_time_password_that_signs_the_person_in(app):
    client = head(app)
    confirm = client.get(f"{STAFF_URL}gromov/create")
    assert confirm.status_code == 200 and stored(app, "gromov") is None  # asking changes nothing
    created = client.post(f"{STAFF_URL}gromov/create")
    assert "Учётная запись создана: Громов" in text_of(created)
    assert created.headers["Cache-Control"] == "no-store"
    password = one_time_password(created)
    assert sign_in(app.test_client(), "gromov", password).status_code == 302
    assert "Действует" in re.search(r'id="staff-gromov">(.*?)</tr>', text_of(client.get(STAFF_URL))).group(1)


def test_creating_an_account_a_second_time_is_refused_and_keeps_the_password(app):
    client = head(app)
    ensure_account(app, "gromov")
    refused = client.post(f"{STAFF_URL}gromov/create")
    assert refused.status_code == 409
    assert "учётная запись уже есть" in text_of(refused)
    assert sign_in(app.test_client(), "gromov", PASSWORD).status_code == 302


def test_a_new_password_works_the_old_one_does_not_and_open_sessions_end(app):
    client = head(app)
    specialist = app.test_client()
    login(specialist, "lebedev")
    password = one_time_password(client.post(f"{STAFF_URL}lebedev/password"))
    assert specialist.get("/app/desk/").status_code == 302  # signed out everywhere
    assert sign_in(app.test_client(), "lebedev", PASSWORD).status_code == 400
    assert sign_in(app.test_client(), "lebedev", password).status_code == 302


def test_a_new_password_re_enables_and_unlocks_the_account(app):
    client = head(app)
    ensure_account(app, "lebedev")
    with app.app_context():
        locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
        db.session.execute(
            sa.update(StaffAccount).filter_by(staff_id="lebedev").values(active=False, locked_until=locked_until)
        )
        db.session.commit()
    password = one_time_password(client.post(f"{STAFF_URL}lebedev/password"))
    assert sign_in(app.test_client(), "lebedev", password).status_code == 302


def test_a_disabled_person_cannot_sign_in_and_is_signed_out(app):
    client = head(app)
    specialist = app.test_client()
    login(specialist, "lebedev")
    done = client.post(f"{STAFF_URL}lebedev/disable", follow_redirects=True)
    assert "Учётная запись отключена: Лебедев" in text_of(done)
    assert specialist.get("/app/desk/").status_code == 302
    refused = sign_in(app.test_client(), "lebedev", PASSWORD)
    assert "Учётная запись отключена" in text_of(refused)
    assert stored(app, "lebedev").active is False


def test_the_head_cannot_disable_or_reset_their_own_account_here(app):
    client = head(app)
    for action, message in [("disable", "Свою учётную запись отключить нельзя."),
                            ("password", "Свой пароль меняйте на странице «Сменить пароль».")]:  # fmt: skip
        refused = client.post(f"{STAFF_URL}orlova/{action}")
        assert refused.status_code == 409
        assert message in text_of(refused)
    assert client.get("/app/desk/").status_code == 200  # still signed in, same password
    assert sign_in(app.test_client(), "orlova", PASSWORD).status_code == 302


def test_actions_for_a_person_without_an_account_say_to_create_one(app):
    client = head(app)
    for action in ("password", "disable"):
        refused = client.post(f"{STAFF_URL}gromov/{action}")
        assert refused.status_code == 409
        assert "нет учётной записи" in text_of(refused)
    assert stored(app, "gromov") is None


def test_a_person_not_in_the_roster_cannot_be_targeted(app):
    client = head(app)
    with app.app_context():  # an account left over from someone no longer in the profile
        db.session.add(StaffAccount(staff_id="ivanov", password_hash="x"))
        db.session.commit()
    for action in ("create", "password", "disable"):
        assert client.get(f"{STAFF_URL}ivanov/{action}").status_code == 404
        assert client.post(f"{STAFF_URL}ivanov/{action}").status_code == 404
        assert client.post(f"{STAFF_URL}petrov/{action}").status_code == 404
    left = stored(app, "ivanov")
    assert (left.active, left.password_hash, left.session_version) == (True, "x", 0)
    assert stored(app, "petrov") is None


def test_actions_without_the_csrf_token_are_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    ensure_account(app, "orlova")
    ensure_account(app, "lebedev")
    client = app.test_client()
    page = client.get(LOGIN_URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(LOGIN_URL, data={"login": "orlova", "password": PASSWORD, "csrf_token": token})
    assert client.post(f"{STAFF_URL}lebedev/disable").status_code == 400
    assert stored(app, "lebedev").active is True

    confirm = client.get(f"{STAFF_URL}lebedev/disable").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', confirm).group(1)
    assert client.post(f"{STAFF_URL}lebedev/disable", data={"csrf_token": token}).status_code == 302
    assert stored(app, "lebedev").active is False


def test_each_action_is_written_to_the_log_without_the_password(app, caplog):
    client = head(app)
    caplog.set_level(logging.INFO, logger="webapp.staff")
    created = one_time_password(client.post(f"{STAFF_URL}gromov/create"))
    reset = one_time_password(client.post(f"{STAFF_URL}gromov/password"))
    client.post(f"{STAFF_URL}gromov/disable")
    client.post(f"{STAFF_URL}orlova/disable")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("webapp.staff")]
    assert lines[:3] == [
        "staff page: create of gromov by orlova",
        "staff page: password of gromov by orlova",
        "staff page: disable of gromov by orlova",
    ]
    assert lines[3].startswith("staff page: disable of orlova by orlova refused")
    assert not [line for line in caplog.text.splitlines() if created in line or reset in line]


def test_the_link_to_the_staff_page_is_shown_only_to_those_who_manage_staff(app):
    specialist = app.test_client()
    login(specialist, "lebedev")
    assert STAFF_URL not in specialist.get("/app/desk/").get_data(as_text=True)
    assert f'href="{STAFF_URL}"' in head(app).get("/app/desk/").get_data(as_text=True)
