"""Sentences of the help site made from the profile: contacts, deadlines, the approving act.

Each function writes only what the profile says: a phone, an e-mail, hours or a deadline the
profile lacks gives no line at all, so no page claims what the school's act does not have.
The words are generic (they read right for «служба», «группа» or «центр»); the school's own
names, labels and figures come from the profile.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import phonenumbers

from ..vocabulary import ClockMode, Permission
from .confidentiality import role_in_sentence
from .model import Platform, SchoolProfile, SupportPhone
from .wording import hours_text, minutes_text, plural, quoted

# Each clock of the act, in the order a request meets them, and what it promises.
_CLOCKS = (
    ("assign", "за это время обращение передают специалисту, который за него отвечает"),
    ("take_into_work", "за это время специалист берёт обращение в работу и при необходимости "
     "связывается с вами, чтобы уточнить подробности"),
    ("process", "с момента поступления — срок, в который вы получаете ответ по телефону или на "
     "почту"),
)  # fmt: skip


def date_ru(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def tel_href(phone: str) -> str:
    """A `tel:` link target in international form, whatever way the profile writes the number."""
    number = phonenumbers.parse(phone, "RU")
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def utc_offset(timezone: str, at: dt.datetime | None = None) -> str:
    """'UTC+5' for Asia/Yekaterinburg: how a reader compares the service's hours with theirs."""
    offset = (at or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def phone_link(phone: SupportPhone) -> str:
    """«[8 (34398) 2-19-36](tel:…) (по будням)»: a phone as Markdown, with its note if any."""
    note = f" ({phone.note})" if phone.note else ""
    return f"[{phone.number}]({tel_href(phone.number)}){note}"


def hours_of(profile: SchoolProfile) -> str:
    """«понедельник–пятница, 08:00–17:00 по местному времени, UTC+5», or '' without hours."""
    hours = profile.support.hours
    if hours is None:
        return ""
    return f"{hours.describe()} по местному времени, {utc_offset(profile.school.timezone)}"


def contact_lines(profile: SchoolProfile) -> str:
    """The support's phones (under the school's own labels), e-mail and hours, one Markdown
    bullet each; only the ones the profile gives."""
    support = profile.support
    lines = [f"- {capitalized(p.label)}: {phone_link(p)}" for p in support.phones]
    if support.email:
        lines.append(f"- Почта для обращений: [{support.email}](mailto:{support.email})")
    if support.hours:
        lines.append(f"- Часы работы: {hours_of(profile)}")
    return "\n".join(lines)


def phones_inline(profile: SchoolProfile) -> str:
    """«секретарь — [8 …](tel:…); приёмная — […](…)» for a sentence; '' without phones."""
    return "; ".join(f"{p.label} — {phone_link(p)}" for p in profile.support.phones)


def ask_the_service(profile: SchoolProfile) -> str:
    """The closing paragraph of an answer page: the form, and the phones where there are any."""
    text = "Не помогло? [Оставьте обращение](../obrashchenie.md)"
    if profile.support.phones:
        text += f" или позвоните: {phones_inline(profile)}"
        if profile.support.hours:
            text += f" (часы работы: {hours_of(profile)})"
    return text + ". Напишите, что уже попробовали, — так помогут быстрее."


def platform_support(platform: Platform) -> str:
    """A platform's support contacts from the profile, as one Markdown sentence ('' if none)."""
    parts = []
    if platform.in_app_help:
        parts.append(platform.in_app_help)
    if platform.phone:
        note = f" ({platform.phone_note})" if platform.phone_note else ""
        parts.append(f"телефон [{platform.phone}]({tel_href(platform.phone)}){note}")
    if platform.email:
        parts.append(f"почта [{platform.email}](mailto:{platform.email})")
    if platform.url:
        parts.append(f"сайт [{platform.url}]({platform.url})")
    return f"Поддержка {quoted(platform.name)}: " + "; ".join(parts) + "." if parts else ""


def control_role_text(profile: SchoolProfile) -> str:
    """The control role's title as it reads inside a sentence («руководитель службы …»)."""
    return role_in_sentence(profile.role(profile.control_role_id).title)


def deadlines_list(profile: SchoolProfile) -> str:
    """The deadlines the act sets, as a Markdown list, and how each clock runs; '' without any."""
    deadlines = profile.support.deadlines
    if deadlines is None:
        return ""
    clocks = [(key, text) for key, text in _CLOCKS if deadlines.length_of(key) is not None]
    modes = deadlines.modes()
    lines = []
    for n, (key, text) in enumerate(clocks, start=1):
        length = deadlines.length_of(key)
        figure = hours_text(int(length.total_seconds() // 3600)) if key == "process" else (
            minutes_text(int(length.total_seconds() // 60)))
        line = f"- **{figure}** {text}" if key == "process" else f"- **{figure}** — {text}"
        if len(modes) > 1:
            line += f"; этот срок считается {_mode_words(profile, deadlines.mode_of(key))}"
        lines.append(line + ("." if n == len(clocks) else ";"))
    lines.append("")
    if len(modes) == 1:
        lines.append(f"Сроки считаются {_mode_words(profile, next(iter(modes)))}.")
    if ClockMode.WORKING_HOURS in modes:
        lines.append(
            "Если обращение пришло в нерабочее время — вечером, в выходной или праздник, — "
            "отсчёт начнётся с ближайшего рабочего часа."
        )
    controller = profile.role(profile.control_role_id)
    if Permission.APPROVE_EXTENSIONS in controller.permissions:
        lines.append(
            f"В особых случаях срок может продлить {control_role_text(profile)} — "
            "об этом вам сообщат."
        )
    return "\n".join(lines)


def _mode_words(profile: SchoolProfile, mode: ClockMode) -> str:
    if mode == ClockMode.WORKING_HOURS and profile.support.hours:
        return f"{mode.phrase} ({profile.support.hours.describe()})"
    return mode.phrase


def approval_text(profile: SchoolProfile) -> str:
    """«Порядок утверждён: директор Иванова А. П., приказ от 30.08.2024 № 45.», or ''."""
    approval = profile.procedure.approved_by
    if approval is None:
        return ""
    parts = [f"{role_in_sentence(approval.position)} {approval.name}"]
    if approval.order:
        parts.append(_order_text(approval.order))
    if approval.date:
        parts.append(date_ru(approval.date))
    return _sentence("Порядок утверждён: " + ", ".join(parts))


def responsible_text(profile: SchoolProfile) -> str:
    """«Ответственный — **Громов Д. О.** (Заместитель директора по ИКТ). Основание: приказ от
    01.09.2026 № 112-од.», or '' where nobody is appointed."""
    person = profile.responsible_person
    if person is None:
        return ""
    order = _order_text(profile.responsible.order)
    return f"Ответственный — **{person.name}** ({person.position}). Основание: {order}."


def _order_text(order) -> str:
    """The order as `Order.describe()` words it; «приказ директора» where the act gives neither
    its number nor its date."""
    text = order.describe()
    return "приказ директора" if text == "приказ" else text


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def help_kinds_text(profile: SchoolProfile) -> str:
    """What help the procedure covers, for a sentence: «техническую», «учебно-методическую»…"""
    kinds = {"technical": "техническую", "methodical": "учебно-методическую"}
    return " и ".join(kinds[k] for k in ("technical", "methodical") if k in profile.procedure.help)


def viewers_text(profile: SchoolProfile) -> str:
    """The roles that see every request that is not confidential (`view_all`), as prose."""
    names = [role_in_sentence(r.title) for r in profile.roles if Permission.VIEW_ALL in r.permissions]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " и " + names[-1]


def procedure_scope(profile: SchoolProfile) -> str:
    """What the procedure page tells, as the end of its opening sentence."""
    parts = ["кто за что отвечает", "как обратиться"]
    if profile.support.deadlines:
        parts.append("в какие сроки ждать ответа")
    if profile.procedure.platform_failure:
        parts.append("что делать, если сбой произошёл на самой образовательной платформе")
    return ", ".join(parts[:-1]) + " и " + parts[-1]


def routed_to(profile: SchoolProfile, rtype) -> str:
    """Who answers a request type: its role, or the author's class or subject teacher where the
    type is routed so (`route_by`), with the role that answers when that teacher is not known."""
    role = profile.role(rtype.route_to).title
    teacher = {"class_teacher": "Классный руководитель автора",
               "subject_teacher": "Учитель выбранного предмета"}.get(rtype.route_by)
    return f"{teacher}; если он не указан — {role_in_sentence(role)}" if teacher else role
