"""The retention rule: a closed request keeps the person's data `privacy.retention_days` days.

`flask --app wsgi data purge` (and the outbox worker, once a day) anonymises every request
closed longer ago than that, and deletes audit-log entries older than the same term. Requests
that never closed are never purged silently: `unclosed_beyond` lists them for the head.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import AuditEntry, HistoryEntry, SupportRequest
from ..vocabulary import Actor, Anonymisation, Event
from .anonymise import anonymise, attachments_of

BATCH = 200  # requests anonymised per transaction


@dataclass
class PurgeResult:
    cutoff: dt.datetime  # requests closed before this moment (UTC) are anonymised
    numbers: list[str] = field(default_factory=list)  # the requests' numbers
    files: int = 0  # attachment files removed (or, in a dry run, that would be)
    audit_entries: int = 0  # audit-log entries deleted (or that would be)


def cutoff(retention_days: int, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=retention_days)


def _due(moment: dt.datetime) -> sa.Select:
    r = SupportRequest
    return sa.select(r).where(r.closed_at.is_not(None), r.closed_at < moment, r.anonymised_at.is_(None)).order_by(r.id)


def purge(
    session: Session, retention_days: int, upload_dir: str | os.PathLike, now: dt.datetime, *, dry_run: bool = False
) -> PurgeResult:
    """Anonymise what the retention rule says must go; with `dry_run`, only say what it is.

    Commits every BATCH requests and deletes their files after each commit, so a purge stopped
    half-way leaves whole requests done and the rest untouched.
    """
    result = PurgeResult(cutoff=cutoff(retention_days, now))
    old_entries = sa.select(AuditEntry.id).where(AuditEntry.at < result.cutoff)
    if dry_run:
        due = session.scalars(_due(result.cutoff)).all()
        result.numbers = [r.number for r in due]
        result.files = attachments_of(session, [r.id for r in due])
        result.audit_entries = session.scalar(sa.select(sa.func.count()).select_from(old_entries.subquery())) or 0
        session.rollback()
        return result
    # Two workers may purge at once: on PostgreSQL each takes rows the other has not locked
    # (SQLite lets one writer at a time anyway), so no request is anonymised twice.
    while batch := session.scalars(_due(result.cutoff).limit(BATCH).with_for_update(skip_locked=True)).all():
        files: list[str] = []
        for req in batch:
            files += anonymise(session, req, Anonymisation.RETENTION, now)
            session.add(HistoryEntry(request_id=req.id, at=now, actor=Actor.SYSTEM, action=Event.ANONYMISED,
                                     text=Anonymisation.RETENTION.label))  # fmt: skip
            result.numbers.append(req.number)
        session.commit()
        result.files += remove_files(upload_dir, files)
    deleted = session.execute(sa.delete(AuditEntry).where(AuditEntry.id.in_(old_entries)))
    result.audit_entries = deleted.rowcount or 0
    session.commit()
    return result


def remove_files(upload_dir: str | os.PathLike, names: list[str]) -> int:
    """Delete the named files of the upload folder (after the commit that dropped their rows)."""
    removed = 0
    for name in names:
        path = Path(upload_dir) / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed


def unclosed_beyond(retention_days: int, now: dt.datetime) -> sa.Select:
    """Requests still open (or answered, not closed) that arrived longer ago than the term:
    the purge never touches them, so the head must close or keep them consciously."""
    r = SupportRequest
    return sa.select(r).where(r.closed_at.is_(None), r.received_at < cutoff(retention_days, now)).order_by(r.received_at)
