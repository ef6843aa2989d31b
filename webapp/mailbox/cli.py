"""`flask --app wsgi mailbox ...`: Answers fetched from the support mailbox."""

import click
from flask.cli import AppGroup

from .fetch import MailboxError, fetch_answers

mailbox = AppGroup("mailbox", help="Ответы специалистов из почтового ящика службы.")


@mailbox.command("fetch")
def fetch_command() -> None:
    """Прочитать ящик службы и переслать авторам ответы специалистов (для cron или таймера)."""
    try:
        report = fetch_answers()
    except MailboxError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    answered, left = report.with_status("answered"), report.with_status("left")
    already = report.with_status("already")
    for _uid, outcome in answered:
        click.echo(f"№ {outcome.number}: {outcome.reason}.")
    if left:
        click.echo("Оставлены в ящике (разберите вручную):")
    for uid, o in left:
        click.echo(f"  письмо {uid} от {o.sender}, тема «{o.subject}»: {o.reason}")
    summary = f"Переслано ответов: {len(answered)}; оставлено в ящике: {len(left)}"
    if already:
        summary += f"; отмечено как обработанные раньше: {len(already)}"
    click.echo(summary + ".")
