"""The profile's roster with each person's account, and what a person with `manage_staff` does
to the accounts of others from the desk: open one, issue a new one-time password, disable one.

These wrap the functions of `accounts` (the same ones the `staff` commands use) with the desk's
rules: only people on the roster, never one's own account, messages for a page rather than a
shell. Each raises `AccountError` (or `NotOnRoster`) and leaves committing to the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import StaffAccount
from ..school import SchoolProfile
from ..school.model import StaffMember
from ..vocabulary import AccountState
from . import (
    AccountError,
    create_account,
    disable_account,
    find_account,
    generate_password,
    set_password,
)

class NotOnRoster(AccountError):
    """The staff id is not a person of the profile: the desk answers as for any unknown page."""


@dataclass(frozen=True)
class RosterEntry:
    member: StaffMember
    account: StaffAccount | None
    state: AccountState
    roles: str  # the titles of the person's roles, for people to read


def account_state(account: StaffAccount | None, now: dt.datetime) -> AccountState:
    if account is None:
        return AccountState.NONE
    if not account.active:
        return AccountState.DISABLED
    if account.locked_until and account.locked_until > now:
        return AccountState.LOCKED
    return AccountState.ACTIVE


def accounts_by_staff_id() -> dict[str, StaffAccount]:
    """Every stored account, including any of a person since removed from the profile."""
    return {a.staff_id: a for a in db.session.scalars(sa.select(StaffAccount))}


def roster(profile: SchoolProfile, now: dt.datetime) -> list[RosterEntry]:
    found = accounts_by_staff_id()
    return [
        RosterEntry(
            member,
            found.get(member.id),
            account_state(found.get(member.id), now),
            ", ".join(profile.role(r).title for r in member.roles),
        )
        for member in profile.staff
    ]


def member_on_roster(profile: SchoolProfile, staff_id: str) -> StaffMember:
    member = profile.staff_member(staff_id)
    if member is None:
        raise NotOnRoster(f"В профиле школы нет сотрудника «{staff_id}».")
    return member


def open_account(profile: SchoolProfile, by: str, staff_id: str, *, valid_for: dt.timedelta) -> str:
    """An account with a one-time password, which is returned to be shown once."""
    member_on_roster(profile, staff_id)
    if find_account(staff_id) is not None:
        raise AccountError(
            "У этого сотрудника учётная запись уже есть. Если он не может войти, выдайте новый пароль."
        )
    password = generate_password()
    create_account(profile, staff_id, password, one_time_for=valid_for)
    return password


def issue_password(profile: SchoolProfile, by: str, staff_id: str, *, valid_for: dt.timedelta) -> str:
    """A new one-time password: unlocks, re-enables and ends the person's sessions."""
    _someone_elses_account(profile, by, staff_id, *_REFUSALS["password"])
    password = generate_password()
    set_password(staff_id, password, one_time_for=valid_for)
    return password


def disable(profile: SchoolProfile, by: str, staff_id: str, *, valid_for: dt.timedelta) -> None:
    """`valid_for` is unused: every action of the staff page takes the same arguments."""
    _someone_elses_account(profile, by, staff_id, *_REFUSALS["disable"])
    disable_account(staff_id)


_REFUSALS = {  # (one's own account, a person without one)
    "password": (
        "Свой пароль меняйте на странице «Сменить пароль».",
        "У этого сотрудника ещё нет учётной записи — сначала создайте её.",
    ),
    "disable": (
        "Свою учётную запись отключить нельзя.",
        "У этого сотрудника нет учётной записи — отключать нечего.",
    ),
}


def _someone_elses_account(profile: SchoolProfile, by: str, staff_id: str, own: str, missing: str) -> None:
    member_on_roster(profile, staff_id)
    if staff_id == by:
        raise AccountError(own)
    if find_account(staff_id) is None:
        raise AccountError(missing)
