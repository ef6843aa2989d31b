"""The yardstick for `benchmarks.submissions`: a bare Flask endpoint doing one single-row insert
into the same `support_request` table, with no form handling, numbering, routing or mail.

Run by gunicorn as `benchmarks.bare_app:app`; DATABASE_URL names the database.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

import sqlalchemy as sa
from flask import Flask, redirect, request

from webapp.models import SupportRequest

app = Flask(__name__)
_url = os.environ["DATABASE_URL"]
if _url.startswith("postgresql://"):
    _url = "postgresql+psycopg://" + _url.split("://", 1)[1]
engine = sa.create_engine(_url, connect_args={"timeout": 30} if _url.startswith("sqlite") else {})

if _url.startswith("sqlite"):

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # the same settings as the app's
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


TABLE = SupportRequest.__table__


@app.post("/submit")
def submit():
    now = dt.datetime.now(dt.timezone.utc)
    form = request.form
    with engine.begin() as connection:
        connection.execute(
            TABLE.insert().values(
                number=secrets.token_hex(7), status_token=secrets.token_urlsafe(32),
                channel="web", received_at=now, recorded_at=now,
                author_name=form["author_name"],
                author_role=form["author_role"], class_name=form["class_name"],
                request_type=form["request_type"], description=form["description"],
                contact_phone=form["contact_phone"], contact_email=form["contact_email"],
                consent_at=now, consent_version="bench", consent_oral=False, status="new",
                routed_role="tech", confidential=False, assign_due=now, process_due=now,
            )
        )  # fmt: skip
    return redirect("/done", 303)
