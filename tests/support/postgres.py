"""A throw-away PostgreSQL database on the local server, so runs never see each other's rows.

Used by the test fixtures and by the benchmarks.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import psycopg

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def temporary_postgres_database(label: str = "test", admin_url: str = ADMIN_URL):
    """Create an empty database, yield its URL, drop it afterwards (OperationalError if the
    server cannot be reached)."""
    name = f"helpdesk_{label}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
