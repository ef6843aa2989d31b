"""A specialist's and an author's life with the support mailbox: a private Dovecot (fixtures
`dovecot`, `mailbox`; import them into a test module), a request submitted and its notification
caught by the SMTP server, and the letters mail clients send back."""

from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from tests.support.imap import Dovecot, dovecot_installed, letter
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SupportRequest
from webapp.requests.service import submit_request
from webapp.web.current import current_register

LEBEDEV = "lebedev@school7-zarechny.example.ru"  # technical specialist
KUZNETSOVA = "kuznetsova@school7-zarechny.example.ru"  # e-journal only
AUTHOR = "anna.smirnova@example.ru"
ANSWER = "Здравствуйте! Разрешите камеру в настройках браузера и перезапустите урок."
KEYWORD = "HelpdeskProcessed"
SCHOOL_MX = "mx.school7-zarechny.example.ru"  # the authserv-id of the school's receiving server


@pytest.fixture(scope="module")
def dovecot():
    if not dovecot_installed():  # a school's laptop; CI installs it and fails on a skip
        pytest.skip("dovecot is not installed: apt-get install dovecot-imapd")
    with Dovecot() as server:
        yield server


@pytest.fixture
def mailbox(dovecot):
    return dovecot.new_mailbox()


@pytest.fixture
def app(make_app, dovecot, mailbox):
    return make_app(**dovecot.settings(mailbox), MAILBOX_MAX_BYTES=64 * 1024,
                    MAILBOX_TRUSTED_AUTHSERV_ID=SCHOOL_MX)  # fmt: skip


def vouched(sender: str, server: str | None = None) -> dict:
    """The header the school's receiving server adds when DMARC passed for `sender`'s domain."""
    domain = sender.rpartition("@")[2]
    results = f"{server or SCHOOL_MX}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
    return {"headers": {"Authentication-Results": results}}


def submit(app, smtp, **data) -> tuple[str, EmailMessage]:
    """A request from the form; returns its number and the notification the specialist got."""
    with app.app_context():
        req = submit_request(current_register(), request_data(**data))
        db.session.commit()
        number = req.number
    deliver_due(app)
    [notification] = [m for m in smtp.to(LEBEDEV) if number in m["Subject"]]
    smtp.clear()
    return number, notification


def reply(notification: EmailMessage, text: str = ANSWER, *, sender: str = LEBEDEV, **kw) -> bytes:
    """What a mail client sends when the specialist presses "Reply" and types `text`."""
    original = notification.get_body(("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    attribution = f"Понедельник, 16 марта 2026, 10:00 +05:00 от {notification['From']}:"
    kw.setdefault("subject", f"Re: {notification['Subject']}")
    kw.setdefault("in_reply_to", notification["Message-ID"])
    return letter(sender=sender, to=notification["Reply-To"], text=f"{text}\n\n{attribution}\n{quoted}", **kw)


def state(app, number: str) -> tuple[str, list[tuple[str, str, str]]]:
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        history = [(h.action, h.actor, h.text) for h in req.history]
        return req.status, history


def request_with_letters(app, smtp) -> tuple[str, EmailMessage, EmailMessage]:
    """A new technical request, delivered: its number, Lebedev's notification and the author's
    acknowledgement (the catcher is emptied afterwards)."""
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        number = req.number
    deliver_due(app)
    [notification] = smtp.to(LEBEDEV)
    [ack] = smtp.to(AUTHOR)
    smtp.clear()
    return number, notification, ack
