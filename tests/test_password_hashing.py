"""The argon2 cost of staff passwords is a setting: argon2's strong defaults unless a deployment
(or the test suite) says otherwise, the same cost for an unknown login, old hashes redone."""

from __future__ import annotations

import datetime as dt

import argon2
import pytest
from argon2.low_level import Type

from tests.support.staff import LOGIN_URL, PASSWORD, ensure_account
from webapp import accounts, create_app
from webapp.config import ConfigError
from webapp.extensions import db
from webapp.web.current import current_school

COST_SETTINGS = ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM")


def cost_of(stored_hash: str) -> tuple[Type, int, int, int]:
    """(type, passes, memory in KiB, lanes) as written in the hash string itself."""
    params = argon2.extract_parameters(stored_hash)
    return params.type, params.time_cost, params.memory_cost, params.parallelism


def hash_checked_for_unknown_login(app, monkeypatch) -> str:
    """The stored hash `authenticate` spends its time on when nobody has the typed login."""
    checked = []
    real_check = accounts.password_matches

    def recording_check(stored: str, typed: str) -> bool:
        checked.append(stored)
        return real_check(stored, typed)

    monkeypatch.setattr(accounts, "password_matches", recording_check)
    with app.app_context(), pytest.raises(accounts.SignInRefused):
        accounts.authenticate(current_school(), "nobody-at-all", PASSWORD, address_key="x", max_failures=5,
                              lockout=dt.timedelta(minutes=15))  # fmt: skip
    [stored] = checked
    return stored


def test_without_settings_passwords_get_argon2s_own_strong_cost(database_url, monkeypatch):
    for name in COST_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        stored = accounts.hash_password(PASSWORD)
    strong = argon2.PasswordHasher()  # argon2-cffi's defaults: RFC 9106, low-memory profile
    expected = (Type.ID, strong.time_cost, strong.memory_cost, strong.parallelism)
    assert cost_of(stored) == expected
    assert expected[1:] == (3, 64 * 1024, 4)  # what the README promises, even if argon2 changes
    assert cost_of(hash_checked_for_unknown_login(app, monkeypatch)) == expected


def test_the_test_suite_hashes_at_the_cheapest_cost_it_configures(app, monkeypatch):
    ensure_account(app, "lebedev")
    with app.app_context():
        stored = accounts.find_account("lebedev").password_hash
    cheap = (Type.ID, 1, 8, 1)
    assert tuple(app.config[name] for name in COST_SETTINGS) == cheap[1:]
    assert cost_of(stored) == cheap
    assert cost_of(hash_checked_for_unknown_login(app, monkeypatch)) == cheap


def test_a_password_hashed_at_another_cost_still_signs_in_and_is_rehashed(app, client):
    ensure_account(app, "lebedev")
    older = argon2.PasswordHasher(time_cost=2, memory_cost=16, parallelism=2).hash(PASSWORD)
    with app.app_context():
        accounts.find_account("lebedev").password_hash = older
        db.session.commit()

    assert client.post(LOGIN_URL, data={"login": "lebedev", "password": PASSWORD}).status_code == 302
    with app.app_context():
        renewed = accounts.find_account("lebedev").password_hash
    assert cost_of(renewed) == (Type.ID, 1, 8, 1)
    assert accounts.password_matches(renewed, PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone(app, client):
    ensure_account(app, "lebedev")
    older = argon2.PasswordHasher(time_cost=2, memory_cost=16, parallelism=2).hash(PASSWORD)
    with app.app_context():
        accounts.find_account("lebedev").password_hash = older
        db.session.commit()
    refused = client.post(LOGIN_URL, data={"login": "lebedev", "password": "not-the-password"})
    assert refused.status_code == 400
    with app.app_context():
        assert accounts.find_account("lebedev").password_hash == older


@pytest.mark.parametrize(
    "settings",
    [{"PASSWORD_HASH_MEMORY_KIB": 4}, {"PASSWORD_HASH_TIME_COST": 0}, {"PASSWORD_HASH_PARALLELISM": 0}],
)
def test_an_impossible_cost_stops_the_start_with_a_russian_message(make_app, settings):
    with pytest.raises(ConfigError, match="Стоимость хэша паролей не подходит"):
        make_app(**settings)
