"""Staff accounts: only people in the profile's roster, passwords hashed with argon2.

Every function raises `AccountError` with a Russian message a person can act on; the caller
commits. Sign-in failures are counted, and an account is locked for a while after too many.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..extensions import db
from ..models import StaffAccount
from ..models.types import utc_now
from ..school import SchoolProfile

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

_hasher = PasswordHasher()


class AccountError(Exception):
    """A refused account operation; `str()` is the Russian message to show."""


class WrongPassword(AccountError):
    """The person's current password did not match."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD_LENGTH} символов.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Пароль слишком длинный: не больше {MAX_PASSWORD_LENGTH} символов.")
    if password.strip() != password or not password.isprintable():
        raise AccountError(
            "Пароль не может начинаться или заканчиваться пробелом и содержать управляющие символы."
        )


def generate_password() -> str:
    """A one-time password that is easy to read out and type (no 0/O, 1/l confusion)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def find_account(staff_id: str) -> StaffAccount | None:
    return db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=staff_id))


def require_account(staff_id: str) -> StaffAccount:
    account = find_account(staff_id)
    if account is None:
        raise AccountError(f"Учётной записи «{staff_id}» нет. Создайте её командой staff create.")
    return account


def load_account(profile: SchoolProfile, session_id: str) -> StaffAccount | None:
    """The signed-in account behind a session, if it is still valid and still on the roster."""
    account_id, _, version = session_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = db.session.get(StaffAccount, int(account_id))
    if account is None or account.session_version != int(version):
        return None
    if profile.staff_member(account.staff_id) is None:
        return None
    return account


def create_account(profile: SchoolProfile, staff_id: str, password: str) -> StaffAccount:
    if profile.staff_member(staff_id) is None:
        known = ", ".join(s.id for s in profile.staff)
        raise AccountError(f"В профиле школы нет сотрудника «{staff_id}». Сотрудники: {known}.")
    if find_account(staff_id) is not None:
        raise AccountError(f"Учётная запись «{staff_id}» уже есть. Чтобы сменить пароль: staff password.")
    check_password_rules(password)
    account = StaffAccount(staff_id=staff_id, password_hash=hash_password(password))
    db.session.add(account)
    return account


def set_password(staff_id: str, password: str) -> StaffAccount:
    """Set a new password; also unlocks and re-enables the account and ends its sessions."""
    account = require_account(staff_id)
    check_password_rules(password)
    account.password_hash = hash_password(password)
    account.active = True
    account.failed_logins = 0
    account.locked_until = None
    account.session_version += 1
    return account


def change_own_password(account: StaffAccount, current: str, new: str) -> None:
    """A signed-in person replaces their password; other sessions of theirs end."""
    if not password_matches(account.password_hash, current):
        raise WrongPassword("Нынешний пароль введён неверно.")
    if new == current:
        raise AccountError("Новый пароль совпадает с нынешним — придумайте другой.")
    check_password_rules(new)
    account.password_hash = hash_password(new)
    account.session_version += 1


def disable_account(staff_id: str) -> StaffAccount:
    account = require_account(staff_id)
    account.active = False
    account.session_version += 1  # signs the person out everywhere
    return account


def ensure_head_account(profile: SchoolProfile) -> tuple[str, str] | None:
    """On first run: an account for the head of service with a one-time password.

    Returns (staff_id, password) when it created one, None when any account already exists.
    """
    if db.session.scalar(sa.select(sa.func.count()).select_from(StaffAccount)):
        return None
    head = profile.head_of_service
    password = generate_password()
    create_account(profile, head.id, password)
    return head.id, password


class SignInRefused(AccountError):
    """Wrong login or password, a disabled account, or one locked after failed attempts."""


WRONG_CREDENTIALS = "Неверный логин или пароль."
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def staff_id_for_login(profile: SchoolProfile, login: str) -> str | None:
    """A person signs in with their staff id or with their e-mail from the profile."""
    login = login.strip()
    if profile.staff_member(login):
        return login
    folded = login.casefold()
    return next((s.id for s in profile.staff if s.email.casefold() == folded), None)


def authenticate(
    profile: SchoolProfile,
    login: str,
    password: str,
    *,
    max_failures: int,
    lockout: dt.timedelta,
    now: dt.datetime | None = None,
) -> StaffAccount:
    """The account if the password is right; counts failures and locks after `max_failures`."""
    now = now or utc_now()
    staff_id = staff_id_for_login(profile, login)
    account = find_account(staff_id) if staff_id else None
    if account is None:
        password_matches(_DUMMY_HASH, password)  # same work either way: logins stay unguessable
        raise SignInRefused(WRONG_CREDENTIALS)
    if account.locked_until and account.locked_until > now:
        raise SignInRefused(_locked_message(profile, account.locked_until))
    if not password_matches(account.password_hash, password):
        _count_failure(account, now, max_failures, lockout)
        if account.locked_until:
            raise SignInRefused(_locked_message(profile, account.locked_until))
        raise SignInRefused(WRONG_CREDENTIALS)
    if not account.active:
        raise SignInRefused("Учётная запись отключена. Обратитесь к руководителю службы.")
    account.failed_logins = 0
    account.locked_until = None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return account


def _count_failure(account: StaffAccount, now, max_failures: int, lockout: dt.timedelta) -> None:
    if account.locked_until and account.locked_until <= now:
        account.failed_logins = 0  # the previous lock has run out: start counting afresh
        account.locked_until = None
    account.failed_logins += 1
    if account.failed_logins >= max_failures:
        account.locked_until = now + lockout


def _locked_message(profile: SchoolProfile, until: dt.datetime) -> str:
    local = until.astimezone(ZoneInfo(profile.school.timezone))
    return (
        "Слишком много неудачных попыток входа: вход для этой учётной записи закрыт "
        f"до {local:%H:%M} ({local:%d.%m.%Y}). Если вы забыли пароль, обратитесь "
        "к руководителю службы — он задаст новый."
    )
