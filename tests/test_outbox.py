"""The outbox delivers through a real SMTP server: once, with a stable Message-ID, retrying."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.support.smtp import SmtpCatcher
from tests.support.submissions import (
    SERVICE_MAILBOX,
    first_number,
    free_port,
    request_data,
)
from tests.support.worker import running_worker, wait_for
from webapp.mail.tokens import untokened
from webapp.extensions import db
from webapp.mail.outbox import claim_due, deliver_due
from webapp.mail.queue import enqueue
from webapp.models import OutboxMessage
from webapp.requests.service import submit_request
from webapp.web.current import current_register


def queue(app, count: int = 1, **fields) -> list[str]:
    """Queue `count` messages; their Message-IDs."""
    values = {"kind": "test", "recipient": "teacher@example.ru", "sender_domain": "school.example.ru",
              "subject": "Проверка",
              "body_text": "Текст", "body_html": "<p>Текст</p>"}  # fmt: skip
    values.update(fields)
    with app.app_context():
        rows = [enqueue(**values) for _ in range(count)]
        db.session.commit()
        ids = [row.message_id for row in rows]
        db.session.remove()
    return ids


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


def test_queued_mail_is_delivered_once_under_its_own_message_id(app, smtp):
    ids = queue(app, 3)
    report = deliver_due(app)
    assert (report.sent, report.retried, report.failed) == (3, 0, 0)
    assert sorted(m["Message-ID"].strip() for _, m in smtp.messages) == sorted(ids)
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at for r in rows(app))

    assert deliver_due(app).sent == 0
    assert len(smtp.messages) == 3


def test_the_acknowledgement_is_russian_plain_text_and_html_with_the_number(app, smtp):
    with app.app_context():
        req = submit_request(current_register(), request_data(contact_email="mama@example.ru"))
        db.session.commit()
        token = req.status_token
    deliver_due(app)
    [message] = smtp.to("mama@example.ru")
    assert message["Subject"] == f"[№ {first_number()}] Ваше обращение принято"
    assert untokened(message["Reply-To"]) == SERVICE_MAILBOX
    assert SERVICE_MAILBOX in message["From"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (plain, html):
        assert first_number() in body and "Техническая проблема" in body
        assert f"http://127.0.0.1:5000/app/status/{token}" in body
    assert "Ответ придёт не позднее" in plain


def test_the_status_link_uses_the_configured_public_address(make_app, smtp):
    app = make_app(PUBLIC_BASE_URL="https://help.school7.example.ru/")
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        token = req.status_token
    deliver_due(app)
    [message] = smtp.to("anna.smirnova@example.ru")
    assert f"https://help.school7.example.ru/app/status/{token}" in message.get_body(("plain",)).get_content()


def test_a_new_requests_mail_is_written_once_by_the_worker_and_a_retry_sends_the_same_words(make_app):
    port = free_port()
    app = make_app(MAIL_PORT=port)  # the first attempt finds no server
    with app.app_context():
        submit_request(current_register(), request_data(contact_email=None))
        db.session.commit()
    assert all(r.subject is None and r.body_text is None for r in rows(app))  # queued unwritten

    assert deliver_due(app).retried == 3
    written = {r.recipient: (r.body_text, r.body_html) for r in rows(app)}
    assert all(text and html for text, html in written.values())  # stored with the failed try
    assert all(r.subject.startswith(f"[№ {first_number()}] ") for r in rows(app))
    assert "Лебедев Павел Сергеевич" in written["lebedev@school7-zarechny.example.ru"][0]

    with SmtpCatcher(port=port) as catcher:
        assert deliver_due(app, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).sent == 3
    assert len(catcher.messages) == 3
    for rcpts, message in catcher.messages:
        text, html = written[rcpts[0]]
        assert message.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == text.strip()
        assert message.get_body(("html",)).get_content().replace("\r\n", "\n").strip() == html.strip()


def test_a_message_that_cannot_be_written_is_a_failed_attempt_and_the_rest_still_go(make_app, smtp):
    app = make_app(MAIL_PORT=smtp.port, OUTBOX_MAX_ATTEMPTS=2)
    with app.app_context():
        req = submit_request(current_register(), request_data(contact_email=None))
        db.session.flush()
        enqueue(kind="no_such_kind", recipient="teacher@example.ru", sender_domain="school.example.ru", subject=None,
                body_text=None, body_html=None, request=req)  # fmt: skip
        db.session.commit()

    first = deliver_due(app)
    assert (first.sent, first.retried) == (3, 1)
    [stuck] = [r for r in rows(app) if r.kind == "no_such_kind"]
    assert (stuck.status, stuck.attempts, stuck.body_text) == ("pending", 1, None)
    assert "письмо не удалось составить" in stuck.last_error

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert deliver_due(app, now=later).failed == 1
    listing = app.test_cli_runner().invoke(args=["outbox", "failed"])
    # Never dropped: listed for a person to see, with the request it belongs to.
    assert f"письмо не составлено; обращение № {first_number()}" in listing.output
    assert len(smtp.messages) == 3


def test_user_text_is_escaped_in_html_and_cannot_add_a_header(app, smtp):
    description = 'Оценка <5 & "двойка"\nBcc: stranger@example.com\n\nКонец'
    with app.app_context():
        submit_request(current_register(), request_data(description=description, contact_email=None))
        db.session.commit()
    queue(app, subject="Тема\r\nBcc: stranger@example.com", recipient="teacher@example.ru")
    deliver_due(app)
    assert smtp.to("stranger@example.com") == []
    for rcpts, message in smtp.messages:
        assert message["Bcc"] is None and "\n" not in message["Subject"]
        assert "stranger@example.com" not in rcpts
    [specialist] = smtp.to("lebedev@school7-zarechny.example.ru")
    html = specialist.get_body(("html",)).get_content()
    assert "Оценка &lt;5 &amp; &#34;двойка&#34;" in html and "<5" not in html
    assert description in specialist.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_recipient_with_a_line_break_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        enqueue(kind="test", recipient="a@example.ru\nBcc: b@example.ru", sender_domain="school.example.ru", subject="x",
                body_text="x", body_html="x")  # fmt: skip


def test_failures_wait_longer_each_time_then_the_message_is_failed_and_listed(make_app):
    app = make_app(MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=3)  # nobody listens there
    queue(app, subject="[№ 2026-00007] Проверка")
    start = dt.datetime.now(dt.timezone.utc)

    assert deliver_due(app, now=start).retried == 1
    [row] = rows(app)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, start + dt.timedelta(seconds=60))
    assert deliver_due(app, now=start + dt.timedelta(seconds=59)).retried == 0  # not due yet

    second = start + dt.timedelta(seconds=61)
    deliver_due(app, now=second)
    [row] = rows(app)
    assert (row.attempts, row.next_attempt_at) == (2, second + dt.timedelta(seconds=120))

    report = deliver_due(app, now=second + dt.timedelta(seconds=121))
    [row] = rows(app)
    assert (report.failed, row.status, row.attempts) == (1, "failed", 3)
    assert "не принимает подключения" in row.last_error

    listing = app.test_cli_runner().invoke(args=["outbox", "failed"])
    assert listing.exit_code == 0
    assert f"#{row.id}" in listing.output and "[№ 2026-00007] Проверка" in listing.output
    retry = app.test_cli_runner().invoke(args=["outbox", "retry", "--all"])
    assert "Возвращено в очередь писем: 1" in retry.output
    [row] = rows(app)
    assert (row.status, row.attempts) == ("pending", 0)


def test_messages_claimed_by_a_worker_that_died_are_sent_after_its_lease(app, smtp):
    ids = queue(app, 2)
    with app.app_context():
        assert len(claim_due(10)) == 2  # this worker never sends them
        db.session.remove()
    assert deliver_due(app).sent == 0
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    assert deliver_due(app, now=later).sent == 2
    assert sorted(m["Message-ID"].strip() for _, m in smtp.messages) == sorted(ids)


def test_outbox_send_delivers_what_is_due_and_exits(runner, app, smtp):
    queue(app, 2)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Отправлено: 2" in result.output
    assert len(smtp.messages) == 2


def test_outbox_send_exits_non_zero_when_the_mail_server_is_unreachable(make_app):
    app = make_app(MAIL_PORT=free_port())
    queue(app)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "отложено до следующей попытки: 1" in result.output


@pytest.mark.slow
def test_outbox_work_keeps_delivering_until_stopped(app, smtp, database_url):
    with running_worker(database_url, smtp.port, "--interval", "0.2") as worker:
        for expected in (1, 2):
            queue(app)
            assert wait_for(lambda: len(smtp.messages) >= expected)
            assert len(smtp.messages) == expected
    assert worker.returncode == 0, worker.output
    assert "Отправка писем остановлена." in worker.output
