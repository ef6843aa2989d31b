"""Human request numbers, unique per year: `2026-00042`.

The counter row of the year is bumped with one atomic `UPDATE … RETURNING`, inside the caller's
transaction: on PostgreSQL the row lock makes concurrent submissions queue for the few
milliseconds until commit, on SQLite the write lock does the same. A rolled-back submission
gives its number back, so numbers have no gaps made by failures.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import RequestCounter
from ..school import SchoolProfile

DIGITS = 5


def format_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:0{DIGITS}d}"


def numbering_year(profile: SchoolProfile, received_at: dt.datetime) -> int:
    """The year in the school's own time zone: a request at 23:30 on 31 December is last year's."""
    return received_at.astimezone(ZoneInfo(profile.school.timezone)).year


def next_number(year: int) -> str:
    """Take the next number of `year` in the current transaction (the caller commits)."""
    sequence = _bump(year)
    if sequence is None:
        _create_counter(year)
        sequence = _bump(year)
    assert sequence is not None  # the row exists now, created by us or by a concurrent caller
    return format_number(year, sequence)


_COUNTER = RequestCounter.__table__  # plain SQL: no ORM bookkeeping on the hot path
# Built once: every submission runs it.
_BUMP = (
    sa.update(_COUNTER)
    .where(_COUNTER.c.year == sa.bindparam("counter_year"))
    .values(last=_COUNTER.c.last + 1)
    .returning(_COUNTER.c.last)
)


def _bump(year: int) -> int | None:
    return db.session.connection().execute(_BUMP, {"counter_year": year}).scalar()


def _create_counter(year: int) -> None:
    """Insert the year's row unless a concurrent submission already did (no error either way)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_COUNTER).values(year=year, last=0).on_conflict_do_nothing()
    db.session.execute(statement)
