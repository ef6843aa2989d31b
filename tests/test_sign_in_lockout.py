"""Sign-in a stranger cannot use: no telling who exists, no holding someone else's lock, and
one-time passwords that must be changed and run out."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time

import sqlalchemy as sa

from tests.support.staff import LOGIN_URL, PASSWORD, ensure_account
from webapp.extensions import db
from webapp.models import StaffAccount

HEAD_HOME = {"REMOTE_ADDR": "198.51.100.7"}
HEAD_NEW_LAPTOP = {"REMOTE_ADDR": "198.51.100.99"}
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}


def sign_in(client, login_name: str, password: str, where: dict | None = None):
    return client.post(
        LOGIN_URL, data={"login": login_name, "password": password}, environ_base=where or {}
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def answer_of(response) -> str:
    """The error shown under the password field."""
    return re.search(r'class="field-error"[^>]*>(.*?)<', response.get_data(as_text=True), re.S).group(1)


def stored(app, staff_id: str) -> StaffAccount:
    with app.app_context():
        account = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=staff_id))
        db.session.expunge(account)
        return account


def test_unknown_wrong_and_locked_logins_get_one_answer(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    ensure_account(app, "orlova")
    ensure_account(app, "lebedev")
    unknown = sign_in(client, "nobody-here", "whatever-password", ATTACKER)
    wrong = sign_in(client, "orlova", "whatever-password", ATTACKER)
    for _ in range(3):
        sign_in(client, "lebedev", "whatever-password", ATTACKER)
    locked_wrong = sign_in(client, "lebedev", "whatever-password", ATTACKER)
    locked_right = sign_in(client, "lebedev", PASSWORD, ATTACKER)
    answers = {answer_of(r) for r in (unknown, wrong, locked_wrong, locked_right)}
    assert len(answers) == 1, answers
    assert answers.pop().startswith("Неверный логин или пароль.")
    assert {r.status_code for r in (unknown, wrong, locked_wrong, locked_right)} == {400}


def _median_seconds(client, login_name: str, tries: int = 7) -> float:
    spent = []
    for _ in range(tries):
        started = time.perf_counter()
        sign_in(client, login_name, "whatever-password", ATTACKER)
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def test_unknown_wrong_and_locked_take_the_same_order_of_time(make_app):
    # A real argon2 cost (smaller than production's, still far above a database round trip), so
    # that a path skipping the hash check would show as a tenfold difference.
    app = make_app(
        LOGIN_MAX_FAILURES=10, PASSWORD_HASH_TIME_COST=2, PASSWORD_HASH_MEMORY_KIB=16 * 1024,
        PASSWORD_HASH_PARALLELISM=1,
    )
    client = app.test_client()
    ensure_account(app, "orlova")
    ensure_account(app, "lebedev")
    for _ in range(10):
        sign_in(client, "lebedev", "whatever-password", ATTACKER)
    assert stored(app, "lebedev").locked_until is not None
    times = {
        "unknown": _median_seconds(client, "nobody-here"),
        "wrong": _median_seconds(client, "orlova"),  # 7 tries: not yet locked
        "locked": _median_seconds(client, "lebedev"),
    }
    assert stored(app, "orlova").locked_until is None
    slowest, fastest = max(times.values()), min(times.values())
    assert slowest < 3 * fastest, times


def test_a_stranger_cannot_keep_the_head_out_of_her_desk(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
    ensure_account(app, "orlova")
    head, attacker = app.test_client(), app.test_client()
    assert sign_in(head, "orlova", PASSWORD, HEAD_HOME).status_code == 302
    head.post("/app/staff/logout", environ_base=HEAD_HOME)
    for _ in range(10):  # a stranger guessing from elsewhere locks the account for new addresses
        sign_in(attacker, "orlova", "guess-guess-guess", ATTACKER)
    assert stored(app, "orlova").locked_until is not None
    assert sign_in(attacker, "orlova", PASSWORD, HEAD_NEW_LAPTOP).status_code == 400
    # ...but the right password from where she signed in before still opens her desk
    assert sign_in(head, "orlova", PASSWORD, HEAD_HOME).status_code == 302
    assert head.get("/app/desk/", environ_base=HEAD_HOME).status_code == 200


def test_the_lock_of_a_new_address_runs_out(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2)
    ensure_account(app, "orlova")
    client = app.test_client()
    for _ in range(2):
        sign_in(client, "orlova", "guess-guess-guess", ATTACKER)
    assert sign_in(client, "orlova", PASSWORD, HEAD_NEW_LAPTOP).status_code == 400
    with app.app_context():
        account = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id="orlova"))
        account.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    assert sign_in(client, "orlova", PASSWORD, HEAD_NEW_LAPTOP).status_code == 302


def _one_time_password(app, staff_id: str) -> str:
    """The head issues a new password on the staff page, as the school would."""
    head = app.test_client()
    ensure_account(app, "orlova")
    ensure_account(app, staff_id)
    sign_in(head, "orlova", PASSWORD, HEAD_HOME)
    page = head.post(f"/app/desk/staff/{staff_id}/password", environ_base=HEAD_HOME)
    assert page.status_code == 200
    return re.search(r'id="one-time-password">([^<]+)<', page.get_data(as_text=True)).group(1)


def test_a_one_time_password_leads_to_a_forced_change(app):
    one_time = _one_time_password(app, "lebedev")
    client = app.test_client()
    signed_in = sign_in(client, "lebedev", one_time)
    assert signed_in.status_code == 302
    assert signed_in.location == "/app/staff/password"
    for path in ("/app/desk/", "/app/desk/hotline", "/app/desk/r/1"):
        assert client.get(path).location == "/app/staff/password"
    page = client.get("/app/staff/password")
    assert "Вы вошли с одноразовым паролем" in text_of(page)
    changed = client.post(
        "/app/staff/password",
        data={"current": one_time, "new": "my-own-password-1", "repeat": "my-own-password-1"},
    )
    assert changed.status_code == 302
    assert client.get("/app/desk/").status_code == 200
    assert stored(app, "lebedev").must_change_password is False
    assert sign_in(app.test_client(), "lebedev", one_time).status_code == 400  # not usable again


def test_staff_init_gives_a_one_time_password_that_must_be_changed(app, runner):
    result = runner.invoke(args=["staff", "init"])
    one_time = re.search(r"Пароль: (\S+)", result.output).group(1)
    client = app.test_client()
    assert sign_in(client, "orlova", one_time).location == "/app/staff/password"
    assert client.get("/app/desk/").location == "/app/staff/password"


def test_an_unused_one_time_password_expires(make_app):
    app = make_app(ONE_TIME_PASSWORD_HOURS=72)
    one_time = _one_time_password(app, "lebedev")
    with app.app_context():
        account = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id="lebedev"))
        left = account.password_expires_at - dt.datetime.now(dt.timezone.utc)
        assert dt.timedelta(hours=71) < left <= dt.timedelta(hours=72)
        account.password_expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        db.session.commit()
    refused = sign_in(app.test_client(), "lebedev", one_time)
    assert refused.status_code == 400
    assert "Срок одноразового пароля истёк" in text_of(refused)
