"""Production as a school runs it (issue 15), every part real and on loopback: Debian's nginx with
deploy/nginx/helpdesk.conf over TLS (a self-signed certificate made here) in front of two gunicorn
app servers and two `outbox work` workers sharing one PostgreSQL (a cluster of this test, so it
can be restarted), rate limits in a Redis of this test, mail to an SMTP server (aiosmtpd).

The tests run in this order on one set-up and each injects its fault for real: 200 concurrent
submissions, a worker killed with SIGKILL in the middle of a batch, PostgreSQL restarted while
serving, one app server stopped. After each, every queued letter has reached the SMTP server
exactly once (counted by Message-ID). Everything started here is stopped at the end, whatever
happened.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email
import email.policy
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.support.nginx import deploy_config, running_nginx
from tests.support.private_servers import private_postgres, private_redis, wait_for_port
from tests.support.processes import Process
from tests.support.submissions import form_data, free_port
from tests.support.tls import self_signed_certificate
from tests.support.worker import wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 200
LEASE_SECONDS = 15  # a dead worker's messages are taken up again after this


class GatedSmtp:
    """An SMTP server that keeps every message it accepts; once `hold_next()` is called, the next
    message's DATA is held unanswered until `release()`, then refused with 451 and not kept: the
    client is gone by then (killed while its message was still on the way)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        self.armed = False
        self.holding = threading.Event()
        self.held_peer: tuple | None = None
        self.held_id: str | None = None
        self._release = threading.Event()
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.port = self._controller.port

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            hold, self.armed = self.armed, False
        if hold:
            self.held_peer, self.held_id = session.peer, message["Message-ID"]
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 60)
            return "451 4.3.0 the sender went away before the message was taken"
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def hold_next(self) -> None:
        with self.lock:
            self.armed = True

    def release(self) -> None:
        self._release.set()

    def message_ids(self) -> collections.Counter:
        with self.lock:
            return collections.Counter(m["Message-ID"] for m in self.messages)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self._controller.stop()


class Stack:
    def __init__(self, folder: Path, env: dict, engine: sa.Engine, smtp: GatedSmtp, base: str, cert: Path):
        self.folder, self.env, self.engine, self.smtp, self.base, self.cert = folder, env, engine, smtp, base, cert
        self.app_servers: list[Process] = []
        self.workers: list[Process] = []
        self.restart_postgres = None
        self.http_base = ""

    def start_worker(self, name: str) -> Process:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", "--interval", "0.2",
                   "--sla-every", "0"]  # fmt: skip
        worker = Process(command, self.env, self.folder / f"{name}.log")
        self.workers.append(worker)
        return worker

    def start_app_server(self, name: str) -> tuple[Process, int]:
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                   "--graceful-timeout", "10", "wsgi:app"]  # fmt: skip
        server = Process(command, self.env, self.folder / f"{name}.log")
        self.app_servers.append(server)
        wait_for_port(port, timeout=60)
        return server, port

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would beat `verify`
        session.verify = str(self.cert)
        return session

    def open_form(self) -> tuple[requests.Session, dict]:
        session = self.session()
        page = session.get(f"{self.base}/app/form", timeout=60)
        page.raise_for_status()
        hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page.text))
        assert set(hidden) == {"csrf_token", "submission_key"}, page.text[:500]
        return session, hidden

    def submit(self, session, hidden, n: int) -> requests.Response:
        # As a browser sends it: with the Origin of the page it came from.
        return session.post(f"{self.base}/app/form", data=form_data(author_name=f"Ученик Номер {n}", **hidden),
                            headers={"Origin": self.base}, allow_redirects=False, timeout=120)  # fmt: skip

    def outbox(self) -> dict[str, str]:
        """Message-ID → status of every queued letter."""
        with self.engine.connect() as connection:
            return dict(connection.execute(sa.text("SELECT message_id, status FROM outbox_message")).all())

    def requests_count(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM support_request"))

    def assert_every_letter_delivered_exactly_once(self, seconds: float = 120) -> dict[str, str]:
        assert wait_for(lambda: set(self.outbox().values()) == {"sent"}, seconds), collections.Counter(
            self.outbox().values()
        )
        outbox = self.outbox()
        delivered = self.smtp.message_ids()
        assert set(delivered) == set(outbox)  # nothing lost, nothing foreign
        assert [mid for mid, times in delivered.items() if times > 1] == []  # nothing sent twice
        return outbox


def registered_lines(server: Process) -> int:
    return server.text().count(" registered: type=")


@pytest.fixture(scope="module")
def stack(tmp_path_factory, built_site):
    folder = tmp_path_factory.mktemp("production")
    site = folder / "site"
    shutil.copytree(built_site("demo").root, site)
    subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", str(site)], check=True)
    cert, key = self_signed_certificate(folder)
    https_port, http_port = free_port(), free_port()
    with contextlib.ExitStack() as stop, GatedSmtp() as smtp:
        database_url, restart_postgres = stop.enter_context(private_postgres())
        redis_url, _ = stop.enter_context(private_redis())
        env = {k: v for k, v in os.environ.items() if k not in ("SCHOOL_PROFILE", "CI")}
        env.update({
            "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": f"https://127.0.0.1:{https_port}", "PROXY_COUNT": "1",
            "RATELIMIT_STORAGE_URI": redis_url, "FORM_RATE_LIMIT": "1000 per minute",
            "LOGIN_RATE_LIMIT": "5 per minute", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
            "MAIL_TIMEOUT": "30", "OUTBOX_BATCH": "5", "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "OUTBOX_RETRY_SECONDS": "1", "UPLOAD_DIR": str(folder / "uploads"), "SITE_DIR": str(site),
            "PASSWORD_HASH_TIME_COST": "1", "PASSWORD_HASH_MEMORY_KIB": "8", "PASSWORD_HASH_PARALLELISM": "1",
        })  # fmt: skip
        upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                                 env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert upgrade.returncode == 0, upgrade.stderr
        engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"), pool_pre_ping=True)
        stop.callback(engine.dispose)
        stack = Stack(folder, env, engine, smtp, f"https://127.0.0.1:{https_port}", cert)
        stack.restart_postgres = restart_postgres
        stack.http_base = f"http://127.0.0.1:{http_port}"
        stop.callback(lambda: [p.stop(signal.SIGKILL) for p in stack.workers + stack.app_servers])
        ports = [stack.start_app_server(name)[1] for name in ("app-a", "app-b")]
        for name in ("worker-a", "worker-b"):
            stack.start_worker(name)
        config = deploy_config(https_port=https_port, http_port=http_port, site=site,
                               app_servers=[f"127.0.0.1:{port}" for port in ports], certificate=(cert, key))  # fmt: skip
        stop.enter_context(running_nginx(folder / "nginx", config, https_port))
        yield stack


def test_the_site_and_the_form_come_through_nginx_over_tls(stack):
    session = stack.session()
    home = session.get(stack.base + "/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert home.status_code == 200 and home.headers["Content-Encoding"] == "gzip"  # the .gz copy
    assert "Поддержка обучения в дистанционный период" in home.text
    assert home.headers["Cache-Control"] == "max-age=600"
    bundle = re.search(r'src="([^"]*bundle\.[0-9a-f]{8,}\.min\.js)"', home.text).group(1)
    asset = session.get(f"{stack.base}/{bundle.lstrip('./')}", timeout=30)
    assert asset.status_code == 200 and asset.headers["Cache-Control"] == "max-age=31536000"
    assert "Content-Security-Policy" in asset.headers  # the site's headers reach the assets too
    form_page = session.get(stack.base + "/obrashchenie/", timeout=30)
    assert form_page.status_code == 200 and "/app/form" in form_page.text
    form = session.get(stack.base + "/app/form", timeout=30)
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert "Secure" in form.headers["Set-Cookie"]
    assert form.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = requests.get(stack.http_base + "/app/form", allow_redirects=False, timeout=30)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    health = session.get(stack.base + "/app/health", timeout=30)
    assert health.status_code == 200, health.text
    assert health.json()["checks"]["worker"]["ok"] is True


def test_200_concurrent_submissions_over_both_servers_get_200_numbers_and_each_letter_once(stack):
    with ThreadPoolExecutor(max_workers=20) as pool:
        visitors = list(pool.map(lambda _: stack.open_form(), range(CLIENTS)))
    start = threading.Barrier(CLIENTS, timeout=120)

    def submit(n: int) -> requests.Response:
        session, hidden = visitors[n]
        start.wait()
        return stack.submit(session, hidden, n)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(submit, range(CLIENTS)))
    assert collections.Counter(r.status_code for r in responses) == {303: CLIENTS}
    with stack.engine.connect() as connection:
        numbers = connection.scalars(sa.text("SELECT number FROM support_request")).all()
    assert len(numbers) == len(set(numbers)) == CLIENTS
    per_server = [registered_lines(server) for server in stack.app_servers]
    assert sum(per_server) == CLIENTS and min(per_server) > 0, per_server  # both servers took some
    outbox = stack.assert_every_letter_delivered_exactly_once()
    assert len(outbox) == CLIENTS * 4
    per_worker = [worker.text() for worker in stack.workers]
    assert all("Отправлено:" in text for text in per_worker), "both workers sent mail"


def pid_holding_peer(pids: list[int], peer: tuple) -> int:
    """Which of `pids` owns the TCP connection whose local end is `peer` (from /proc)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == peer[1]:
            inode = fields[9]
    assert inode, f"no socket for {peer}"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
    raise AssertionError(f"no worker holds {peer}")


def test_a_worker_killed_mid_batch_and_restarted_loses_nothing_and_sends_nothing_twice(stack):
    stack.smtp.hold_next()
    for n in range(3):  # 12 letters: more than one batch of 5
        session, hidden = stack.open_form()
        assert stack.submit(session, hidden, 1000 + n).status_code == 303
    assert stack.smtp.holding.wait(60), "no worker started sending"
    victim = next(w for w in stack.workers if w.popen.pid == pid_holding_peer(
        [w.popen.pid for w in stack.workers], stack.smtp.held_peer))  # fmt: skip
    victim.stop(signal.SIGKILL)  # in the middle of its batch: one letter on the way
    assert victim.popen.returncode == -signal.SIGKILL
    assert stack.outbox()[stack.smtp.held_id] == "sending"  # taken by the dead worker
    stack.smtp.release()
    stack.start_worker("worker-restarted")
    stack.assert_every_letter_delivered_exactly_once(seconds=LEASE_SECONDS + 90)
    assert stack.smtp.message_ids()[stack.smtp.held_id] == 1


def test_postgresql_restarted_while_serving_costs_no_request(stack):
    before = stack.requests_count()
    sessions = [stack.open_form() for _ in range(4)]
    stack.restart_postgres()  # every pooled connection of the four app processes is now dead
    answers = [stack.session().get(stack.base + "/app/health", timeout=30) for _ in range(8)]
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
    responses = [stack.submit(session, hidden, 2000 + n) for n, (session, hidden) in enumerate(sessions)]
    assert [r.status_code for r in responses] == [303] * 4
    assert stack.requests_count() == before + 4
    stack.assert_every_letter_delivered_exactly_once()  # the workers came back on their own


def test_rate_limits_are_shared_through_redis_and_a_forged_address_changes_nothing(stack):
    session = stack.session()
    page = session.get(stack.base + "/app/staff/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    statuses = []
    for n in range(6):  # LOGIN_RATE_LIMIT is 5 per minute; nginx alternates the two servers
        answer = session.post(stack.base + "/app/staff/login", timeout=30, allow_redirects=False,
                              data={"csrf_token": token, "login": "nobody", "password": "wrong-password"},
                              headers={"Origin": stack.base, "X-Forwarded-For": f"10.9.8.{n}"})  # fmt: skip
        statuses.append(answer.status_code)
    assert 429 not in statuses[:5] and statuses[5] == 429, statuses


def test_one_app_server_stopped_nginx_serves_through_the_other(stack):
    stopped, remaining = stack.app_servers
    stopped.stop()  # SIGTERM: gunicorn finishes its requests and exits
    before = registered_lines(remaining)
    pages = [stack.session().get(stack.base + "/app/form", timeout=30) for _ in range(10)]
    assert [p.status_code for p in pages] == [200] * 10
    session, hidden = stack.open_form()
    assert stack.submit(session, hidden, 3000).status_code == 303
    assert registered_lines(remaining) == before + 1
    assert stack.session().get(stack.base + "/app/health", timeout=30).status_code == 200
    stack.assert_every_letter_delivered_exactly_once()


def test_with_no_app_server_left_nginx_answers_a_russian_page_with_the_way_back(stack):
    for server in stack.app_servers:
        server.stop()
    session, _ = stack.session(), None
    for method in ("get", "post"):
        answer = getattr(session, method)(stack.base + "/app/form", timeout=30)
        assert answer.status_code == 502
        answer.encoding = "utf-8"
        assert "Сервис временно недоступен" in answer.text and "кнопкой «Назад»" in answer.text
        assert "nginx" not in answer.text
        assert answer.headers["Cache-Control"] == "no-store"
