"""INSERT … ON CONFLICT DO NOTHING on both databases: a row that proves something happened once."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def insert_once(model, unique: list[str], **values) -> bool:
    """Insert a row unless one with the same `unique` columns exists; True if this call did.

    Under concurrency the loser waits for the winner's transaction and then inserts nothing,
    so exactly one caller goes on to act (send the alert, forward the answer).
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(model.id)  # rowcount is not reliable here (-1 with psycopg)
    )
    return db.session.execute(statement).first() is not None
