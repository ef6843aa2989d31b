"""When the background jobs last ran: one row per job, overwritten at every run.

GET /app/health and `flask --app wsgi doctor` read it; the row holds a time, a yes/no and a
short summary of counts, never a name, address or text.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utc_now

OUTBOX_WORKER = "outbox_worker"
MAILBOX_FETCH = "mailbox_fetch"


class JobMark(db.Model):
    __tablename__ = "job_mark"

    job: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # OUTBOX_WORKER, MAILBOX_FETCH
    ran_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    ok: Mapped[bool] = mapped_column(default=True)
    summary: Mapped[str] = mapped_column(sa.String(200), default="")


def record_run(session, job: str, *, ok: bool, summary: str = "") -> None:
    """Overwrite the job's row (insert it the first time) and commit.

    Two workers may insert the first row at once; the loser's mark is simply the winner's.
    """
    values = {"ran_at": utc_now(), "ok": ok, "summary": summary[:200]}
    updated = session.execute(sa.update(JobMark).where(JobMark.job == job).values(**values))
    if updated.rowcount == 0:
        session.add(JobMark(job=job, **values))
        try:
            session.commit()
        except sa.exc.IntegrityError:
            session.rollback()
        return
    session.commit()
