"""A mail server's refusal names the address; the log and the worker's report never do."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller

from tests.support.submissions import free_port, request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.mail.privacy import without_addresses
from webapp.models import OutboxMessage
from webapp.requests.service import submit_request
from webapp.web.current import current_register

REFUSED = "anna.smirnova@example.ru"


class RefusesOneRecipient:
    """A real SMTP server that takes every letter except those to REFUSED, as servers do:
    «550 5.1.1 <address>: Recipient address rejected»."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return f"550 5.1.1 <{address}>: Recipient address rejected: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def test_a_refused_recipients_address_stays_out_of_the_log_and_the_report(make_app, caplog):
    port = free_port()
    controller = Controller(RefusesOneRecipient(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(MAIL_PORT=port)
        with app.app_context():
            submit_request(current_register(), request_data(contact_email=REFUSED))
            db.session.commit()
        with caplog.at_level(logging.INFO, logger="webapp"):
            report = deliver_due(app)
    finally:
        controller.stop()
    assert (report.sent, report.retried) == (3, 1)  # the others went; the refusal waits to retry
    [line] = [r.getMessage() for r in caplog.records if "attempt 1 failed" in r.getMessage()]
    assert "550" in line and "<адрес>" in line
    assert REFUSED not in caplog.text and not any(REFUSED in error for error in report.errors)
    with app.app_context():  # the person running `outbox failed` still sees what was refused
        [stored] = [m for m in db.session.scalars(db.select(OutboxMessage)) if m.last_error]
        assert REFUSED in stored.last_error


def test_every_spelling_of_an_address_in_an_error_text_is_hidden():
    texts = [
        "550 5.1.1 <anna@example.ru>: Recipient address rejected",
        "RCPT TO:anna.smirnova+school@почта.рф refused",
        "(\"Mama.Ivanova@Mail.RU\", 'other@x.org')",
        "[ivan@school7.example.ru]",
    ]
    for text in texts:
        hidden = without_addresses(text)
        assert "@" not in hidden and "<адрес>" in hidden, hidden
    assert without_addresses("почтовый сервер не ответил вовремя") == "почтовый сервер не ответил вовремя"
