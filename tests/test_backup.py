"""`flask --app wsgi data backup|restore`: a copy taken while families write restores whole."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import stat
import tarfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.support.live import LiveServer
from tests.support.postgres import temporary_postgres_database
from tests.support.submissions import form_data, png_bytes
from webapp import create_app
from webapp.backups import BackupError, list_archives, restore_archive, write_archive
from webapp.extensions import db
from webapp.models import Attachment, SupportRequest

ARRIVING = 50


def snapshot(app) -> dict[str, tuple[str, str, list[bytes]]]:
    """number -> (author name, description, attachment bytes) as the app's database and folder hold it."""
    folder = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        rows = db.session.scalars(sa.select(SupportRequest)).all()
        result = {
            r.number: (r.author_name, r.description, [(folder / a.stored_name).read_bytes() for a in r.attachments])
            for r in rows
        }
        db.session.remove()
    return result


@contextlib.contextmanager
def empty_database(database_backend, tmp_path):
    """The URL of a database with no tables, of the kind this run tests."""
    if database_backend == "postgresql":
        with temporary_postgres_database("restore") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def empty_app(url, uploads):
    """An app on a database without tables (the caller disposes of its engine)."""
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": url, "UPLOAD_DIR": str(uploads),
        "SCHOOL_PROFILE": None, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
    })


def restored_snapshot(app) -> dict[str, tuple[str, str, list[bytes]]]:
    try:
        return snapshot(app)
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.slow
def test_backup_taken_while_50_submissions_arrive_restores_every_committed_request_and_file(
    make_app, database_backend, tmp_path
):
    app = make_app()
    done_before_backup: set[str] = set()
    finished: set[str] = set()
    lock = threading.Lock()
    backup_started = threading.Event()
    enough_arrived = threading.Event()

    with LiveServer(app) as live:

        def submit(n: int) -> int:
            name = f"Ученик Номер {n}"
            picture = png_bytes(width=n + 1)  # a different file for each request
            response = requests.post(
                f"{live.url}/app/form",
                data=form_data(author_name=name),
                files={"attachments": (f"screen-{n}.png", picture, "image/png")},
                allow_redirects=False,
                timeout=120,
            )
            with lock:
                if response.status_code == 303:
                    finished.add(name)
                    if not backup_started.is_set():
                        done_before_backup.add(name)
                    if len(finished) >= 10:
                        enough_arrived.set()
            return response.status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = pool.map(submit, range(ARRIVING))
            assert enough_arrived.wait(60)
            with lock:
                backup_started.set()
            result = app.test_cli_runner().invoke(args=["data", "backup", str(tmp_path / "copies")])
            statuses = list(statuses)

    assert result.exit_code == 0, result.output
    assert statuses == [303] * ARRIVING
    live_rows = snapshot(app)
    assert len(live_rows) == ARRIVING
    assert 10 <= len(done_before_backup) < ARRIVING  # the copy really was taken mid-stream
    [archive] = list_archives(tmp_path / "copies")

    with empty_database(database_backend, tmp_path) as url:
        restored_app = empty_app(url, tmp_path / "restored-uploads")
        restored = restored_app.test_cli_runner().invoke(args=["data", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        restored_rows = restored_snapshot(restored_app)  # reads every attachment's file: none is missing

    restored_names = {author for author, _, _ in restored_rows.values()}
    assert done_before_backup <= restored_names
    for number, row in restored_rows.items():
        assert row == live_rows[number]  # same person, text and file bytes
        assert len(row[2]) == 1


def test_restore_refuses_a_database_that_already_has_tables_and_changes_nothing(app, runner, tmp_path):
    client = app.test_client()
    client.post("/app/form", data=form_data())
    archive = write_archive(
        _engine(app), app.config["UPLOAD_DIR"], tmp_path / "copies", now=dt.datetime.now(dt.UTC), keep=3
    )
    before = snapshot(app)
    result = runner.invoke(args=["data", "restore", str(archive)])
    assert result.exit_code != 0
    assert "База данных не пуста" in result.output
    assert snapshot(app) == before


def test_restore_refuses_an_upload_folder_with_files(make_app, database_backend, tmp_path):
    source = make_app()
    source.test_client().post("/app/form", data=form_data())
    archive = write_archive(
        _engine(source), source.config["UPLOAD_DIR"], tmp_path / "copies", now=dt.datetime.now(dt.UTC), keep=1
    )
    uploads = tmp_path / "busy-uploads"
    uploads.mkdir()
    (uploads / "someone-else.png").write_bytes(png_bytes())
    with empty_database(database_backend, tmp_path) as url:
        target = empty_app(url, uploads)
        with target.app_context(), pytest.raises(BackupError, match="уже есть файлы"):
            restore_archive(db.engine, uploads, archive)
        with target.app_context():
            assert sa.inspect(db.engine).get_table_names() == []
            db.engine.dispose()
        assert [p.name for p in uploads.iterdir()] == ["someone-else.png"]


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    not_a_backup = tmp_path / "photo.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        tar.add(__file__, arcname="notes.txt")
    result = runner.invoke(args=["data", "restore", str(not_a_backup)])
    assert result.exit_code != 0
    assert "нет понятного manifest.json" in result.output
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"\x00not a tar file" * 10)
    result = runner.invoke(args=["data", "restore", str(garbage)])
    assert result.exit_code != 0
    assert "Не удалось прочитать копию" in result.output or "manifest.json" in result.output


def test_backups_are_private_and_only_the_newest_are_kept(app, tmp_path):
    app.test_client().post("/app/form", data=form_data())
    folder = tmp_path / "copies"
    start = dt.datetime(2026, 11, 1, 23, 0, tzinfo=dt.UTC)
    made = [
        write_archive(_engine(app), app.config["UPLOAD_DIR"], folder, now=start + dt.timedelta(days=d), keep=3)
        for d in range(5)
    ]
    assert [p.name for p in list_archives(folder)] == [p.name for p in made[-3:]]
    assert made[-1].name == "helpdesk-backup-20261105-230000Z.tar"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(made[-1].stat().st_mode) == 0o600
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no partial archive left
    with pytest.raises(BackupError, match="уже есть"):
        write_archive(_engine(app), app.config["UPLOAD_DIR"], folder, now=start + dt.timedelta(days=4), keep=3)


def test_backup_without_a_folder_goes_to_the_configured_one(make_app, tmp_path):
    app = make_app(BACKUP_DIR=str(tmp_path / "configured"), BACKUP_KEEP=2)
    result = app.test_cli_runner().invoke(args=["data", "backup"])
    assert result.exit_code == 0, result.output
    [archive] = list_archives(tmp_path / "configured")
    assert str(archive) in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert {"database.sqlite3", "database.pgdump"} & set(names)


def _engine(app) -> sa.Engine:
    with app.app_context():
        return db.engine


def test_restored_attachment_rows_all_find_their_files(make_app, database_backend, tmp_path):
    source = make_app()
    client = source.test_client()
    for n in range(3):
        client.post(
            "/app/form",
            data={**form_data(author_name=f"Ученик {n}"), "attachments": [(io.BytesIO(png_bytes(n + 1)), f"s{n}.png")]},
            content_type="multipart/form-data",
        )
    archive = write_archive(
        _engine(source), source.config["UPLOAD_DIR"], tmp_path / "copies", now=dt.datetime.now(dt.UTC), keep=1
    )
    with empty_database(database_backend, tmp_path) as url:
        target = empty_app(url, tmp_path / "restored")
        restore_archive(_engine(target), target.config["UPLOAD_DIR"], archive)
        with target.app_context():
            stored = set(db.session.scalars(sa.select(Attachment.stored_name)))
            db.session.remove()
            db.engine.dispose()
    assert len(stored) == 3
    assert {p.name for p in (tmp_path / "restored").iterdir()} == stored
