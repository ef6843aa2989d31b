"""`flask --app wsgi staff ...`: staff accounts for the people in the school profile."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from .. import accounts
from ..accounts import roster
from ..extensions import db
from ..models.types import utc_now
from ..vocabulary import AccountState
from ..web.current import current_school

staff = AppGroup("staff", help="Учётные записи сотрудников (из профиля школы).")


def _sentence(text: str) -> str:
    """`text` ending a sentence: one full stop, not two after an initial («Иваненко Т.В.»)."""
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _fail(error: accounts.AccountError):
    db.session.rollback()
    raise click.ClickException(str(error))


def _password_option(func):
    return click.option(
        "--password",
        prompt="Пароль",
        hide_input=True,
        confirmation_prompt="Пароль ещё раз",
        help=f"Пароль (не короче {accounts.MIN_PASSWORD_LENGTH} символов); без ключа спросит.",
    )(func)


@staff.command("create")
@click.argument("staff_id")
@_password_option
def create(staff_id: str, password: str) -> None:
    """Создать учётную запись сотрудника STAFF_ID (его id из профиля)."""
    try:
        accounts.create_account(current_school(), staff_id, password)
    except accounts.AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Учётная запись «{staff_id}» создана.")


@staff.command("password")
@click.argument("staff_id")
@_password_option
def password(staff_id: str, password: str) -> None:
    """Задать новый пароль (снимает блокировку и включает отключённую запись)."""
    try:
        accounts.set_password(staff_id, password)
    except accounts.AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Пароль для «{staff_id}» изменён; прежние входы завершены.")


@staff.command("disable")
@click.argument("staff_id")
def disable(staff_id: str) -> None:
    """Отключить учётную запись: войти с ней больше нельзя."""
    try:
        accounts.disable_account(staff_id)
    except accounts.AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Учётная запись «{staff_id}» отключена.")


@staff.command("list")
def list_accounts() -> None:
    """Сотрудники профиля и их учётные записи."""
    profile = current_school()
    for entry in roster.roster(profile, utc_now()):
        member = entry.member
        click.echo(f"{member.id:<14} {AccountState.label_of(entry.state):<22} {member.name} — {entry.roles}")
    orphans = set(roster.accounts_by_staff_id()) - {m.id for m in profile.staff}
    for staff_id in sorted(orphans):
        click.echo(f"{staff_id:<14} {'нет в профиле':<22} (вход закрыт, пока сотрудника нет в профиле)")


@staff.command("init")
def init() -> None:
    """При первом запуске: учётная запись того, кто контролирует службу (control_role), с одноразовым паролем."""
    valid_hours = current_app.config["ONE_TIME_PASSWORD_HOURS"]
    created = accounts.ensure_head_account(current_school(), one_time_for=dt.timedelta(hours=valid_hours))
    if created is None:
        click.echo("Учётные записи уже есть — ничего не изменено.")
        return
    db.session.commit()
    staff_id, one_time = created
    click.echo(
        f"Создана учётная запись: {_sentence(current_school().staff_member(staff_id).name)}\n"
        f"  Логин:  {staff_id}\n"
        f"  Пароль: {one_time}\n"
        f"Пароль показан один раз и действует {valid_hours} ч. При первом входе программа "
        f"попросит сменить его на свой."
    )
