"""`flask --app wsgi report ...`: reports on the service's work as files and by e-mail."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models.types import utc_now
from ..reports import export
from ..reports.compute import build_report
from ..reports.mailing import first_working_day, mail_month
from ..reports.period import BadPeriod, between, last_month, school_today
from ..web.current import current_register, current_school

report = AppGroup("report", help="Отчёты о работе службы: выгрузка в файл и письмо тому, кто её контролирует.")


def _day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» — нужна дата в виде ГГГГ-ММ-ДД") from None


@report.command("export")
@click.option("--from", "first", required=True, callback=_day, help="первый день периода, ГГГГ-ММ-ДД")
@click.option("--to", "last", required=True, callback=_day, help="последний день периода, ГГГГ-ММ-ДД")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="xlsx", show_default=True)
@click.option("--what", type=click.Choice(["report", "register"]), default="report", show_default=True,
              help="report — отчёт; register — реестр обращений периода")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_command(first, last, fmt, what, output) -> None:
    """Записать отчёт (или реестр) за период в файл XLSX или CSV."""
    profile = current_school()
    try:
        period = between(first, last)
    except BadPeriod as bad:
        raise click.ClickException(str(bad)) from None
    now = utc_now()
    if what == "register":
        rows, title = export.register_rows(profile, period, now), "Реестр"
    else:
        rows, title = export.report_rows(build_report(profile, period, now, confidential_comments=True)), "Отчёт"
    with open(output, "wb") as out:
        for chunk in export.stream(rows, fmt, title):
            out.write(chunk)
    click.echo(f"{'Реестр' if what == 'register' else 'Отчёт'} за {period.title} записан в {output}.")


@report.command("mail")
@click.option("--first-working-day", "only_first_working_day", is_flag=True,
              help="отправить, только если сегодня первый рабочий день месяца (для ежедневного cron)")
def mail_command(only_first_working_day: bool) -> None:
    """Поставить в очередь письмо с отчётом за прошлый месяц тому, кто контролирует службу (control_role), и директору."""
    reg = current_register()
    now = utc_now()
    today = school_today(reg.profile, now)
    if only_first_working_day and not first_working_day(reg, today):
        click.echo("Сегодня не первый рабочий день месяца: отчёт не отправляется.")
        return
    period = last_month(today)
    sent = mail_month(reg, period, now)
    db.session.commit()
    if sent is None:
        click.echo(f"Отчёт за {period.title} уже отправлялся: повторно не отправляется.")
    else:
        click.echo(f"Отчёт за {period.title} поставлен в очередь: {', '.join(sent)}.")

