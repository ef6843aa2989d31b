"""SQLite writers take turns at an OS lock instead of polling the database's own.

SQLite lets one transaction write at a time. One that finds the database locked sleeps and
tries again (after 1, 2, 5, 10, 15, 20, 25 … ms, up to busy_timeout), so under load those
sleeps, not the work, make the slowest submissions slow and leave the CPU idle. A submission
takes `writer_turn()` around its writes and commit: the waiting ones block on a file lock next
to the database and the next one wakes the moment the lock is free. PostgreSQL needs no turn:
its row locks already wake the next transaction at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os

from ..extensions import db


def _lock_path() -> str | None:
    """The lock file of the session's SQLite database (its path + `.writers`); None otherwise."""
    url = db.session.get_bind().url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return f"{os.path.abspath(url.database)}.writers"


@contextlib.contextmanager
def writer_turn():
    """Wait for this process's (or thread's) turn to write; a no-op on PostgreSQL."""
    path = _lock_path()
    if path is None:
        yield
        return
    # A descriptor of its own each time: threads of one process then exclude each other too.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock, even after an error
