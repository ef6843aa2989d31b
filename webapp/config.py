"""Configuration defaults. Each key can be overridden by the environment (see README)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The key committed for the demo; production refuses to start with it.
DEMO_SECRET_KEY = "demo-secret-key-change-me"


class ConfigError(RuntimeError):
    """A setting that makes the app unsafe or unable to run; the message is for the operator."""


class DefaultConfig:
    SECRET_KEY = DEMO_SECRET_KEY
    # None means "SQLite in the instance folder"; resolved in create_app.
    DATABASE_URL: str | None = None
    SCHOOL_PROFILE: str | None = None
    # The built help site (mkdocs build) that the app serves at "/".
    SITE_DIR = str(ROOT / "build" / "site")
    # How long browsers may keep the site's pages and unhashed files (seconds); Material's
    # fingerprinted assets are kept for a year whatever this says.
    SITE_MAX_AGE = 600
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
    # The school's server delivers to addresses with non-Latin letters before the @ (SMTPUTF8,
    # RFC 6531): only then does the form take such an address.
    MAIL_SMTPUTF8 = False

    # The support mailbox that `mailbox fetch` reads (answers sent from staff's mail clients).
    IMAP_HOST: str | None = None  # e.g. imap.mail.ru or imap.yandex.ru; unset: fetching is off
    IMAP_PORT = 993
    IMAP_USE_SSL = True  # True: TLS from the start (993); False: STARTTLS on 143, still verified
    IMAP_USERNAME: str | None = None
    IMAP_PASSWORD: str | None = None  # an app password for mail.ru / Yandex
    IMAP_FOLDER = "INBOX"
    IMAP_PROCESSED_FOLDER: str | None = None  # move processed answers there; unset: flag only
    IMAP_CA_FILE: str | None = None  # extra trusted CA bundle for a school's own IMAP server
    IMAP_TIMEOUT = 30  # seconds for every IMAP operation
    IMAP_SINCE_DAYS = 14  # look at messages received in the last N days
    MAILBOX_MAX_BYTES = 2 * 1024 * 1024  # larger messages are left in the mailbox
    MAILBOX_MAX_HEADER_BYTES = 64 * 1024  # larger headers: the letter is set aside unparsed
    MAILBOX_MAX_ENCODED_WORDS = 300  # more "=?…?=" in the headers: set aside unparsed
    MAILBOX_LOOP_LIMIT = 20  # more letters an hour from one sender: set aside (a mail loop)
    # The authserv-id of the school's receiving server (its Authentication-Results), whose DMARC
    # pass proves a staff letter without the reply token; unset: no such header is believed.
    MAILBOX_TRUSTED_AUTHSERV_ID: str | None = None

    # Links in e-mails (the private status page) are built from this address. In production it
    # must be https (the session cookie is Secure), unless ALLOW_PLAIN_HTTP says otherwise.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # A closed network without TLS: production runs on plain http with Secure cookies and HSTS
    # off, and says so in the log at every start. Anyone on that network can read the cookies.
    ALLOW_PLAIN_HTTP = False
    # GET /app/health answers 503 when the oldest due e-mail has waited longer than this, when
    # no outbox worker reported for this long, or (with IMAP_HOST) no mailbox fetch did (seconds).
    HEALTH_OUTBOX_DELAY_SECONDS = 900
    HEALTH_WORKER_SILENCE_SECONDS = 300
    HEALTH_MAILBOX_SILENCE_SECONDS = 1800
    # Attachments of requests; outside every served folder.
    UPLOAD_DIR = str(ROOT / "instance" / "uploads")
    # `flask --app wsgi data backup` writes here unless given a folder, and keeps the newest N.
    BACKUP_DIR = str(ROOT / "instance" / "backups")
    BACKUP_KEEP = 14
    # Outbox delivery: batch size, retries with growing delays, then "failed".
    OUTBOX_BATCH = 20
    OUTBOX_MAX_ATTEMPTS = 10
    OUTBOX_RETRY_SECONDS = 60  # first delay; doubles with every failed attempt
    OUTBOX_RETRY_MAX_SECONDS = 3600
    OUTBOX_POLL_SECONDS = 5  # how often `outbox work` looks for due mail
    # How long a worker holds the messages it took; those of a worker that died are sent by
    # another after this. 0: long enough for a whole batch to time out (60 + 4 × MAIL_TIMEOUT ×
    # OUTBOX_BATCH seconds).
    OUTBOX_LEASE_SECONDS = 0
    # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-For to trust.
    PROXY_COUNT = 0

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # redis://127.0.0.1:6379 when several processes serve
    # Redis away: each process counts in its own memory until it is back (a warning is logged),
    # so the form and sign-in keep working.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Per-address limit on sending the form (Flask-Limiter syntax).
    FORM_RATE_LIMIT = "10 per minute;100 per hour"
    RATELIMIT_HEADERS_ENABLED = True
    # Staff sign-in: attempts per address (Flask-Limiter syntax), then the account's own lockout.
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # A one-time password (staff page, `staff init`) that nobody used is refused after this long.
    ONE_TIME_PASSWORD_HOURS = 72
    DESK_PAGE_SIZE = 50
    # How long a write waits for SQLite's lock (another writer, a backup) before the person is
    # asked to send again, with what they typed kept.
    SQLITE_BUSY_SECONDS = 30
    # The argon2id cost of staff passwords: argon2-cffi's defaults (RFC 9106, low-memory
    # profile): 3 passes over 64 MiB in 4 lanes. Tests set the cheapest values; a hash stored at
    # another cost still verifies and is redone at the person's next sign-in.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 64 * 1024
    PASSWORD_HASH_PARALLELISM = 4
    WTF_CSRF_TIME_LIMIT = None  # a family may keep the form open for a long time
    # Over HTTPS Flask-WTF would also demand a same-site Referer, which privacy settings and
    # extensions leave out: the form could never be sent. The token protects the form; an Origin
    # header, when the browser sends one, must be ours (webapp/web/guards.py, refuse_foreign_origin).
    WTF_CSRF_SSL_STRICT = False

    # The app's log (stderr): DEBUG, INFO, WARNING or ERROR. INFO records each request's number,
    # type and route and each staff action, never a person's name, contacts or text.
    LOG_LEVEL = "INFO"

    # The largest body read. Well above three 5 MB files, so that three big phone photos still
    # arrive and the form comes back with what was typed and a message at the files (nginx's
    # client_max_body_size in the README is the same).
    MAX_CONTENT_LENGTH = 48 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
