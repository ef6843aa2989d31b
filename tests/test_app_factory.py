import pytest

from webapp import create_app
from webapp.config import DEMO_SECRET_KEY


def test_production_refuses_the_demo_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": DEMO_SECRET_KEY})


def test_settings_come_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_USE_TLS"] is True
