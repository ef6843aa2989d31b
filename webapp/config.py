"""Configuration defaults. Each key can be overridden by the environment (see README)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The key committed for the demo; production refuses to start with it.
DEMO_SECRET_KEY = "demo-secret-key-change-me"


class DefaultConfig:
    SECRET_KEY = DEMO_SECRET_KEY
    # None means "SQLite in the instance folder"; resolved in create_app.
    DATABASE_URL: str | None = None
    SCHOOL_PROFILE: str | None = None
    # The built help site (mkdocs build) that the app serves at "/".
    SITE_DIR = str(ROOT / "build" / "site")
    # Everything the app itself serves lives under this prefix, on the site's origin.
    APP_PREFIX = "/app"

    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None
    MAIL_TIMEOUT = 15  # seconds for every SMTP conversation
    MAIL_CA_FILE: str | None = None  # extra trusted CA bundle for a school's own mail server

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a family may keep the form open for a long time

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
