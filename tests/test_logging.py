"""The app's log: one line per event on stderr with time, level, logger and message, at INFO by
default; the audit of what staff did, and never a word of what a person wrote about themselves."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

from tests.support.logged_life import ANSWER, DISPATCHER, SPECIALIST
from tests.support.submissions import form_data, free_port, new_key
from webapp.config import ROOT, ConfigError
from webapp.mail.outbox import deliver_due

# What the author and a caller give about themselves: none of it may reach the log.
AUTHOR = {
    "author_name": "Кузьмина Варвара Олеговна",
    "author_role": "student",
    "class_name": "9Б",
    "request_type": "technical",
    "description": "Планшет перестал открывать электронный дневник после вчерашнего обновления.",
    "contact_phone": "8 (922) 613-45-07",
    "contact_email": "varvara.kuzmina@example.org",
}
AUTHOR_PHONES = ("+79226134507", "79226134507", "9226134507", "613-45-07", "8 (922) 613-45-07")
CALLER = {
    "author_name": "Тихонов Елисей Маркович",
    "author_role": "parent",
    "class_name": "3В",
    "request_type": "journal",
    "description": "Сын не видит домашнее задание по окружающему миру в журнале.",
    "contact_phone": "+7 (343) 277-81-96",
    "contact_email": "",
}
CALLER_PHONES = ("+73432778196", "73432778196", "3432778196", "277-81-96")
STAFF_PASSWORD = "Ключ-от-кабинета-42"

LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"(?P<logger>webapp(?:\.\w+)*): (?P<message>\S.*)"
)
# The settings make_app gives every test, passed on to the process of its own.
TEST_SETTINGS = (
    "TESTING", "SECRET_KEY", "DATABASE_URL", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED", "MAIL_SERVER",
    "MAIL_PORT", "MAIL_TIMEOUT", "UPLOAD_DIR", "SCHOOL_PROFILE", "PASSWORD_HASH_TIME_COST",
    "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM",
)  # fmt: skip


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text) if len(w) >= 3]


def personal_data(outcome: dict) -> list[str]:
    """Everything that identifies a person or says what they wrote, as it could be written."""
    found = [AUTHOR["contact_email"], AUTHOR["contact_email"].split("@")[0], outcome["status_token"],
             AUTHOR["class_name"], CALLER["class_name"], STAFF_PASSWORD, ANSWER, *AUTHOR_PHONES,
             *CALLER_PHONES]  # fmt: skip
    for person in (AUTHOR, CALLER):
        found += person["author_name"].split() + words(person["description"])
    return found + words(ANSWER)


def run_life_in_its_own_process(app, smtp) -> tuple[dict, str]:
    """(outcome, stderr) of tests/support/logged_life.py: the log exactly as production writes it."""
    school_now = dt.datetime.now(dt.timezone(dt.timedelta(hours=5)))  # the demo school's clock
    life = {
        "settings": {key: app.config[key] for key in TEST_SETTINGS},
        "form": form_data(**AUTHOR),
        "call": {**CALLER, "received_at": school_now.strftime("%Y-%m-%dT%H:%M"), "consent": "y",
                 "submission_key": new_key()},  # fmt: skip
        "password": STAFF_PASSWORD,
    }
    assert life["settings"]["MAIL_PORT"] == smtp.port
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_LEVEL", "SCHOOL_PROFILE")}
    run = subprocess.run(
        [sys.executable, "-m", "tests.support.logged_life"], input=json.dumps(life), cwd=ROOT,
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout), run.stderr


def test_a_requests_whole_life_is_logged_by_number_and_staff_id_with_no_personal_data(app, smtp):
    outcome, stderr = run_life_in_its_own_process(app, smtp)
    number, call = outcome["number"], outcome["call_number"]

    lines = stderr.splitlines()
    for line in lines:
        assert LINE.fullmatch(line), f"not a log line of time, level, logger and message: {line!r}"
    events = [(m["level"], m["logger"], m["message"]) for m in map(LINE.fullmatch, lines)]
    registered = f"request {number} registered: type=technical route=tech channel=web"
    for expected in [
        ("INFO", "webapp.requests.service", registered),
        ("INFO", "webapp.auth.views", "sign-in refused: login not on the roster"),
        ("INFO", "webapp.auth.views", f"sign-in: {DISPATCHER}"),
        ("INFO", "webapp.auth.views", f"sign-in: {SPECIALIST}"),
        ("INFO", "webapp.desk.views", f"request {call}: hotline by {DISPATCHER}"),
        ("INFO", "webapp.desk.views", f"request {number}: assign by {DISPATCHER}"),
        ("INFO", "webapp.desk.views", f"request {number}: take by {SPECIALIST}"),
        ("INFO", "webapp.desk.views", f"request {number}: answer by {SPECIALIST}"),
        ("INFO", "webapp.desk.views", f"request {number}: close by {SPECIALIST}"),
        ("INFO", "webapp.auth.views", f"sign-out: {SPECIALIST}"),
        ("INFO", "webapp.auth.views", f"sign-out: {DISPATCHER}"),
    ]:
        assert expected in events, f"missing {expected} in:\n{stderr}"
    assert any(m.startswith(f"request {call} registered: type=journal ") for _, _, m in events)
    # The new request's four letters, the call's, the specialist's and the author's answer.
    sent = [m for level, logger, m in events if logger == "webapp.mail.outbox" and " sent " in m]
    assert len(sent) >= 6 and len(sent) == len(smtp.messages)
    assert not [e for e in events if e[0] != "INFO"], stderr

    folded = stderr.casefold()
    leaked = [item for item in personal_data(outcome) if item.casefold() in folded]
    assert leaked == [], f"personal data in the log: {leaked}\n{stderr}"


def test_log_level_warning_keeps_the_failures_and_drops_the_info_lines(make_app, caplog):
    app = make_app(LOG_LEVEL="WARNING", MAIL_PORT=free_port())  # nobody listens there
    assert app.test_client().post("/app/form", data=form_data()).status_code == 303
    deliver_due(app)

    records = [r for r in caplog.records if r.name.startswith("webapp")]
    assert records, "the failed deliveries were not logged at all"
    assert {r.levelname for r in records} == {"WARNING"}
    assert all("failed" in r.getMessage() for r in records)


@pytest.mark.parametrize("level", ["VERBOSE", "инфо", ""])
def test_an_unknown_log_level_stops_the_start_with_a_russian_message(make_app, level):
    with pytest.raises(ConfigError, match=f"LOG_LEVEL «{level}» не подходит: укажите DEBUG, INFO"):
        make_app(LOG_LEVEL=level)
