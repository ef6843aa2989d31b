"""What the benchmarks share: throw-away databases and free loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile

from tests.support.postgres import temporary_postgres_database

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def temporary_database(kind: str, label: str = "bench"):
    """The URL of an empty database (a temporary SQLite file, or a PostgreSQL database created on
    the local server) that is removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{label}.sqlite3"
        return
    with temporary_postgres_database(label, ADMIN_URL) as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
