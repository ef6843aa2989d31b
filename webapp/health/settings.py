"""Settings that are unsafe or contradict each other, in Russian, for `flask --app wsgi doctor`.

Nothing here stops the app (that is the factory's job for what must never run); these are the
traps an operator walks into on a working installation.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr
from urllib.parse import urlsplit

from ..school import SchoolProfile


def settings_warnings(settings: Mapping, profile: SchoolProfile, *, sender_from_profile: bool) -> list[str]:
    """One Russian sentence per problem; empty when the settings hang together.

    `sender_from_profile`: MAIL_DEFAULT_SENDER was not set and the factory took the profile's
    support address.
    """
    production = settings["APP_ENV"] == "production"
    warnings: list[str] = []
    if production and urlsplit(settings["PUBLIC_BASE_URL"]).scheme == "http":
        warnings.append(
            f"PUBLIC_BASE_URL «{settings['PUBLIC_BASE_URL']}» — http в рабочем режиме: ссылки в письмах "
            "и cookie сеанса идут без шифрования (ALLOW_PLAIN_HTTP). Настройте TLS."
        )
    if sender_from_profile and production:  # `make run`'s local catcher takes any sender
        warnings.append(
            f"MAIL_DEFAULT_SENDER не задан: письма уходят от адреса службы из профиля "
            f"({profile.support.email}). Укажите отправителя явно — тот адрес, от которого почтовый "
            "сервер разрешает отправлять учётной записи MAIL_USERNAME."
        )
    configured = settings.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(configured, (tuple, list)):  # (name, address), as the factory sets it
        configured = configured[1]
    sender = parseaddr(configured)[1].lower()
    login = (settings.get("MAIL_USERNAME") or "").lower()
    if login and "@" in login and sender and sender != login:
        warnings.append(
            f"Отправитель писем ({sender}) не совпадает с учётной записью MAIL_USERNAME ({login}): "
            "mail.ru и Яндекс отклоняют такие письма."
        )
    mailbox = (settings.get("IMAP_USERNAME") or "").lower()
    # Replies come to the profile's support e-mail, or to the sender where the act gives none.
    service_box = (profile.support.email or sender).lower()
    if settings.get("IMAP_HOST") and service_box and mailbox != service_box:
        where = "профиля" if profile.support.email else "MAIL_DEFAULT_SENDER"
        warnings.append(
            f"Ящик, который читает mailbox fetch (IMAP_USERNAME={mailbox or '—'}), — не ящик службы из "
            f"{where} ({service_box}): ответы специалистов приходят на этот адрес и не "
            "будут прочитаны."
        )
    if production and str(settings.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        warnings.append(
            "RATELIMIT_STORAGE_URI=memory://: при нескольких процессах gunicorn или нескольких серверах "
            "каждый считает попытки сам, и ограничения умножаются на их число. Укажите Redis "
            "(redis://127.0.0.1:6379)."
        )
    if production and not settings.get("PROXY_COUNT"):
        warnings.append(
            "PROXY_COUNT=0: если перед приложением стоит nginx, укажите PROXY_COUNT=1, иначе все "
            "посетители для ограничений частоты — один адрес (адрес nginx)."
        )
    return warnings
