"""`flask --app wsgi incident open|resolve|list`: known problems from the command line, for a
script or for the head on the phone at night (webapp/requests/problems.py has the rules)."""

from __future__ import annotations

import datetime as dt
import logging

import click
from flask.cli import AppGroup

from ..extensions import db
from ..formatting import local_datetime
from ..models import KnownProblem
from ..models.types import utc_now
from ..requests import problems
from ..web.current import current_register, current_school

log = logging.getLogger(__name__)

incident = AppGroup("incident", help="Известные проблемы: сбой, о котором пишут многие.")


def _by(staff_id: str | None) -> str:
    """Who acts: the given staff id, or the controller (`control_role`) by default."""
    return staff_id or current_school().controller.id


@incident.command("open")
@click.option("--title", required=True, help="Что не работает, коротко: «Не открывается Сферум».")
@click.option("--types", required=True, help="Виды обращений через запятую (id из профиля).")
@click.option("--platform", default=None, help="Платформа из профиля (id), если сбой на ней.")
@click.option("--text", default=None, help="Что знает и делает школа (для семей); по умолчанию — заголовок.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Через сколько часов ожидается решение, если известно.")
@click.option("--by", "staff_id", default=None, help="Логин сотрудника; по умолчанию тот, кто контролирует службу (control_role).")
def open_command(title, types, platform, text, hours, staff_id) -> None:
    """Объявить известную проблему; печатает её номер."""
    now = utc_now()
    facts = problems.ProblemFacts(
        title=title, public_text=text or title, request_types=tuple(t.strip() for t in types.split(",")),
        platform=platform, started_at=now, expected_at=now + dt.timedelta(hours=hours) if hours else None,
    )  # fmt: skip
    try:
        problem = problems.declare(current_register(), _by(staff_id), facts, now=now)
    except problems.ProblemError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    linked = len(problems.linked_open(problem))
    db.session.commit()
    log.info("known problem %s declared, %s requests linked", problem.id, linked)
    click.echo(problem.id)
    click.echo(f"Проблема № {problem.id} объявлена; с ней связано открытых обращений: {linked}.", err=True)


@incident.command("resolve")
@click.argument("problem_id", type=int)
@click.option("--message", required=True, help="Письмо семьям: что случилось и что делать теперь.")
@click.option("--close", is_flag=True, help="Закрыть связанные обращения (иначе они ждут закрытия).")
@click.option("--by", "staff_id", default=None, help="Логин сотрудника; по умолчанию тот, кто контролирует службу (control_role).")
def resolve_command(problem_id: int, message: str, close: bool, staff_id: str | None) -> None:
    """Решить проблему: ответить всем связанным обращениям одним письмом каждому автору."""
    problem = db.session.get(KnownProblem, problem_id)
    if problem is None:
        raise click.ClickException(f"Проблемы № {problem_id} нет: см. incident list.")
    try:
        result = problems.resolve(current_register(), problem, _by(staff_id), message, close=close)
    except problems.ProblemError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    log.info("known problem %s resolved: %s requests answered", problem.id, len(result.answered))
    click.echo(f"Проблема № {problem.id} решена. Отвечено обращений: {len(result.answered)}, "
               f"писем поставлено в очередь: {result.letters}.")  # fmt: skip


@incident.command("list")
@click.option("--all", "everything", is_flag=True, help="И решённые тоже (последние 50).")
def list_command(everything: bool) -> None:
    """Показать открытые известные проблемы."""
    profile = current_school()
    found = problems.open_problems() if not everything else problems.recent_problems(50)
    if not found:
        click.echo("Открытых известных проблем нет." if not everything else "Известных проблем не было.")
    for p in found:
        state = f"решена {local_datetime(profile, p.resolved_at)}" if p.resolved_at else "открыта"
        linked = problems.linked_count(p)
        click.echo(f"№ {p.id}  {p.title}  (с {local_datetime(profile, p.started_at)}, {state}; "
                   f"виды: {', '.join(p.type_ids)}; обращений: {linked})")  # fmt: skip
