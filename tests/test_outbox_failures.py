"""Mail that is never lost and never doubled: a server down, a server that hangs, a bad TLS
certificate, two workers at once."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from tests.support.smtp import SmtpCatcher
from tests.support.submissions import SilentServer, form_data, free_port
from tests.support.tls import self_signed_certificate, server_context
from tests.test_outbox import queue, rows
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import OutboxMessage, SupportRequest

pytestmark = pytest.mark.slow


def far_future() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)


def test_mail_server_down_while_50_requests_arrive_then_up_delivers_each_message_once(make_app):
    port = free_port()
    app = make_app(MAIL_PORT=port)  # nothing listens on the port yet
    client = app.test_client()
    for n in range(50):
        response = client.post("/app/form", data=form_data(author_name=f"Ученик Номер {n}"))
        assert response.status_code == 303, response.get_data(as_text=True)

    down = deliver_due(app)
    assert down.sent == 0 and down.server_unreachable
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest)) == 50
        queued = set(db.session.scalars(sa.select(OutboxMessage.message_id)))
    assert len(queued) == 50 * 4  # two specialists, the responsible person, the author

    with SmtpCatcher(port=port) as catcher:
        for _ in range(20):
            if deliver_due(app, now=far_future()).sent == 0:
                break
        assert deliver_due(app, now=far_future()).sent == 0
        received = collections.Counter(m["Message-ID"].strip() for _, m in catcher.messages)
    assert set(received) == queued
    assert set(received.values()) == {1}
    assert {r.status for r in rows(app)} == {"sent"}


def test_a_server_that_never_answers_times_out_and_the_message_waits(make_app):
    with SilentServer() as silent:
        app = make_app(MAIL_PORT=silent.port, MAIL_TIMEOUT=1)
        queue(app)
        started = time.monotonic()
        report = deliver_due(app)
        elapsed = time.monotonic() - started
        assert silent.connections == 1
    assert elapsed < 10
    assert (report.sent, report.retried) == (0, 1)
    [row] = rows(app)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > dt.datetime.now(dt.timezone.utc)
    assert "не ответил вовремя" in row.last_error


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_a_self_signed_tls_server_is_refused_unless_its_certificate_is_trusted(make_app, tmp_path, mode):
    cert, key = self_signed_certificate(tmp_path)
    if mode == "starttls":
        server = SmtpCatcher(tls_context=server_context(cert, key), require_starttls=True)
    else:
        server = SmtpCatcher(ssl_context=server_context(cert, key))
    with server:
        app = make_app(MAIL_PORT=server.port, MAIL_USE_TLS=mode == "starttls",
                       MAIL_USE_SSL=mode == "ssl")  # fmt: skip
        ids = queue(app)
        refused = deliver_due(app)
        assert (refused.sent, refused.retried) == (0, 1)
        assert "сертификат почтового сервера не прошёл проверку" in rows(app)[0].last_error
        assert server.messages == []

        app.config["MAIL_CA_FILE"] = str(cert)  # the school trusts its own mail server's CA
        trusted = deliver_due(app, now=far_future())
        assert trusted.sent == 1
        assert [m["Message-ID"].strip() for _, m in server.messages] == ids


class SlowHandler:
    """Takes 20 ms per message, so that workers really overlap."""

    def __init__(self):
        self.lock = threading.Lock()
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.02)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                with self.lock:
                    self.message_ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


def test_two_workers_running_at_once_never_send_the_same_message(make_app):
    from aiosmtpd.controller import Controller

    handler = SlowHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(MAIL_PORT=controller.port, OUTBOX_BATCH=3)
        ids = queue(app, 60)
        start = threading.Barrier(3, timeout=60)
        sent_by_worker: list[int] = []

        def worker():
            start.wait()
            sent_by_worker.append(deliver_due(app).sent)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        controller.stop()
    assert sorted(handler.message_ids) == sorted(ids)  # each exactly once
    assert sum(sent_by_worker) == 60
    assert sum(1 for n in sent_by_worker if n) >= 2  # they really worked side by side
