"""GET /app/health in each state it reports, `flask --app wsgi doctor`, and the refusal of
production on plain http (issue 15)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from webapp import create_app
from webapp.config import ROOT, ConfigError
from webapp.extensions import db
from webapp.mail.queue import enqueue
from webapp.models import JobMark, OutboxMessage
from webapp.models.marks import MAILBOX_FETCH, OUTBOX_WORKER, record_run
from webapp.models.types import utc_now

MIGRATIONS = str(ROOT / "migrations")


@pytest.fixture
def stamped_app(app):
    """The app; the schema's version table that a test writes is dropped afterwards."""
    yield app
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture
def healthy_app(stamped_app):
    """The app on a schema at head, with a worker that has just run."""
    app = stamped_app
    with app.app_context():
        stamp(directory=MIGRATIONS)
        record_run(db.session, OUTBOX_WORKER, ok=True, summary="sent=0 retried=0 failed=0")
    return app


def health(app) -> tuple[int, dict]:
    response = app.test_client().get("/app/health")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_a_healthy_installation_answers_200_with_each_check(healthy_app):
    status, body = health(healthy_app)
    assert status == 200, body
    assert body["status"] == "ok" and body["problems"] == []
    assert set(body["checks"]) == {"database", "migrations", "outbox", "worker", "mailbox"}
    assert body["checks"]["outbox"] == {"ok": True, "backlog": 0, "oldest_due_seconds": 0, "failed": 0}
    assert body["checks"]["mailbox"] == {"ok": True, "enabled": False}


def test_a_schema_behind_the_code_is_503_asking_for_db_upgrade(stamped_app):
    app = stamped_app
    with app.app_context():
        stamp(directory=MIGRATIONS, revision="c3d666799a34")  # the first migration
    status, body = health(app)
    assert status == 503
    assert body["checks"]["migrations"]["ok"] is False
    assert any("db upgrade" in p for p in body["problems"])


def test_a_database_that_is_away_is_503_and_names_no_detail_of_it():
    missing = create_app({"TESTING": True, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
                          "SECRET_KEY": "x", "SCHOOL_PROFILE": None})  # fmt: skip
    status, body = health(missing)
    assert status == 503
    assert body["checks"] == {"database": {"ok": False, "error": "OperationalError"}}
    assert body["problems"] == ["База данных недоступна: приложение не может принимать обращения."]
    assert "127.0.0.1" not in str(body) and "nobody" not in str(body)


def test_mail_waiting_too_long_is_503_with_the_backlog_and_the_oldest_age(healthy_app):
    with healthy_app.app_context():
        for _ in range(2):
            enqueue(kind="sla_alert", recipient="head@example.ru", sender_domain="example.ru",
                    subject="s", body_text="t", body_html=None)
        db.session.flush()
        oldest = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
        oldest.next_attempt_at = utc_now() - dt.timedelta(minutes=30)
        db.session.commit()
    status, body = health(healthy_app)
    assert status == 503
    outbox = body["checks"]["outbox"]
    assert outbox["backlog"] == 2 and 30 * 60 <= outbox["oldest_due_seconds"] < 31 * 60
    assert any("самое старое ждёт отправки 30 мин" in p for p in body["problems"])
    assert "head@example.ru" not in str(body)


def test_a_worker_that_never_ran_or_went_silent_is_503(stamped_app):
    app = stamped_app
    with app.app_context():
        stamp(directory=MIGRATIONS)
    status, body = health(app)
    assert status == 503 and body["checks"]["worker"] == {"ok": False, "last_run": None}
    with app.app_context():
        db.session.add(JobMark(job=OUTBOX_WORKER, ran_at=utc_now() - dt.timedelta(minutes=20), ok=True))
        db.session.commit()
    status, body = health(app)
    assert status == 503
    assert body["checks"]["worker"]["seconds_ago"] >= 20 * 60
    assert any("последний раз он отмечался 20 мин назад" in p for p in body["problems"])


def test_the_mailbox_check_reports_the_last_fetch_and_its_failure(healthy_app):
    healthy_app.config["IMAP_HOST"] = "imap.example.ru"
    status, body = health(healthy_app)
    assert status == 503 and any("ни разу не читался" in p for p in body["problems"])
    with healthy_app.app_context():
        record_run(db.session, MAILBOX_FETCH, ok=True, summary="Переслано ответов: 2; оставлено в ящике: 0")
    status, body = health(healthy_app)
    assert status == 200, body
    assert body["checks"]["mailbox"]["result"] == "Переслано ответов: 2; оставлено в ящике: 0"
    with healthy_app.app_context():
        record_run(db.session, MAILBOX_FETCH, ok=False, summary="Неверный пароль ящика службы.")
    status, body = health(healthy_app)
    assert status == 503
    assert "Последнее чтение ящика службы не удалось: Неверный пароль ящика службы." in body["problems"]


def test_the_worker_marks_its_run_for_the_health_check(healthy_app, smtp):
    with healthy_app.app_context():
        db.session.execute(db.delete(JobMark))
        db.session.commit()
    result = healthy_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    status, body = health(healthy_app)
    assert status == 200, body
    assert body["checks"]["worker"]["seconds_ago"] < 60


def test_doctor_prints_the_health_and_the_risky_settings(healthy_app):
    healthy_app.config.update(
        APP_ENV="production", PUBLIC_BASE_URL="http://10.0.0.5", MAIL_USERNAME="robot@mail.ru",
        IMAP_HOST="imap.mail.ru", IMAP_USERNAME="other@mail.ru",
    )  # fmt: skip
    with healthy_app.app_context():
        record_run(db.session, MAILBOX_FETCH, ok=True, summary="Переслано ответов: 0; оставлено в ящике: 0")
    result = healthy_app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    out = result.output
    assert "в порядке  база данных" in out and "в порядке  обработчик очереди" in out
    assert "ждут отправки 0" in out
    assert "PUBLIC_BASE_URL «http://10.0.0.5» — http в рабочем режиме" in out
    assert "MAIL_DEFAULT_SENDER не задан" in out
    assert "не совпадает с учётной записью MAIL_USERNAME (robot@mail.ru)" in out
    assert "IMAP_USERNAME=other@mail.ru" in out and "support@school7-zarechny.example.ru" in out
    assert "RATELIMIT_STORAGE_URI=memory://" in out and "PROXY_COUNT=0" in out


def test_doctor_is_quiet_and_exits_0_on_a_consistent_installation(healthy_app):
    healthy_app.config.update(
        APP_ENV="production", PUBLIC_BASE_URL="https://help.school.example", PROXY_COUNT=1,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379", MAIL_USERNAME="support@school7-zarechny.example.ru",
        MAIL_DEFAULT_SENDER="Служба <support@school7-zarechny.example.ru>",
    )  # fmt: skip
    healthy_app.extensions.pop("mail_sender_from_profile", None)
    result = healthy_app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "Настройки: опасных и противоречивых не найдено." in result.output
    assert "ОШИБКА" not in result.output


def test_doctor_reports_a_database_that_is_away():
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "x", "SCHOOL_PROFILE": None})  # fmt: skip
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "ОШИБКА     база данных" in result.output and "База данных недоступна" in result.output


PRODUCTION_ENV = {"APP_ENV": "production", "SECRET_KEY": "a-long-random-production-secret-key"}


def run_entry_point(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SCHOOL_PROFILE", "PUBLIC_BASE_URL", "ALLOW_PLAIN_HTTP")}
    base.update(PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_production_on_plain_http_is_refused_saying_why_and_how(tmp_path):
    run = run_entry_point(tmp_path, PUBLIC_BASE_URL="http://help.school.example")
    assert run.returncode == 2
    assert "PUBLIC_BASE_URL «http://help.school.example» начинается с http://" in run.stderr
    assert "«Страница с формой устарела»" in run.stderr  # why
    assert "PUBLIC_BASE_URL=https://" in run.stderr and "ALLOW_PLAIN_HTTP=true" in run.stderr  # how
    assert "Traceback" not in run.stderr


def test_production_without_public_base_url_is_refused_too():
    with pytest.raises(ConfigError, match="начинается с http://"):
        create_app({**PRODUCTION_ENV, "DATABASE_URL": "sqlite://"})


def test_production_on_https_starts_with_secure_cookies(tmp_path):
    run = run_entry_point(tmp_path, PUBLIC_BASE_URL="https://help.school.example")
    assert run.returncode == 0, run.stderr
    app = create_app({**PRODUCTION_ENV, "DATABASE_URL": "sqlite://", "PUBLIC_BASE_URL": "https://h.example"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_closed_network_may_allow_plain_http_and_the_log_says_so_loudly(tmp_path, caplog):
    run = run_entry_point(tmp_path, PUBLIC_BASE_URL="http://10.0.0.5", ALLOW_PLAIN_HTTP="true")
    assert run.returncode == 0, run.stderr
    assert "WARNING webapp: ВНИМАНИЕ: рабочий режим без HTTPS (ALLOW_PLAIN_HTTP)" in run.stderr
    with caplog.at_level(logging.WARNING, logger="webapp"):
        app = create_app({**PRODUCTION_ENV, "DATABASE_URL": "sqlite://", "PUBLIC_BASE_URL": "http://10.0.0.5",
                          "ALLOW_PLAIN_HTTP": True})  # fmt: skip
    assert app.config["SESSION_COOKIE_SECURE"] is False and not app.config.get("REMEMBER_COOKIE_SECURE")
    assert "рабочий режим без HTTPS" in caplog.text


def test_doctor_compares_the_read_mailbox_with_the_sender_where_the_profile_has_no_support_email(tmp_path):
    """Replies come to support.email, or to MAIL_DEFAULT_SENDER where the act gives none: the
    mailbox `mailbox fetch` reads must be that one (and a (name, address) sender is read right)."""
    from tests.support.submissions import profile_variant
    from webapp.health.settings import settings_warnings
    from webapp.school import load_profile

    profile = load_profile(profile_variant(tmp_path, support__email=None))
    base = {"APP_ENV": "production", "PUBLIC_BASE_URL": "https://help.school.example",
            "PROXY_COUNT": 1, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "MAIL_DEFAULT_SENDER": ("Служба", "help@school.example"), "IMAP_HOST": "imap.example"}  # fmt: skip
    wrong = settings_warnings({**base, "IMAP_USERNAME": "other@school.example"}, profile, sender_from_profile=False)
    assert any("MAIL_DEFAULT_SENDER (help@school.example)" in w for w in wrong)
    right = settings_warnings({**base, "IMAP_USERNAME": "help@school.example"}, profile, sender_from_profile=False)
    assert right == []
