"""Faults the app survives: Redis gone, PostgreSQL restarted, SQLite locked, the upload disk
full, a worker killed mid-upload. Requests are still taken, or the form comes back with what was
typed and a Russian message; no file is left without its row; no log line holds personal data.

Every server broken here is one the test started itself.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.private_servers import private_postgres, private_redis, small_filesystem
from tests.support.staff import PASSWORD, ensure_account, login
from tests.support.submissions import STUDENT, field_error, form_data, png_bytes, request_data
from webapp import create_app
from webapp.extensions import db
from webapp.models import Attachment, SupportRequest
from webapp.requests.attachments import inspect_upload, store
from webapp.requests.service import submit_request
from webapp.web.current import current_register

ROOT = Path(__file__).resolve().parent.parent
PERSONAL = [
    STUDENT["author_name"], "Смирнова", STUDENT["contact_email"], "anna.smirnova",
    STUDENT["contact_phone"], "345-67-89", "9123456789", STUDENT["description"], "не включается камера",
]  # fmt: skip


def settings(tmp_path: Path, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'faults.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_PORT": 9,  # nothing is delivered from here
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8,
        "PASSWORD_HASH_PARALLELISM": 1,
        **overrides,
    }


def fresh_app(tmp_path: Path, **overrides):
    app = create_app(settings(tmp_path, **overrides))
    with app.app_context():
        db.create_all()
    return app


def with_file(data: dict, payload: bytes | None = None) -> dict:
    return {**data, "attachments": [(io.BytesIO(payload or png_bytes()), "screen.png")]}


def rows(app) -> tuple[int, int, list[str]]:
    with app.app_context():
        found = (
            db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)),
            list(db.session.scalars(sa.select(SupportRequest.status_token))),
        )
        db.session.remove()
        return found


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def log_scan(caplog, capfd):
    """After the test: nothing personal in any log line the app wrote (records and stderr)."""
    caplog.set_level(logging.INFO)
    extra: list[str] = []  # tokens and subprocess output the test adds
    yield extra
    written = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    out, err = capfd.readouterr()
    everything = "\n".join([written, out, err, *extra[1:]])
    for secret in PERSONAL + (extra[0] if extra else []):
        assert secret not in everything, f"personal data in the log: {secret!r}"


def test_redis_gone_the_form_and_sign_in_still_work(tmp_path, log_scan, caplog):
    with private_redis() as (url, kill_redis):
        app = fresh_app(
            tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url,
            FORM_RATE_LIMIT="50 per minute", LOGIN_RATE_LIMIT="50 per minute",
        )  # fmt: skip
        ensure_account(app, "lebedev")
        client = app.test_client()
        # Three different requests: the same filled form sent again would stay one.
        assert client.post("/app/form", data=form_data(description="Первое")).status_code == 303
        kill_redis()
        assert client.post("/app/form", data=form_data(description="Второе")).status_code == 303
        signed_in = client.post("/app/staff/login", data={"login": "lebedev", "password": PASSWORD})
        assert signed_in.status_code == 302
        assert client.post("/app/form", data=form_data(description="Третье")).status_code == 303
    assert rows(app)[0] == 3
    assert "falling back to in-memory storage" in caplog.text
    log_scan.append(rows(app)[2])


def test_a_restarted_postgresql_costs_no_submission(tmp_path, log_scan):
    with private_postgres() as (url, restart):
        app = fresh_app(tmp_path, DATABASE_URL=url)
        client = app.test_client()
        assert client.post("/app/form", data=form_data()).status_code == 303  # a pooled connection
        restart()
        assert client.post("/app/form", data=form_data(description="Второе")).status_code == 303
        ensure_account(app, "lebedev")
        restart()
        login(client, "lebedev", create=False)
        assert client.get("/app/desk/").status_code == 200
        assert rows(app)[0] == 2
        log_scan.append(rows(app)[2])
        with app.app_context():
            db.engine.dispose()


def test_a_locked_sqlite_keeps_the_form_and_leaves_no_file(tmp_path, log_scan):
    app = fresh_app(tmp_path, SQLITE_BUSY_SECONDS=0.3)
    uploads = tmp_path / "uploads"
    client, head = app.test_client(), app.test_client()
    login(head, "orlova")
    holder = sqlite3.connect(tmp_path / "faults.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup or a stuck writer holds the write lock
    try:
        busy = client.post("/app/form", data=with_file(form_data()))
        assert busy.status_code == 503
        page = busy.get_data(as_text=True)
        assert "обращение не сохранено" in page
        assert STUDENT["author_name"] in page and STUDENT["description"] in page  # kept
        assert files_in(uploads) == []
        hotline = head.post("/app/desk/hotline", data={"author_name": "Кузьмина Ольга", "channel": "phone"})
        assert hotline.status_code in (400, 503)
        note = head.post("/app/desk/r/1/note", data={"note-text": "x"})
        assert note.status_code in (404, 503)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert rows(app)[:2] == (0, 0)
    assert client.post("/app/form", data=with_file(form_data())).status_code == 303
    assert len(files_in(uploads)) == 1 and not files_in(uploads)[0].endswith(".part")
    log_scan.append(rows(app)[2])


def test_a_full_upload_disk_is_a_field_error_and_leaves_nothing(tmp_path, log_scan):
    with small_filesystem(tmp_path / "uploads", 256) as uploads:
        app = fresh_app(tmp_path)
        (uploads / "filler").write_bytes(b"\0" * (256 - 24) * 1024)
        client = app.test_client()
        big = png_bytes() + os.urandom(60 * 1024)  # a PNG by its header, too big for what is left
        response = client.post("/app/form", data=with_file(form_data(), big))
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "закончилось место" in field_error(page, "attachments")
        assert STUDENT["description"] in page
        assert files_in(uploads) == ["filler"]
        assert rows(app)[:2] == (0, 0)
        (uploads / "filler").unlink()
        assert client.post("/app/form", data=with_file(form_data(), big)).status_code == 303
        log_scan.append(rows(app)[2])


KILLED_SUBMISSION = textwrap.dedent(
    """
    import io, os, signal, sys
    sys.path.insert(0, {root!r})
    from tests.support.submissions import form_data, png_bytes
    from webapp import create_app
    from webapp.requests import service

    def die(*args, **kwargs):  # the worker is killed after the files, before the commit
        os.kill(os.getpid(), signal.SIGKILL)

    service.next_number = die
    app = create_app({settings!r})
    data = {{**form_data(description="Второе"),
             "attachments": [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes()), "b.png")]}}
    app.test_client().post("/app/form", data=data)
    """
)


def test_a_worker_killed_during_an_upload_leaves_only_what_the_cleanup_removes(tmp_path, log_scan):
    app = fresh_app(tmp_path)
    uploads = tmp_path / "uploads"
    assert app.test_client().post("/app/form", data=with_file(form_data())).status_code == 303
    [kept] = files_in(uploads)
    script = KILLED_SUBMISSION.format(root=str(ROOT), settings=settings(tmp_path))
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    left = [name for name in files_in(uploads) if name != kept]
    assert len(left) == 2 and all(name.endswith(".part") for name in left)
    assert rows(app)[:2] == (1, 1)

    runner = app.test_cli_runner()
    assert "Удалено файлов без обращения: 0." in runner.invoke(args=["uploads", "clean"]).output
    day_old = time.time() - 25 * 3600
    (uploads / "0123456789abcdef0123456789abcdef.png").write_bytes(png_bytes())  # no row refers to it
    for name in files_in(uploads):
        os.utime(uploads / name, (day_old, day_old))
    (uploads / "fresh.png.part").write_bytes(png_bytes())  # a submission still running
    result = runner.invoke(args=["uploads", "clean"])
    assert "Удалено файлов без обращения: 3." in result.output
    assert files_in(uploads) == sorted([kept, "fresh.png.part"])
    log_scan.extend([rows(app)[2], killed.stdout + killed.stderr])


def test_database_errors_never_carry_the_values_into_a_log(tmp_path, caplog):
    app = fresh_app(tmp_path)
    with app.app_context():
        with pytest.raises(sa.exc.StatementError) as raised:
            db.session.execute(
                sa.text("INSERT INTO no_such_table (name, phone) VALUES (:name, :phone)"),
                {"name": STUDENT["author_name"], "phone": STUDENT["contact_phone"]},
            )
        db.session.rollback()
    message = str(raised.value)
    assert "INSERT INTO no_such_table" in message
    assert STUDENT["author_name"] not in message and STUDENT["contact_phone"] not in message
    assert "hidden" in message


def test_a_database_failure_anywhere_is_a_russian_503_page(tmp_path, log_scan, monkeypatch):
    app = fresh_app(tmp_path)
    client = app.test_client()
    login(client, "orlova")

    def away(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("webapp.desk.views.register_query", away)
    response = client.get("/app/desk/")
    assert response.status_code == 503
    assert "Сервер занят" in response.get_data(as_text=True)


def test_attachments_get_their_names_only_after_the_commit(tmp_path):
    app = fresh_app(tmp_path)
    with app.app_context():
        req = submit_request(
            current_register(), request_data(), attachments=[inspect_upload("a.png", png_bytes())]
        )
        [name] = files_in(tmp_path / "uploads")
        assert name.endswith(".part")
        db.session.commit()
        assert files_in(tmp_path / "uploads") == [req.attachments[0].stored_name]
        other = submit_request(current_register(), request_data())
        store(str(tmp_path / "uploads"), other, [inspect_upload("b.png", png_bytes())])
        db.session.rollback()
        assert files_in(tmp_path / "uploads") == [req.attachments[0].stored_name]
