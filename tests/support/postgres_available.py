"""Exit 0 when the test PostgreSQL server answers (used by `make test`)."""

import sys

import psycopg

from tests.support.postgres import ADMIN_URL

try:
    psycopg.connect(ADMIN_URL, connect_timeout=3).close()
except psycopg.OperationalError:
    sys.exit(1)
