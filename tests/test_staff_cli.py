"""`flask --app wsgi staff ...`: accounts for the people of the profile's roster."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.support.staff import LOGIN_URL, PASSWORD, login
from webapp.extensions import db
from webapp.models import StaffAccount


def account(app, staff_id: str) -> StaffAccount | None:
    with app.app_context():
        found = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=staff_id))
        db.session.expunge_all()
        return found


def sign_in(client, login_name: str, password: str):
    return client.post(LOGIN_URL, data={"login": login_name, "password": password})


def test_create_makes_an_account_that_can_sign_in(app, runner, client):
    result = runner.invoke(args=["staff", "create", "lebedev", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "создана" in result.output
    assert sign_in(client, "lebedev", PASSWORD).status_code == 302


def test_password_is_stored_as_an_argon2_hash(app, runner):
    runner.invoke(args=["staff", "create", "lebedev", "--password", PASSWORD])
    stored = account(app, "lebedev").password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_create_refuses_a_person_not_in_the_roster(app, runner):
    result = runner.invoke(args=["staff", "create", "ivanov", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "В профиле школы нет сотрудника «ivanov»" in result.output
    assert account(app, "ivanov") is None


def test_create_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["staff", "create", "lebedev", "--password", "short"])
    assert result.exit_code != 0
    assert "Пароль слишком короткий" in result.output
    assert account(app, "lebedev") is None


def test_create_refuses_a_second_account_for_the_same_person(app, runner):
    runner.invoke(args=["staff", "create", "lebedev", "--password", PASSWORD])
    result = runner.invoke(args=["staff", "create", "lebedev", "--password", "another-password-1"])
    assert result.exit_code != 0
    assert "уже есть" in result.output


def test_create_asks_for_the_password_twice_when_not_given(app, runner, client):
    result = runner.invoke(args=["staff", "create", "kuznetsova"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed, not echoed
    assert sign_in(client, "kuznetsova", PASSWORD).status_code == 302


def test_password_sets_a_new_password_and_the_old_one_stops_working(app, runner, client):
    runner.invoke(args=["staff", "create", "lebedev", "--password", PASSWORD])
    result = runner.invoke(args=["staff", "password", "lebedev", "--password", "brand-new-password"])
    assert result.exit_code == 0, result.output
    assert sign_in(client, "lebedev", PASSWORD).status_code == 400
    assert sign_in(client, "lebedev", "brand-new-password").status_code == 302


def test_password_for_a_missing_account_says_how_to_create_it(app, runner):
    result = runner.invoke(args=["staff", "password", "lebedev", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "staff create" in result.output


def test_disable_stops_sign_in_and_ends_open_sessions(app, runner, client):
    login(client, "lebedev")
    assert client.get("/app/desk/").status_code == 200
    result = runner.invoke(args=["staff", "disable", "lebedev"])
    assert result.exit_code == 0, result.output
    assert client.get("/app/desk/").status_code == 302  # the open session is over
    refused = sign_in(client, "lebedev", PASSWORD)
    assert refused.status_code == 400
    assert "Учётная запись отключена" in refused.get_data(as_text=True)


def test_list_shows_every_person_of_the_roster_and_their_account(app, runner):
    runner.invoke(args=["staff", "create", "lebedev", "--password", PASSWORD])
    runner.invoke(args=["staff", "create", "morozova", "--password", PASSWORD])
    runner.invoke(args=["staff", "disable", "morozova"])
    result = runner.invoke(args=["staff", "list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "действует" in lines["lebedev"]
    assert "отключена" in lines["morozova"]
    assert "нет учётной записи" in lines["orlova"]
    assert "Педагог-психолог" in lines["morozova"]


def test_init_creates_the_head_once_with_a_one_time_password(app, runner, client):
    first = runner.invoke(args=["staff", "init"])
    assert first.exit_code == 0, first.output
    assert re.search(r"Логин:\s+orlova", first.output)
    one_time = re.search(r"Пароль:\s+(\S+)", first.output).group(1)
    assert sign_in(client, "orlova", one_time).status_code == 302

    again = runner.invoke(args=["staff", "init"])
    assert again.exit_code == 0
    assert "ничего не изменено" in again.output
    assert "Пароль:" not in again.output
