"""What GET /app/health and `flask --app wsgi doctor` report about a running installation.

Each check is cheap (a handful of indexed queries) and names no person: counts, ages in seconds
and times only. `service_health` never raises for a database that is away: that is its answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..models import JobMark, OutboxMessage
from ..models.marks import MAILBOX_FETCH, OUTBOX_WORKER
from ..models.types import utc_now
from ..vocabulary import OutboxStatus


@dataclasses.dataclass
class Health:
    """`checks`: name → dict of plain values (JSON-ready); `problems`: Russian reasons, empty
    when healthy."""

    checks: dict[str, dict] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"status": "ok" if self.healthy else "fail", "problems": self.problems, "checks": self.checks}


@functools.cache
def migration_heads(migrations_dir: str) -> frozenset[str]:
    """The head revision(s) of the committed migrations (read once per process)."""
    return frozenset(ScriptDirectory(migrations_dir).get_heads())


def service_health(engine: sa.Engine, settings: Mapping, migrations_dir: Path,
                   now: dt.datetime | None = None) -> Health:  # fmt: skip
    """Database, schema, outbox, worker and mailbox; thresholds from the HEALTH_* settings."""
    now = now or utc_now()
    health = Health()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            health.checks["database"] = {"ok": True}
            _schema(health, connection, migrations_dir)
            if health.checks["migrations"]["ok"]:
                _outbox(health, connection, settings, now)
                _jobs(health, connection, settings, now)
    except sa.exc.SQLAlchemyError as exc:
        health.checks["database"] = {"ok": False, "error": type(exc.orig or exc).__name__}
        health.problems.append("База данных недоступна: приложение не может принимать обращения.")
    return health


def _schema(health: Health, connection, migrations_dir: Path) -> None:
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    heads = migration_heads(str(migrations_dir))
    ok = current == heads
    health.checks["migrations"] = {"ok": ok, "current": sorted(current), "head": sorted(heads)}
    if not ok:
        health.problems.append(
            "Схема базы данных не совпадает с версией программы: выполните "
            "`flask --app wsgi db upgrade`."
        )


def _outbox(health: Health, connection, settings: Mapping, now: dt.datetime) -> None:
    pending = OutboxMessage.status == OutboxStatus.PENDING.value
    backlog = connection.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(pending))
    oldest = connection.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(pending, OutboxMessage.next_attempt_at <= now)
    )
    oldest = _aware(oldest)
    age = max(0, int((now - oldest).total_seconds())) if oldest else 0
    failed = connection.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED.value)
    )  # fmt: skip
    limit = settings["HEALTH_OUTBOX_DELAY_SECONDS"]
    ok = age <= limit
    health.checks["outbox"] = {"ok": ok, "backlog": backlog, "oldest_due_seconds": age, "failed": failed}
    if not ok:
        health.problems.append(
            f"Письма не уходят: самое старое ждёт отправки {age // 60} мин (предел — {limit // 60} мин). "
            "Проверьте обработчик очереди и почтовый сервер."
        )


def _jobs(health: Health, connection, settings: Mapping, now: dt.datetime) -> None:
    marks = {m.job: m for m in connection.execute(sa.select(JobMark.job, JobMark.ran_at, JobMark.ok, JobMark.summary))}
    worker = marks.get(OUTBOX_WORKER)
    limit = settings["HEALTH_WORKER_SILENCE_SECONDS"]
    if worker is None:
        health.checks["worker"] = {"ok": False, "last_run": None}
        health.problems.append("Обработчик очереди писем ни разу не запускался (`outbox work`).")
    else:
        silence = int((now - _aware(worker.ran_at)).total_seconds())
        ok = silence <= limit
        health.checks["worker"] = {"ok": ok, "last_run": _aware(worker.ran_at).isoformat(), "seconds_ago": silence,
                                   "mail_server_reached": worker.ok, "result": worker.summary}  # fmt: skip
        if not ok:
            health.problems.append(
                f"Обработчик очереди писем не работает: последний раз он отмечался {silence // 60} мин назад."
            )

    if not settings.get("IMAP_HOST"):
        health.checks["mailbox"] = {"ok": True, "enabled": False}
        return
    fetch = marks.get(MAILBOX_FETCH)
    limit = settings["HEALTH_MAILBOX_SILENCE_SECONDS"]
    if fetch is None:
        health.checks["mailbox"] = {"ok": False, "enabled": True, "last_run": None}
        health.problems.append("Ящик службы ни разу не читался (`mailbox fetch`).")
        return
    silence = int((now - _aware(fetch.ran_at)).total_seconds())
    ok = fetch.ok and silence <= limit
    health.checks["mailbox"] = {"ok": ok, "enabled": True, "last_run": _aware(fetch.ran_at).isoformat(),
                                "seconds_ago": silence, "result": fetch.summary}  # fmt: skip
    if not fetch.ok:
        health.problems.append(f"Последнее чтение ящика службы не удалось: {fetch.summary}")
    elif silence > limit:
        health.problems.append(f"Ящик службы не читался {silence // 60} мин (`mailbox fetch` по таймеру).")


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # Rows read through a Core connection skip the column type on some backends.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment
