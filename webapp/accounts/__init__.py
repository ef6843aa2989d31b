"""Staff accounts: only people in the profile's roster, passwords hashed with argon2.

Every function raises `AccountError` with a Russian message a person can act on; the caller
commits. Sign-in failures are counted, and an account is locked for a while after too many.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..extensions import db
from ..models import StaffAccount
from ..models.types import utc_now
from ..school import SchoolProfile

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200


@dataclass(frozen=True)
class _Hashing:
    hasher: PasswordHasher
    dummy_hash: str | None  # checked for a login nobody has: made with the same cost


# argon2-cffi's own defaults until the factory says otherwise (see configure_hashing).
_hashing = _Hashing(PasswordHasher(), None)


def configure_hashing(*, time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Set the argon2id cost of every password hashed or checked from now on, for the process.

    The factory calls this with the PASSWORD_HASH_* settings: argon2-cffi's defaults in
    production, the cheapest values in tests. A stored hash made with other values still
    verifies and is replaced at the person's next sign-in. The hash checked when nobody has the
    typed login is made here with the same values, so an unknown login costs as much time as a
    wrong password.
    """
    global _hashing
    current = _hashing.hasher
    wanted = (time_cost, memory_kib, parallelism)
    if _hashing.dummy_hash and (current.time_cost, current.memory_cost, current.parallelism) == wanted:
        return  # another app of this process with the same cost: nothing to redo
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _hashing = _Hashing(hasher, hasher.hash(secrets.token_urlsafe(16)))


class AccountError(Exception):
    """A refused account operation; `str()` is the Russian message to show."""


class WrongPassword(AccountError):
    """The person's current password did not match."""


def hash_password(password: str) -> str:
    return _hashing.hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hashing.hasher.verify(stored_hash, password)
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


def create_account(
    profile: SchoolProfile, staff_id: str, password: str, *, one_time_for: dt.timedelta | None = None
) -> StaffAccount:
    """`one_time_for`: the password is one-time, changed at the first sign-in, refused after that long."""
    if profile.staff_member(staff_id) is None:
        known = ", ".join(s.id for s in profile.staff)
        raise AccountError(f"В профиле школы нет сотрудника «{staff_id}». Сотрудники: {known}.")
    if find_account(staff_id) is not None:
        raise AccountError(f"Учётная запись «{staff_id}» уже есть. Чтобы сменить пароль: staff password.")
    check_password_rules(password)
    account = StaffAccount(staff_id=staff_id, password_hash=hash_password(password), known_addresses="")
    _mark_one_time(account, one_time_for)
    db.session.add(account)
    return account


def set_password(staff_id: str, password: str, *, one_time_for: dt.timedelta | None = None) -> StaffAccount:
    """Set a new password; also unlocks and re-enables the account and ends its sessions."""
    account = require_account(staff_id)
    check_password_rules(password)
    account.password_hash = hash_password(password)
    account.active = True
    account.failed_logins = 0
    account.locked_until = None
    account.session_version += 1
    _mark_one_time(account, one_time_for)
    return account


def _mark_one_time(account: StaffAccount, valid_for: dt.timedelta | None) -> None:
    account.must_change_password = valid_for is not None
    account.password_expires_at = utc_now() + valid_for if valid_for is not None else None


def end_session(account: StaffAccount) -> None:
    """Sign-out: every session cookie of this person stops working, a copied one too."""
    account.session_version += 1


def change_own_password(account: StaffAccount, current: str, new: str) -> None:
    """A signed-in person replaces their password; other sessions of theirs end."""
    if not password_matches(account.password_hash, current):
        raise WrongPassword("Нынешний пароль введён неверно.")
    if new == current:
        raise AccountError("Новый пароль совпадает с нынешним — придумайте другой.")
    check_password_rules(new)
    account.password_hash = hash_password(new)
    account.session_version += 1
    _mark_one_time(account, None)


def disable_account(staff_id: str) -> StaffAccount:
    account = require_account(staff_id)
    account.active = False
    account.session_version += 1  # signs the person out everywhere
    return account


def ensure_head_account(profile: SchoolProfile, *, one_time_for: dt.timedelta) -> tuple[str, str] | None:
    """On first run: an account for the head of service with a one-time password.

    Returns (staff_id, password) when it created one, None when any account already exists.
    """
    if db.session.scalar(sa.select(sa.func.count()).select_from(StaffAccount)):
        return None
    head = profile.controller
    password = generate_password()
    create_account(profile, head.id, password, one_time_for=one_time_for)
    return head.id, password


class SignInRefused(AccountError):
    """Wrong login or password, a disabled account, or one locked after failed attempts."""


def wrong_credentials(lockout: dt.timedelta) -> str:
    """One answer for an unknown login, a wrong password and a locked account alike."""
    minutes = max(1, round(lockout.total_seconds() / 60))
    return (
        "Неверный логин или пароль. Если пароль верный, а войти не получается, подождите "
        f"{minutes} мин.: после нескольких неудачных попыток вход с нового устройства "
        "ненадолго закрывается. С устройства, с которого вы уже входили, верный пароль "
        "пускает всегда."
    )


WRONG_CREDENTIALS = "Неверный логин или пароль."  # the start of that answer
ONE_TIME_EXPIRED = (
    "Срок одноразового пароля истёк. Попросите новый у того, кто ведёт учётные записи сотрудников."
)
KNOWN_ADDRESSES_KEPT = 5


def _dummy_hash() -> str:
    global _hashing
    if _hashing.dummy_hash is None:  # never configured (no factory): make it once
        _hashing = _Hashing(_hashing.hasher, _hashing.hasher.hash(secrets.token_urlsafe(16)))
    return _hashing.dummy_hash


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
    address_key: str,
    max_failures: int,
    lockout: dt.timedelta,
    now: dt.datetime | None = None,
) -> StaffAccount:
    """The account if the password is right.

    Failures are counted and, after `max_failures`, lock the account for `lockout`, but only
    for addresses the person never signed in from (`address_key` is a keyed digest of the
    visitor's address): whoever guesses at the head's address cannot keep her out of her own
    desk. Unknown, wrong and locked get the same answer after the same work (one hash check).
    """
    now = now or utc_now()
    staff_id = staff_id_for_login(profile, login)
    account = find_account(staff_id) if staff_id else None
    if account is None:
        password_matches(_dummy_hash(), password)  # same work either way: logins stay unguessable
        raise SignInRefused(wrong_credentials(lockout))
    right = password_matches(account.password_hash, password)
    locked = account.locked_until is not None and account.locked_until > now
    if not right:
        _count_failure(account, now, max_failures, lockout)
        raise SignInRefused(wrong_credentials(lockout))
    if locked and address_key not in account.known_addresses.split():
        raise SignInRefused(wrong_credentials(lockout))
    if not account.active:
        raise SignInRefused(
            "Учётная запись отключена. Обратитесь к тому, кто ведёт учётные записи сотрудников."
        )
    if account.password_expires_at is not None and account.password_expires_at <= now:
        raise SignInRefused(ONE_TIME_EXPIRED)
    account.failed_logins = 0
    account.locked_until = None
    kept = [address_key] + [k for k in account.known_addresses.split() if k != address_key]
    account.known_addresses = " ".join(kept[:KNOWN_ADDRESSES_KEPT])
    if _hashing.hasher.check_needs_rehash(account.password_hash):  # made at another cost
        account.password_hash = hash_password(password)
    return account


def _count_failure(account: StaffAccount, now, max_failures: int, lockout: dt.timedelta) -> None:
    if account.locked_until and account.locked_until <= now:
        account.failed_logins = 0  # the previous lock has run out: start counting afresh
        account.locked_until = None
    account.failed_logins += 1
    if account.failed_logins >= max_failures:
        account.locked_until = now + lockout
