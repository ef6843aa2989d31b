"""Russian names for what the register stores as codes, as the author sees them."""

from __future__ import annotations

from ..requests.lifecycle import STATUS_TITLES
from ..requests.validation import author_role_title

__all__ = ["author_role_title", "history_title", "status_title"]

# The public history actions written by webapp.requests (service and lifecycle). Internal ones
# (notes, contacts) never reach the status page; an unknown action shows only its text.
HISTORY_TITLES = {
    "created": "Обращение зарегистрировано",
    "assigned": "Передано специалисту",
    "taken": "Взято в работу",
    "answer_email": "Ответ отправлен по электронной почте",
    "answer_oral": "Ответ дан по телефону",
    "extension_requested": "Запрошено продление срока",
    "extension_agreed": "Срок обработки продлён",
    "extension_declined": "Срок обработки не продлён",
    "closed": "Обращение закрыто",
    "reopened": "Обращение открыто снова",
}


def status_title(status: str) -> str:
    return STATUS_TITLES.get(status, status).capitalize()


def history_title(action: str) -> str:
    return HISTORY_TITLES.get(action, "Событие")
