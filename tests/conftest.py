"""Shared fixtures: the app on a fresh database, a real SMTP server, Chromium, a live server.

The database is SQLite unless TEST_DATABASE=postgresql, in which case a database of its own is
created on the local PostgreSQL server for this run and dropped at the end. With CI set, a test
that would be skipped (no PostgreSQL, no Chromium) fails instead.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.support.browser import launch_chromium
from tests.support.live import LiveServer
from tests.support.postgres import temporary_postgres_database
from tests.support.smtp import SmtpCatcher
from webapp import create_app
from webapp.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
PROFILES = Path(__file__).resolve().parent / "profiles"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"


@pytest.fixture(scope="session")
def database_backend() -> str:
    return os.environ.get("TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def _postgres_url(database_backend):
    if database_backend != "postgresql":
        yield None
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(temporary_postgres_database())
        except psycopg.OperationalError as exc:
            pytest.skip(f"PostgreSQL is not reachable: {exc}")
        yield url


@pytest.fixture
def database_url(database_backend, _postgres_url, tmp_path) -> str:
    if database_backend == "postgresql":
        return _postgres_url
    return f"sqlite:///{tmp_path / 'helpdesk.sqlite3'}"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback for the whole run; tests clear it before use."""
    with SmtpCatcher() as catcher:
        yield catcher


@pytest.fixture
def smtp(smtp_server):
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def make_app(database_url, tmp_path, smtp_server):
    """Build an app on a fresh database; keyword arguments override config."""
    made = []

    def make(**overrides):
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_TIMEOUT": 5,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "SCHOOL_PROFILE": None,
            # argon2's cheapest cost (production keeps the strong defaults), as cookiecutter-flask
            # sets BCRYPT_LOG_ROUNDS = 4: most of a test's time would otherwise be hashing.
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_KIB": 8,
            "PASSWORD_HASH_PARALLELISM": 1,
        }
        settings.update(overrides)
        app = create_app(settings)
        with app.app_context():
            _db.drop_all()
            _db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            _db.session.remove()
            _db.drop_all()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a background thread."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """built_site("demo") / built_site("other_school"): the help site, built once per run."""
    from tests.support.site import SiteBuilder

    return SiteBuilder(tmp_path_factory.mktemp("help-site"))
