"""The application factory: a short list of steps, each in a function of its own.

Settings come from the defaults (webapp/config.py), then `instance/config.py`, then the
environment, then the test's override. Nothing here runs a migration or sends mail.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import accounts, config, site_files
from .extensions import csrf, db, limiter, login_manager, migrate
from .extensions import mail as mail_extension  # `mail` would clash with the webapp.mail package
from .formatting import local_datetime
from .mail.outbox import WRITER_KEY
from .mail.transport import default_sender
from .requests import notifications
from .requests.context import Register
from .school import SchoolProfile, load_profile
from .school.wording import days_text, minutes_text
from .vocabulary import TEMPLATE_NAMES
from .web.audit import record_access
from .web.current import PROFILE_KEY, REGISTER_KEY
from .web.guards import RowIdConverter, refuse_foreign_origin, refuse_nul_bytes
from .web.links import EmailLinks

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PLAIN_HTTP_REFUSAL = (
    "PUBLIC_BASE_URL «{url}» начинается с http://: в рабочем режиме программа работает только по "
    "HTTPS. Cookie сеанса помечена Secure, и браузер не вернёт её по http — каждая отправка формы "
    "заканчивалась бы сообщением «Страница с формой устарела». Что сделать: настройте TLS в nginx "
    "(deploy/nginx/helpdesk.conf) и укажите PUBLIC_BASE_URL=https://…; или, только в закрытой сети "
    "без TLS, задайте ALLOW_PLAIN_HTTP=true (cookie будут передаваться без защиты, об этом при "
    "каждом запуске пишется предупреждение в журнал); на своём компьютере — APP_ENV=development."
)


def create_app(test_config: dict | None = None, *, instance_path: Path | None = None) -> Flask:
    """Build the app; `instance_path` replaces `<repo>/instance`, so a test can give the app
    a `config.py` of its own without touching a developer's real instance folder."""
    # static_folder=None: the app's own files are served under APP_PREFIX (see serve_static).
    app = Flask(
        "webapp",
        instance_path=str(instance_path or config.ROOT / "instance"),
        instance_relative_config=True,
        static_folder=None,
    )
    app.config.from_object(config.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    load_environment(app)
    if test_config:
        app.config.update(test_config)
    finish_config(app)
    configure_logging(app)
    warn_plain_http(app)
    configure_password_hashing(app)

    profile = load_profile(app.config["SCHOOL_PROFILE"])
    app.extensions[PROFILE_KEY] = profile
    if not app.config["MAIL_DEFAULT_SENDER"]:
        app.config["MAIL_DEFAULT_SENDER"] = sender_without_setting(app, profile)
        app.extensions["mail_sender_from_profile"] = True  # `doctor` points it out
    serve_static(app)
    site_files.serve_site(app)
    trust_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_request_guards(app)
    wire_register(app, profile)
    return app


def wire_register(app: Flask, profile: SchoolProfile) -> None:
    """What the register's rules take as an argument, and the outbox's writer of new letters."""
    register = Register(
        profile=profile, links=EmailLinks(app), upload_dir=Path(app.config["UPLOAD_DIR"]),
        smtputf8=app.config["MAIL_SMTPUTF8"], replies_read=bool(app.config["IMAP_HOST"]),
    )
    app.extensions[REGISTER_KEY] = register
    app.extensions[WRITER_KEY] = functools.partial(notifications.write_message, register)


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


# `make run`'s local mail catcher takes any sender; a real server needs a real one.
LOCAL_SENDER = "helpdesk@localhost"


def sender_without_setting(app: Flask, profile) -> tuple[str, str]:
    """The sender when MAIL_DEFAULT_SENDER is not set: the service's name and e-mail from the
    profile. An act may give no support e-mail (seeds 001–004): then a production app refuses
    to start, and a development one sends from LOCAL_SENDER to the local catcher."""
    found = default_sender(profile.support.name, profile.support.email)
    if found is not None:
        return found
    if app.config["APP_ENV"] == "production" and not app.testing:
        raise config.ConfigError(
            "MAIL_DEFAULT_SENDER не задан, а в профиле школы нет support.email: письмам не от кого "
            "уходить. Задайте MAIL_DEFAULT_SENDER — ящик, от которого почтовый сервер разрешает "
            "отправлять учётной записи MAIL_USERNAME; ответы на письма тоже придут в этот ящик."
        )
    return (profile.support.name, LOCAL_SENDER)


def finish_config(app: Flask) -> None:
    """Derive settings that depend on others, and refuse an unsafe production setup."""
    production = app.config["APP_ENV"] == "production" and not app.testing
    if production and app.config["SECRET_KEY"] in (config.DEMO_SECRET_KEY, "", None):
        raise config.ConfigError(
            "SECRET_KEY не задан: в рабочем режиме нельзя запускаться с демонстрационным ключом. "
            "Задайте переменную окружения SECRET_KEY (длинная случайная строка)."
        )
    base = urlsplit(app.config["PUBLIC_BASE_URL"] or "")
    if base.scheme not in ("http", "https") or not base.netloc:
        raise config.ConfigError(
            f"PUBLIC_BASE_URL «{app.config['PUBLIC_BASE_URL']}» не подходит: нужен полный адрес "
            "сайта, например https://help.school.ru (из него строятся ссылки в письмах)."
        )
    if production and base.scheme == "http" and not app.config["ALLOW_PLAIN_HTTP"]:
        raise config.ConfigError(PLAIN_HTTP_REFUSAL.format(url=app.config["PUBLIC_BASE_URL"]))
    if production and not (base.scheme == "http" and app.config["ALLOW_PLAIN_HTTP"]):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'helpdesk.sqlite3'}"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # A pooled connection is checked before use (a restarted PostgreSQL costs no request), and
    # an error never carries the statement's values (names, phones, tokens) into a log.
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("pool_pre_ping", True)
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": app.config["SQLITE_BUSY_SECONDS"]})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def configure_logging(app: Flask) -> None:
    """One line per event on stderr (gunicorn and journald collect it), at LOG_LEVEL.

    The app's loggers are all under `webapp`; a handler of our own is added once per process,
    so building several apps (tests, the dev server) never prints a line twice. Log lines hold
    numbers, codes and staff ids only, never a name, phone, e-mail or text of a request.
    """
    level = str(app.config["LOG_LEVEL"]).upper()
    if level not in logging.getLevelNamesMapping():
        raise config.ConfigError(
            f"LOG_LEVEL «{app.config['LOG_LEVEL']}» не подходит: укажите DEBUG, INFO, WARNING или ERROR."
        )
    # Flask-Limiter says there when the rate-limit store (Redis) is away and when it is back.
    for name in ("webapp", "flask-limiter"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, "_webapp_handler", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            handler._webapp_handler = True
            logger.addHandler(handler)


def warn_plain_http(app: Flask) -> None:
    """A production install on plain http (ALLOW_PLAIN_HTTP) says so at every start, loudly."""
    production = app.config["APP_ENV"] == "production" and not app.testing
    if production and urlsplit(app.config["PUBLIC_BASE_URL"]).scheme == "http":
        logging.getLogger("webapp").warning(
            "ВНИМАНИЕ: рабочий режим без HTTPS (ALLOW_PLAIN_HTTP): cookie сеанса и пароли "
            "сотрудников передаются по сети открытым текстом. Допустимо только в закрытой сети."
        )


def configure_password_hashing(app: Flask) -> None:
    """Staff passwords are hashed at the PASSWORD_HASH_* cost: strong by default, cheap in tests.

    The cost is the process's (webapp.accounts has no app to ask), so the last app built sets it.
    """
    time_cost = app.config["PASSWORD_HASH_TIME_COST"]
    memory_kib = app.config["PASSWORD_HASH_MEMORY_KIB"]
    parallelism = app.config["PASSWORD_HASH_PARALLELISM"]
    if time_cost < 1 or parallelism < 1 or memory_kib < 8 * parallelism:
        raise config.ConfigError(
            f"Стоимость хэша паролей не подходит (PASSWORD_HASH_TIME_COST={time_cost}, "
            f"PASSWORD_HASH_MEMORY_KIB={memory_kib}, PASSWORD_HASH_PARALLELISM={parallelism}): "
            "число проходов и потоков — не меньше 1, память — не меньше 8 КиБ на поток. "
            "Уберите эти переменные, чтобы вернуть надёжные значения по умолчанию."
        )
    accounts.configure_hashing(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)


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
        busy_ms = int(app.config["SQLITE_BUSY_SECONDS"] * 1000)
        with app.app_context():
            sa.event.listen(db.engine, "connect", functools.partial(_sqlite_pragmas, busy_ms=busy_ms))


def _sqlite_pragmas(dbapi_connection, _record, *, busy_ms: int) -> None:
    # WAL lets readers work while a request is written; busy_timeout makes writers queue, and
    # past it the person gets "try again" with the form kept (503).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def register_request_guards(app: Flask) -> None:
    """What no browser sends stops before the views: NUL bytes, row ids beyond the columns, a
    form posted from another site's page."""
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_foreign_origin)


def register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .desk import bp as desk_bp
    from .desk import oversight_bp, problems_bp
    from .health import bp as health_bp
    from .privacy import bp as privacy_bp
    from .problems import public_bp as problems_public_bp
    from .public import bp as public_bp
    from .rating import bp as rating_bp
    from .site_files import bp as site_bp
    from .staff import bp as staff_bp

    prefix = app.config["APP_PREFIX"]
    app.url_map.converters["id"] = RowIdConverter  # before the rules that use it
    app.register_blueprint(public_bp, url_prefix=prefix)
    app.register_blueprint(health_bp, url_prefix=prefix)
    app.register_blueprint(rating_bp, url_prefix=prefix)
    app.register_blueprint(auth_bp, url_prefix=f"{prefix}/staff")
    app.register_blueprint(desk_bp, url_prefix=f"{prefix}/desk")
    app.register_blueprint(oversight_bp, url_prefix=f"{prefix}/desk")
    app.register_blueprint(privacy_bp, url_prefix=f"{prefix}/desk")
    app.register_blueprint(problems_bp, url_prefix=f"{prefix}/desk")
    app.register_blueprint(problems_public_bp, url_prefix=prefix)
    app.register_blueprint(staff_bp, url_prefix=f"{prefix}/desk/staff")
    app.register_blueprint(site_bp)  # last: it catches every other path
    app.after_request(record_access)  # the audit log of the desk's pages (webapp/web/audit.py)


def register_commands(app: Flask) -> None:
    from .commands import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """What every page and letter may use: the school, the vocabulary, local time."""
    profile = app.extensions[PROFILE_KEY]
    app.jinja_env.globals.update(TEMPLATE_NAMES)
    app.context_processor(lambda: {"school": profile})

    app.jinja_env.filters["days"] = lambda n: days_text(int(n))
    app.jinja_env.filters["minutes"] = lambda n: minutes_text(int(n))

    @app.template_filter("local_time")
    def local_time(moment):
        """`{{ req.received_at|local_time }}` → '12 марта 2026, 14:30' (the school's zone)."""
        return local_datetime(profile, moment)


# Only the site's own files, no inline script or style, no plugins; framed by our own site only
# (the form page embeds the form).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
PRIVATE_AREAS = ("desk", "staff", "auth", "oversight", "privacy", "problems")  # pages with personal data


def register_security_headers(app: Flask) -> None:
    prefix = app.config["APP_PREFIX"] + "/"
    production = app.config["APP_ENV"] == "production" and not app.testing

    @app.after_request
    def security_headers(response):
        if request.path.startswith(prefix):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if request.blueprint in PRIVATE_AREAS or request.method == "POST":
                # Registers, requests, the roster, files, a form sent back with what was typed:
                # no copy in the browser's or a proxy's cache.
                response.headers["Cache-Control"] = "no-store"
        if production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
