"""SQLite submissions queue at a file lock for their turn to write (webapp/models/writers.py)."""

from __future__ import annotations

import os
import threading

import sqlalchemy as sa

from tests.support.submissions import form_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.models import writers
from webapp.models.writers import writer_turn


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest))


def test_a_submission_waits_for_the_writer_before_it_on_sqlite_only(app, database_backend):
    client = app.test_client()
    statuses = []
    sender = threading.Thread(target=lambda: statuses.append(client.post("/app/form", data=form_data()).status_code))
    with app.app_context(), writer_turn():  # another writer is busy
        sender.start()
        sender.join(timeout=2)
        if database_backend == "sqlite":
            assert sender.is_alive() and _count(app) == 0  # queued, nothing written yet
        else:
            assert not sender.is_alive()  # PostgreSQL's own row locks do this job: no turn
    sender.join(timeout=30)
    assert statuses == [303] and _count(app) == 1


def test_a_turn_is_given_back_after_an_error(app, database_backend):
    with app.app_context():
        try:
            with writer_turn():
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
        acquired = threading.Event()

        def next_writer():
            with app.app_context(), writer_turn():
                acquired.set()

        thread = threading.Thread(target=next_writer)
        thread.start()
        assert acquired.wait(timeout=5)
        thread.join()
        lock_file = writers._lock_path()
    if database_backend == "sqlite":
        assert lock_file == f"{db_file(app)}.writers" and os.path.exists(lock_file)
    else:
        assert lock_file is None  # PostgreSQL: no turn is taken


def db_file(app) -> str:
    with app.app_context():
        return os.path.abspath(db.engine.url.database)
