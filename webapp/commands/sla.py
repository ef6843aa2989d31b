"""`flask --app wsgi sla ...`: Deadline control."""

import datetime as dt

import click
from flask.cli import AppGroup

from ..deadlines.calendar import WorkCalendar
from ..extensions import db
from ..formatting import local_datetime
from ..models.types import utc_now
from ..requests.escalation import check_breaches
from ..school.model import WEEKDAY_NAMES, WEEKDAYS
from ..vocabulary import Clock
from ..web.current import current_register, current_school

sla = AppGroup("sla", help="Контроль сроков обработки обращений.")


@sla.command("check")
def check_command() -> None:
    """Сообщить о каждом пропущенном сроке тому, кто контролирует службу (control_role), один раз (для cron или таймера)."""
    breaches = check_breaches(current_register(), utc_now())
    db.session.commit()
    profile = current_school()
    for b in breaches:
        due = local_datetime(profile, b.due)
        click.echo(f"№ {b.request.number}: просрочен срок «{b.clock.label}» ({due})")
    if all(profile.deadline_length(clock) is None for clock in Clock):
        click.echo("Сроки положением не установлены: проверять нечего.")
        return
    readers = ", ".join(m.name for m in profile.staff_with_role(profile.control_role_id))
    click.echo(
        f"Новых нарушений сроков: {len(breaches)}."
        + (f" Письма для {readers} поставлены в очередь отправки." if breaches else "")
    )


@sla.command("calendar")
@click.argument("year", type=int, default=lambda: dt.date.today().year)
def calendar_command(year: int) -> None:
    """Показать нерабочие дни и перенесённые рабочие дни службы в году YEAR."""
    calendar = WorkCalendar.of(current_school())
    day = dt.date(year, 1, 1)
    click.echo(f"Календарь службы на {year} год (кроме обычных рабочих дней и выходных):")
    while day.year == year:
        worked, why = calendar.explain(day)
        usual = day.weekday() in calendar.weekdays
        if worked != usual or day in calendar.working_days or day in calendar.days_off:
            mark = "работает" if worked else "не работает"
            click.echo(f"  {day:%d.%m.%Y} {WEEKDAY_NAMES[WEEKDAYS[day.weekday()]]}: {mark} — {why}")
        day += dt.timedelta(days=1)

