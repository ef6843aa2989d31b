"""The help desk's Flask application."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import csrf, db, limiter, login_manager, migrate
from .extensions import mail as mail_extension  # `mail` would clash with the webapp.mail package
from .models.writers import init_writer_turns
from .school import load_profile

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    # static_folder=None: the app's own files are served under APP_PREFIX (see serve_static).
    app = Flask(
        __name__,
        instance_path=str(config.ROOT / "instance"),
        instance_relative_config=True,
        static_folder=None,
    )
    app.config.from_object(config.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    load_environment(app)
    if test_config:
        app.config.update(test_config)
    finish_config(app)

    app.extensions["school_profile"] = load_profile(app.config["SCHOOL_PROFILE"])
    serve_static(app)
    trust_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    app.context_processor(lambda: {"school": app.extensions["school_profile"]})
    return app


def load_environment(app: Flask) -> None:
    """Take every known setting from an environment variable of the same name."""
    for key, default in vars(config.DefaultConfig).items():
        if not key.isupper() or key not in os.environ:
            continue
        raw = os.environ[key]
        if isinstance(default, bool):
            app.config[key] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            app.config[key] = int(raw)
        else:
            app.config[key] = raw
    app.config["APP_ENV"] = os.environ.get("APP_ENV", app.config.get("APP_ENV", "production"))


def finish_config(app: Flask) -> None:
    """Derive settings that depend on others, and refuse an unsafe production setup."""
    production = app.config["APP_ENV"] == "production" and not app.testing
    if production and app.config["SECRET_KEY"] == config.DEMO_SECRET_KEY:
        raise config.ConfigError(
            "SECRET_KEY не задан: в рабочем режиме нельзя запускаться с демонстрационным ключом. "
            "Задайте переменную окружения SECRET_KEY (длинная случайная строка)."
        )
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'helpdesk.sqlite3'}"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def serve_static(app: Flask) -> None:
    """The app's CSS/JS live under the prefix, so nginx proxies one path (/app) and no more."""
    app.static_folder = "static"
    app.static_url_path = f"{app.config['APP_PREFIX']}/static"
    app.add_url_rule(
        f"{app.static_url_path}/<path:filename>", endpoint="static", view_func=app.send_static_file
    )


def trust_proxy(app: Flask) -> None:
    """Behind nginx: take the visitor's address (rate limits) and scheme from its headers."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"))
    mail_extension.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
        init_writer_turns(app)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while a request is written; busy_timeout makes writers queue.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .desk import bp as desk_bp
    from .public import bp as public_bp
    from .site_files import bp as site_bp
    from .staff import bp as staff_bp

    prefix = app.config["APP_PREFIX"]
    app.register_blueprint(public_bp, url_prefix=prefix)
    app.register_blueprint(auth_bp, url_prefix=f"{prefix}/staff")
    app.register_blueprint(desk_bp, url_prefix=f"{prefix}/desk")
    app.register_blueprint(staff_bp, url_prefix=f"{prefix}/desk/staff")
    app.register_blueprint(site_bp)  # last: it catches every other path


def register_commands(app: Flask) -> None:
    from .commands import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)
