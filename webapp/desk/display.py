"""Words and marks the desk shows: staff names, statuses, history events, deadline states."""

from __future__ import annotations

from flask_login import current_user

from ..formatting import local_datetime
from ..requests.access import may_manage_staff, may_register_calls
from ..requests.lifecycle import STATUS_TITLES
from ..requests.validation import author_role_title, format_phone
from ..school import SchoolProfile, current_school

CHANNELS = {
    "web": "форма на сайте",
    "phone": "по телефону",
    "in_person": "лично",
    "class_chat": "чат классного руководителя",
    "email": "по электронной почте",
}

EVENTS = {
    "created": "Зарегистрировано",
    "assigned": "Передано специалисту",
    "taken": "Взято в работу",
    "note": "Заметка",
    "contact_call": "Звонок автору",
    "contact_email": "Письмо автору",
    "answer_email": "Ответ по почте",
    "answer_oral": "Устный ответ",
    "extension_requested": "Просьба продлить срок",
    "extension_agreed": "Срок продлён",
    "extension_declined": "Продление не согласовано",
    "closed": "Закрыто",
    "reopened": "Открыто снова",
}

CLOCKS = {
    "assign": "Передать специалисту",
    "take": "Взять в работу",
    "process": "Обработать",
}

CLOCK_STATES = {
    "done": "выполнено",
    "ok": "в срок",
    "soon": "скоро срок",
    "overdue": "просрочено",
}


def helpers(profile: SchoolProfile) -> dict:
    """Functions and tables for the desk's templates."""

    def staff_name(staff_id: str | None) -> str:
        if not staff_id:
            return "—"
        if staff_id == "author":
            return "Автор"
        if staff_id == "system":
            return "Система"
        member = profile.staff_member(staff_id)
        return member.name if member else staff_id

    def type_title(type_id: str) -> str:
        found = profile.request_type(type_id)
        return found.title if found else type_id

    return {
        "staff_name": staff_name,
        "type_title": type_title,
        "local": lambda moment: local_datetime(profile, moment),
        "phone_text": format_phone,
        "status_titles": STATUS_TITLES,
        "author_role_title": author_role_title,
        "channel_titles": CHANNELS,
        "event_titles": EVENTS,
        "clock_titles": CLOCKS,
        "clock_state_titles": CLOCK_STATES,
    }


def desk_context() -> dict:
    """Template context of every staff page (the desk and the signed-in account pages)."""
    profile = current_school()
    me = current_user.staff_id if current_user.is_authenticated else None
    return {
        **helpers(profile),
        "me": me,
        "may_register_calls": bool(me) and may_register_calls(profile, me),
        "may_manage_staff": bool(me) and may_manage_staff(profile, me),
    }
