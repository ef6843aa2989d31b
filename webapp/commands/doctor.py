"""`flask --app wsgi doctor`: the installation's health and its risky settings, for a person.

The same checks as GET /app/health, plus settings that are unsafe or inconsistent. Exit code 0
when all is well, 1 otherwise (for a script or a monitoring check).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..config import ROOT
from ..extensions import db
from ..health import service_health
from ..health.settings import settings_warnings
from ..web.current import current_school

SENDER_FROM_PROFILE_KEY = "mail_sender_from_profile"

LABELS = {
    "database": "база данных",
    "migrations": "схема базы данных",
    "outbox": "очередь писем",
    "worker": "обработчик очереди",
    "mailbox": "чтение ящика службы",
}


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Проверить установку: база, схема, очередь писем, обработчик, ящик службы и настройки."""
    app = current_app._get_current_object()
    report = service_health(db.engine, app.config, ROOT / "migrations")
    click.echo("Состояние установки:")
    for name, check in report.checks.items():
        click.echo(f"  {'в порядке' if check['ok'] else 'ОШИБКА   '}  {LABELS.get(name, name)}{_details(name, check)}")
    for problem in report.problems:
        click.echo(f"  ! {problem}")
    warnings = settings_warnings(
        app.config, current_school(), sender_from_profile=app.extensions.get(SENDER_FROM_PROFILE_KEY, False)
    )
    click.echo("Настройки:" if warnings else "Настройки: опасных и противоречивых не найдено.")
    for warning in warnings:
        click.echo(f"  ! {warning}")
    if report.problems or warnings:
        raise click.exceptions.Exit(1)


def _details(name: str, check: dict) -> str:
    if name == "outbox" and "backlog" in check:
        return (f": ждут отправки {check['backlog']}, самое старое — {check['oldest_due_seconds']} с, "
                f"не отправлено окончательно {check['failed']}")  # fmt: skip
    if name in ("worker", "mailbox") and check.get("last_run"):
        result = f", итог: {check['result']}" if check.get("result") else ""
        return f": последний запуск {check['seconds_ago']} с назад{result}"
    if name == "mailbox" and check.get("enabled") is False:
        return ": выключено (IMAP_HOST не задан)"
    if name == "migrations":
        return f": {', '.join(check['current']) or 'не создана'} (нужна {', '.join(check['head'])})"
    return ""
