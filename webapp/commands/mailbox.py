"""`flask --app wsgi mailbox ...`: Answers fetched from the support mailbox."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..mailbox.fetch import MailboxError, fetch_answers
from ..models.marks import MAILBOX_FETCH, record_run
from ..vocabulary import LetterOutcome
from ..web.current import current_register

mailbox = AppGroup("mailbox", help="Ответы специалистов из почтового ящика службы.")


@mailbox.command("fetch")
def fetch_command() -> None:
    """Прочитать ящик службы и переслать авторам ответы специалистов (для cron или таймера)."""
    try:
        report = fetch_answers(current_register(), current_app.config)
    except MailboxError as exc:
        record_run(db.session, MAILBOX_FETCH, ok=False, summary=str(exc))
        click.echo(f"Ошибка: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    answered = report.with_status(LetterOutcome.ANSWERED)
    from_authors = report.with_status(LetterOutcome.AUTHOR_LETTER)
    left = report.with_status(LetterOutcome.LEFT) + report.with_status(LetterOutcome.SET_ASIDE)
    already = report.with_status(LetterOutcome.ALREADY)
    for _uid, outcome in answered + from_authors:
        click.echo(f"№ {outcome.number}: {outcome.reason}.")
    if left:
        click.echo("Оставлены в ящике (разберите вручную):")
    for uid, o in left:
        aside = " (отложено, повторно не разбирается)" if o.status == LetterOutcome.SET_ASIDE else ""
        click.echo(f"  письмо {uid} от {o.sender}, тема «{o.subject}»: {o.reason}{aside}")
    summary = f"Переслано ответов: {len(answered)}; оставлено в ящике: {len(left)}"
    if from_authors:
        summary += f"; писем авторов: {len(from_authors)}"
    if already:
        summary += f"; отмечено как обработанные раньше: {len(already)}"
    click.echo(summary + ".")
    record_run(db.session, MAILBOX_FETCH, ok=True, summary=summary)
