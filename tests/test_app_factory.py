import os
import subprocess
import sys

import pytest

from webapp import create_app
from webapp.config import DEMO_SECRET_KEY, ROOT, ConfigError


def test_production_refuses_the_demo_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": DEMO_SECRET_KEY})


def test_settings_come_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_USE_TLS"] is True


def test_the_entry_point_explains_a_refusal_in_russian_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SCHOOL_PROFILE")}
    env.update(APP_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    run = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 2
    assert "SECRET_KEY не задан" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_entry_point_keeps_the_apps_lasting_objects_out_of_garbage_collection(tmp_path):
    # A full collection walking them all stalls a request for tens of milliseconds.
    env = {k: v for k, v in os.environ.items() if k != "SCHOOL_PROFILE"}
    env.update(APP_ENV="production", SECRET_KEY="a-long-random-production-secret-key",
               PUBLIC_BASE_URL="https://help.school.example", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")  # fmt: skip
    code = "import gc, wsgi; print(gc.get_freeze_count())"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 50_000  # the profile, templates, mappers, phone metadata …
