"""The typed school profile: every fact about a school that the site and the app show or use.

A school adopts the product by editing one YAML file that validates against `SchoolProfile`.
Messages raised here are shown to the person editing the file, so they are in Russian.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    model_validator,
)

from ..vocabulary import ClockMode, Permission
from .selfhelp import check_topic
from .wording import days_text


def _check_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"«{value}» — не адрес электронной почты") from exc


def _check_phone(value: str) -> str:
    """Accept any Russian way of writing a number; keep the school's own spelling for display."""
    try:
        parsed = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"«{value}» — не номер телефона") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"«{value}» — не номер телефона")
    return value


def _check_time(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"«{value}» — время нужно записать как ЧЧ:ММ, например 08:00")
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"«{value}» — неизвестный часовой пояс (пример: Europe/Moscow)") from exc
    return value


Email = Annotated[str, AfterValidator(_check_email)]
Phone = Annotated[str, AfterValidator(_check_phone)]
ClockTime = Annotated[str, AfterValidator(_check_time)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "понедельник",
    "tue": "вторник",
    "wed": "среда",
    "thu": "четверг",
    "fri": "пятница",
    "sat": "суббота",
    "sun": "воскресенье",
}

# What a role may do on the staff desk (webapp/vocabulary.py, Permission) is granted per role.


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class School(_Strict):
    full_name: Text
    short_name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Text
    site_url: HttpUrl
    timezone: TimeZoneName


class WorkingHours(_Strict):
    days: list[Weekday] = Field(min_length=1)
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError(
                f"начало рабочего дня ({self.start}) должно быть раньше конца ({self.end})"
            )
        return self

    def describe(self) -> str:
        """'понедельник–пятница, 08:00–17:00' for consecutive days, otherwise a list."""
        idx = sorted(WEEKDAYS.index(d) for d in set(self.days))
        consecutive = idx == list(range(idx[0], idx[-1] + 1))
        if consecutive and len(idx) > 2:
            days = f"{WEEKDAY_NAMES[WEEKDAYS[idx[0]]]}–{WEEKDAY_NAMES[WEEKDAYS[idx[-1]]]}"
        else:
            days = ", ".join(WEEKDAY_NAMES[WEEKDAYS[i]] for i in idx)
        return f"{days}, {self.start}–{self.end}"


def _check_soon_minutes(value: int) -> int:
    if not 0 <= value <= 24 * 60:
        raise ValueError(f"«{value}» — нужно число минут от 0 до 1440")
    return value


def _check_soon_percent(value: int) -> int:
    if not 0 <= value <= 100:
        raise ValueError(f"«{value}» — нужно число процентов от 0 до 100")
    return value


class ClockModes(_Strict):
    """Per-clock overrides of `Deadlines.clock` (an act may count its 24 hours differently from
    its 30 minutes, e.g. seed 002: «в течение 24 часов с момента поступления»)."""

    assign: ClockMode | None = None
    take_into_work: ClockMode | None = None
    process: ClockMode | None = None


class Deadlines(_Strict):
    """The act's deadlines. A length left out means the act sets no such deadline: that clock
    does not run, the desk shows no due time for it and no page promises one (seed 001)."""

    assign_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    take_into_work_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    process_hours: int | None = Field(default=None, gt=0, le=24 * 30)
    # How a clock runs (webapp/deadlines/clock.py):
    # "calendar": round the clock; "working_hours": only in the service's hours on working days;
    # "working_days": round the clock on working days only (24 h from Friday 16:00 end on Monday
    # 16:00). `clocks` overrides the mode of one clock.
    clock: ClockMode = ClockMode.WORKING_HOURS
    clocks: ClockModes = ClockModes()
    # The desk marks a clock "soon" when what is left is at most soon_minutes or at most
    # soon_percent of the whole clock, whichever is larger.
    soon_minutes: Annotated[int, AfterValidator(_check_soon_minutes)] = 10
    soon_percent: Annotated[int, AfterValidator(_check_soon_percent)] = 20

    @model_validator(mode="after")
    def _some_deadline(self) -> Deadlines:
        lengths = (self.assign_minutes, self.take_into_work_minutes, self.process_hours)
        if all(length is None for length in lengths):
            raise ValueError(
                "в разделе deadlines нет ни одного срока: если положение сроков не задаёт, "
                "уберите раздел deadlines целиком"
            )
        return self

    def mode_of(self, key: str) -> ClockMode:
        """The mode of one clock: `key` is "assign", "take_into_work" or "process"."""
        return getattr(self.clocks, key) or self.clock

    def modes(self) -> set[ClockMode]:
        """The modes of the clocks that run."""
        keys = ("assign", "take_into_work", "process")
        return {self.mode_of(k) for k in keys if self.length_of(k) is not None}

    def length_of(self, key: str) -> dt.timedelta | None:
        """How long one clock runs, or None when the act sets no such deadline."""
        value = {
            "assign": self.assign_minutes,
            "take_into_work": self.take_into_work_minutes,
            "process": self.process_hours,
        }[key]
        if value is None:
            return None
        unit = "hours" if key == "process" else "minutes"
        return dt.timedelta(**{unit: value})


class HolidayCalendar(_Strict):
    """The school's corrections to the Russian production calendar (webapp/deadlines/calendar.py)."""

    # Public holidays and the government's transferred working days, from the `holidays` package.
    russian: bool = True
    # Days the service does not work although the calendar says it does, and the reverse.
    days_off: list[dt.date] = []
    working_days: list[dt.date] = []

    @model_validator(mode="after")
    def _no_day_both_ways(self) -> HolidayCalendar:
        both = sorted(set(self.days_off) & set(self.working_days))
        if both:
            days = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"день {days} указан и в days_off, и в working_days — оставьте один")
        return self


class SupportPhone(_Strict):
    """A phone the school gives for help, under the name the act gives it."""

    number: Phone
    # How the school names this phone: «горячая линия», «секретарь», «приёмная»…
    label: Annotated[str, Field(min_length=1, max_length=80)] = "телефон"
    note: str = ""
    # True only where the act has a hotline: calls recorded by a hotline specialist (seed 002).
    hotline: bool = False


class Support(_Strict):
    # The service's own name, as the act gives it («Служба сопровождения…», «Группа поддержки…»).
    name: Text
    email: Email | None = None
    phones: list[SupportPhone] = []
    hours: WorkingHours | None = None
    deadlines: Deadlines | None = None
    calendar: HolidayCalendar = HolidayCalendar()

    @model_validator(mode="before")
    @classmethod
    def _old_phone_key(cls, data):
        """Schema 1 had one `phone`, always called a hotline: read it as one hotline phone."""
        if isinstance(data, dict) and "phone" in data:
            data = dict(data)
            old = data.pop("phone")
            if "phones" in data:
                raise ValueError(
                    "ключи phone и phones вместе: телефоны теперь перечисляются в phones "
                    "(номер, название, hotline), старый ключ phone уберите"
                )
            try:
                _check_phone(str(old))
            except ValueError as exc:
                raise ValueError(f"phone: {exc}") from None
            data["phones"] = [{"number": old, "label": "горячая линия", "hotline": True}]
        return data

    @model_validator(mode="after")
    def _hours_for_working_hours(self) -> Support:
        if self.deadlines is not None and self.hours is None:
            if ClockMode.WORKING_HOURS in self.deadlines.modes():
                raise ValueError(
                    "deadlines: сроки считаются в рабочие часы (working_hours), но часы работы "
                    "support.hours не указаны — укажите их или выберите clock: calendar / working_days"
                )
        return self

    @property
    def main_phone(self) -> SupportPhone | None:
        return self.phones[0] if self.phones else None

    @property
    def hotline_phone(self) -> SupportPhone | None:
        return next((p for p in self.phones if p.hotline), None)

    @property
    def working_days(self) -> list[str]:
        """The service's weekdays: from `hours`, or Monday to Friday when the act gives no hours."""
        return list(self.hours.days) if self.hours else list(WEEKDAYS[:5])


class Role(_Strict):
    id: Key
    title: Text
    duties: Text
    permissions: list[Permission] = []


class StaffMember(_Strict):
    id: Key
    name: Text
    position: Text
    roles: list[Key] = Field(min_length=1)
    email: Email
    phone: Phone | None = None
    # Shown on the public site (the contacts page); otherwise known to the desk only.
    public: bool = False


class RequestType(_Strict):
    id: Key
    title: Text
    hint: str = ""
    # The role that gets requests of this type; with `route_by` it is the fallback when the
    # author's class or subject has no teacher in `classes` / `subjects`.
    route_to: Key
    route_by: Literal["role", "class_teacher", "subject_teacher"] = "role"
    # The form asks for the consultation's form, mode and subject (seed 003).
    consultation: bool = False
    # Requests of a confidential type are seen only by the routed role and the head of service.
    confidential: bool = False
    # Answer pages of the help site (webapp/school/selfhelp.py) the form suggests for this type.
    self_help: list[Annotated[str, AfterValidator(check_topic)]] = []


class Order(_Strict):
    """A director's order. Acts give what they give: seed 004 a number and a date, seed 001
    neither («назначается приказом директора»)."""

    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    date: dt.date | None = None

    def describe(self) -> str:
        """«приказ от 01.09.2026 № 112-од», without the date or the number the act lacks."""
        text = "приказ"
        if self.date:
            text += f" от {self.date:%d.%m.%Y}"
        return f"{text} № {self.number}" if self.number else text


class Responsible(_Strict):
    """The person the director's order makes responsible for distance-learning support."""

    staff: Key
    order: Order = Order()
    # "all": a copy of every request; otherwise a copy of requests of the listed types only.
    notify: Literal["all"] | list[Key] = "all"


class Platform(_Strict):
    id: Key
    name: Text
    purpose: Text
    url: HttpUrl | None = None
    phone: Phone | None = None
    phone_note: str = ""
    email: Email | None = None
    in_app_help: str = ""
    contact_about: str = ""
    note: str = ""
    # When the school last checked these contacts; absent: the site makes no such claim.
    checked: dt.date | None = None

    @property
    def has_contacts(self) -> bool:
        return bool(self.phone or self.email or self.url or self.in_app_help)


class Channel(_Strict):
    """A way to apply, as the procedure page lists it. Staff record requests that came by any
    of them on the hotline form, except the one marked `web_form` (the form on this site)."""

    id: Key
    title: Text
    details: Text
    web_form: bool = False


class Consultations(_Strict):
    intro: Text
    forms: list[Text] = Field(min_length=1)
    given_by: list[Text] = Field(min_length=1)
    how_to_ask: Text
    # The request type to choose on the form to ask for a consultation (seed 003), if any.
    request_type: Key | None = None


class Link(_Strict):
    title: Text
    url: HttpUrl | None = None
    file: str | None = None
    date: dt.date | None = None
    kind: Literal["act", "link"] = "link"

    @model_validator(mode="after")
    def _url_or_file(self) -> Link:
        if (self.url is None) == (self.file is None):
            raise ValueError("у ссылки должен быть ровно один из ключей url или file")
        return self


class Links(_Strict):
    # The page's heading as the act names it (seed 003: «Реализация образовательных программ
    # с использованием ДОТ, ЭО (полезные ссылки, локальные акты школы)»).
    title: Text = "Полезные ссылки и локальные акты"
    updated: dt.date | None = None
    items: list[Link] = Field(min_length=1)


class LegalAct(_Strict):
    title: Text
    url: HttpUrl | None = None


class Privacy(_Strict):
    operator: Text
    consent_version: Annotated[str, Field(min_length=1, max_length=40)]
    # Days a closed request keeps the person's data; `flask --app wsgi data purge` then
    # anonymises it (152-ФЗ art. 5 p. 7: no longer than the purpose needs).
    retention_days: int = Field(ge=30, le=3650)

    @property
    def retention(self) -> str:
        """The promise the site makes, made from `retention_days` so the two never differ."""
        return (
            f"Обращение хранится {days_text(self.retention_days)} после закрытия. Затем имя, "
            "телефон, адрес почты, описание, ответы и приложенные файлы удаляются; остаются только "
            "обезличенные сведения для отчётов: номер, даты, вид обращения и класс."
        )


class Satisfaction(_Strict):
    """The author's rating of an answer (issue 12; seed 004: interaction with families is
    evaluated regularly). Ratings scored at most `low_score` (1 «не помог» … 3 «помог») put the
    request on the head's control view; a rating is accepted until `days` days after closing."""

    low_score: int = Field(default=1, ge=1, le=3)
    days: int = Field(default=14, ge=1, le=365)


class Director(_Strict):
    """The school's director, who gets the monthly report too (optional)."""

    name: Text
    email: Email


class SchoolClass(_Strict):
    """A class and its class teacher, for `route_by: class_teacher` (seed 003)."""

    name: Annotated[str, Field(min_length=1, max_length=16)]
    class_teacher: Key


class Subject(_Strict):
    """A subject and who teaches it, for `route_by: subject_teacher` (seed 003)."""

    title: Annotated[str, Field(min_length=1, max_length=120)]
    teachers: list[Key] = Field(min_length=1)
    # The classes these teachers teach the subject in; empty: every class.
    classes: list[Annotated[str, Field(min_length=1, max_length=16)]] = []


class Approval(_Strict):
    """Who approved the procedure (seeds 000, 004: a director's order), distinct from the order
    that appoints a responsible person."""

    position: Text
    name: Text
    # The approving order, or `date` alone where the act is approved by signature (seeds 001, 003).
    order: Order | None = None
    date: dt.date | None = None


HelpKind = Literal["technical", "methodical"]


class Procedure(_Strict):
    """How the procedure page frames the act: technical help (seeds 000–002, 004),
    educational-methodical help (seed 003), or both."""

    title: Text | None = None
    help: list[HelpKind] = Field(default=["technical"], min_length=1)
    approved_by: Approval | None = None
    # The platform-failure rule in the school's words (seed 001: faults on the school premises).
    platform_failure: Text | None = None

    @property
    def title_text(self) -> str:
        if self.title:
            return self.title
        if set(self.help) == {"methodical"}:
            return "Порядок учебно-методической помощи при дистанционном обучении"
        if set(self.help) == {"technical"}:
            return "Порядок технической помощи при дистанционном обучении"
        return "Порядок технической и учебно-методической помощи при дистанционном обучении"


class SchoolProfile(_Strict):
    school: School
    support: Support
    roles: list[Role] = Field(min_length=1)
    staff: list[StaffMember] = Field(min_length=1)
    request_types: list[RequestType] = Field(min_length=1)
    # The head of the service, only where the act has one (seed 002).
    head_role: Key | None = None
    # Who controls deadlines, gets breach alerts and the monthly report, approves extensions and
    # sees every request; the head of the service unless the profile names another role.
    control_role: Key | None = None
    responsible: Responsible | None = None
    procedure: Procedure = Procedure()
    platforms: list[Platform] = []
    channels: list[Channel] = Field(min_length=1)
    classes: list[SchoolClass] = []
    subjects: list[Subject] = []
    consultations: Consultations | None = None
    links: Links | None = None
    legal_basis: list[LegalAct] = []
    privacy: Privacy
    satisfaction: Satisfaction = Satisfaction()
    director: Director | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> SchoolProfile:
        role_ids = _unique("roles", [r.id for r in self.roles])
        staff_ids = _unique("staff", [s.id for s in self.staff])
        type_ids = _unique("request_types", [t.id for t in self.request_types])
        _unique("platforms", [p.id for p in self.platforms])
        _unique("channels", [c.id for c in self.channels])
        if self.head_role is not None and self.head_role not in role_ids:
            raise ValueError(f"head_role: роль «{self.head_role}» не описана в roles")
        if self.control_role is not None and self.control_role not in role_ids:
            raise ValueError(f"control_role: роль «{self.control_role}» не описана в roles")
        if self.control_role_id is None:
            raise ValueError(
                "укажите control_role — роль, которая контролирует сроки и получает сообщения о "
                "просрочках (или head_role, если в положении есть руководитель службы)"
            )
        for i, member in enumerate(self.staff):
            for role in member.roles:
                if role not in role_ids:
                    raise ValueError(f"staff[{i}].roles: роль «{role}» не описана в roles")
        for i, rtype in enumerate(self.request_types):
            if rtype.route_to not in role_ids:
                raise ValueError(
                    f"request_types[{i}].route_to: роль «{rtype.route_to}» не описана в roles"
                )
            if not self.staff_with_role(rtype.route_to):
                raise ValueError(
                    f"request_types[{i}].route_to: в штате нет сотрудника с ролью "
                    f"«{rtype.route_to}»"
                )
            if Permission.ANSWER not in self.role(rtype.route_to).permissions:
                raise ValueError(
                    f"request_types[{i}].route_to: у роли «{rtype.route_to}» нет права answer — "
                    "её сотрудники не смогут ответить на такие обращения; добавьте answer в "
                    "permissions роли или направьте вид другой роли"
                )
            if rtype.route_by == "class_teacher" and not self.classes:
                raise ValueError(
                    f"request_types[{i}].route_by: class_teacher — нужен раздел classes "
                    "(классы и их классные руководители)"
                )
            if rtype.route_by == "subject_teacher" and not self.subjects:
                raise ValueError(
                    f"request_types[{i}].route_by: subject_teacher — нужен раздел subjects "
                    "(предметы и их учителя)"
                )
        _unique("classes", [c.name for c in self.classes])
        _unique("subjects", [s.title for s in self.subjects])
        for i, school_class in enumerate(self.classes):
            if school_class.class_teacher not in staff_ids:
                raise ValueError(
                    f"classes[{i}].class_teacher: сотрудник «{school_class.class_teacher}» не найден"
                )
        for i, subject in enumerate(self.subjects):
            for teacher in subject.teachers:
                if teacher not in staff_ids:
                    raise ValueError(f"subjects[{i}].teachers: сотрудник «{teacher}» не найден")
        if self.responsible is not None:
            if self.responsible.staff not in staff_ids:
                raise ValueError(
                    f"responsible.staff: сотрудник «{self.responsible.staff}» не найден"
                )
            if isinstance(self.responsible.notify, list):
                for t in self.responsible.notify:
                    if t not in type_ids:
                        raise ValueError(f"responsible.notify: вид обращения «{t}» не описан")
        if self.head_role is not None and not self.staff_with_role(self.head_role):
            raise ValueError(f"head_role: в штате нет сотрудника с ролью «{self.head_role}»")
        if not self.staff_with_role(self.control_role_id):
            raise ValueError(
                f"control_role: в штате нет сотрудника с ролью «{self.control_role_id}»"
            )
        if self.consultations is not None and self.consultations.request_type is not None:
            if self.consultations.request_type not in type_ids:
                raise ValueError(
                    f"consultations.request_type: вид обращения "
                    f"«{self.consultations.request_type}» не описан"
                )
        return self

    @model_validator(mode="after")
    def _no_hotline_in_words_without_a_hotline(self) -> SchoolProfile:
        """The product speaks of a hotline only where a phone is marked `hotline: true`; the
        profile's own texts must not promise one either (platforms' vendor hotlines aside)."""
        if self.support.hotline_phone is not None:
            return self
        texts = [("support.name", self.support.name)]
        texts += [(f"support.phones[{n}].label", p.label) for n, p in enumerate(self.support.phones)]
        texts += [(f"support.phones[{n}].note", p.note) for n, p in enumerate(self.support.phones)]
        texts += [(f"roles[{n}].title", r.title) for n, r in enumerate(self.roles)]
        texts += [(f"roles[{n}].duties", r.duties) for n, r in enumerate(self.roles)]
        texts += [(f"channels[{n}].title", c.title) for n, c in enumerate(self.channels)]
        texts += [(f"channels[{n}].details", c.details) for n, c in enumerate(self.channels)]
        texts += [(f"request_types[{n}].hint", t.hint) for n, t in enumerate(self.request_types)]
        texts += [("procedure.platform_failure", self.procedure.platform_failure or "")]
        if self.consultations is not None:
            texts += [("consultations.how_to_ask", self.consultations.how_to_ask)]
        for where, text in texts:
            if _HOTLINE_WORDS.search(text):
                raise ValueError(
                    f"{where}: упоминается горячая линия, но ни один телефон в support.phones не "
                    "отмечен hotline: true — отметьте телефон горячей линии или уберите её из текста"
                )
        return self

    @model_validator(mode="after")
    def _routed_teachers_answer(self) -> SchoolProfile:
        """A request routed to the author's class or subject teacher (`route_by`) is handed to
        that teacher, who answers it on the desk: each such teacher needs a role with `answer`,
        and for a confidential type the routed role or `view_confidential`."""
        for rtype in self.request_types:
            if rtype.route_by == "class_teacher":
                named = [
                    (f"classes[{n}].class_teacher", c.class_teacher)
                    for n, c in enumerate(self.classes)
                ]
            elif rtype.route_by == "subject_teacher":
                named = [
                    (f"subjects[{n}].teachers", t)
                    for n, s in enumerate(self.subjects)
                    for t in s.teachers
                ]
            else:
                continue
            for where, staff_id in named:
                member = self.staff_member(staff_id)
                if member is None:
                    continue
                permissions = self.permissions_of(staff_id)
                if Permission.ANSWER not in permissions:
                    raise ValueError(
                        f"{where}: сотруднику «{staff_id}» передаются обращения вида «{rtype.id}» "
                        f"(route_by: {rtype.route_by}), но ни у одной его роли нет права answer — "
                        "добавьте answer в permissions его роли, иначе он не сможет ответить"
                    )
                if rtype.confidential and rtype.route_to not in member.roles and (
                    Permission.VIEW_CONFIDENTIAL not in permissions
                ):
                    raise ValueError(
                        f"{where}: сотруднику «{staff_id}» передаются конфиденциальные обращения "
                        f"вида «{rtype.id}», но он их не увидит — дайте ему роль «{rtype.route_to}» "
                        "или право view_confidential"
                    )
        return self

    # Look-ups used by the site and the app.
    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def request_type(self, type_id: str) -> RequestType | None:
        return next((t for t in self.request_types if t.id == type_id), None)

    def staff_member(self, staff_id: str) -> StaffMember | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    @property
    def recorded_channels(self) -> list[Channel]:
        """The ways to apply that staff type in (all but the web form)."""
        return [c for c in self.channels if not c.web_form]

    def staff_with_role(self, role_id: str) -> list[StaffMember]:
        return [s for s in self.staff if role_id in s.roles]

    def staff_with_permission(self, permission: Permission) -> list[StaffMember]:
        """The staff members one of whose roles grants `permission`."""
        return [s for s in self.staff if permission in self.permissions_of(s.id)]

    def permissions_of(self, staff_id: str) -> set[Permission]:
        member = self.staff_member(staff_id)
        if member is None:
            return set()
        return {p for r in member.roles for p in self.role(r).permissions}

    @property
    def control_role_id(self) -> str | None:
        """The role that controls the service: `control_role`, else `head_role`."""
        return self.control_role or self.head_role

    @property
    def has_head(self) -> bool:
        """Whether the act has a head of the service (pages only speak of one then)."""
        return self.head_role is not None

    @property
    def controller(self) -> StaffMember:
        """The first staff member of the control role: breach alerts, reports, extensions."""
        return self.staff_with_role(self.control_role_id)[0]

    @property
    def responsible_person(self) -> StaffMember | None:
        """The person appointed by order (`responsible`), or None where nobody is appointed."""
        if self.responsible is None:
            return None
        return self.staff_member(self.responsible.staff)

    def deadline_length(self, clock: str) -> dt.timedelta | None:
        """One clock's length, None where the act sets no such deadline. `clock` is a
        vocabulary `Clock` ("assign", "take", "process") or a profile key ("take_into_work")."""
        if self.support.deadlines is None:
            return None
        return self.support.deadlines.length_of(_deadline_key(clock))

    def clock_mode(self, clock: str) -> ClockMode:
        """How one clock runs (a vocabulary `ClockMode`); `clock` as in `deadline_length`."""
        if self.support.deadlines is None:
            return ClockMode.CALENDAR
        return self.support.deadlines.mode_of(_deadline_key(clock))

    def class_teacher_of(self, class_name: str | None) -> StaffMember | None:
        """The class teacher of `class_name` from `classes` (case and spaces ignored)."""
        wanted = _class_key(class_name)
        for school_class in self.classes:
            if wanted and _class_key(school_class.name) == wanted:
                return self.staff_member(school_class.class_teacher)
        return None

    def subject_teachers(self, subject: str | None, class_name: str | None) -> list[StaffMember]:
        """Who teaches `subject` (a `subjects[].title`) in `class_name` (any class if unknown)."""
        wanted = _class_key(class_name)
        for item in self.subjects:
            if subject and item.title.casefold() == subject.strip().casefold():
                if item.classes and wanted and wanted not in {_class_key(c) for c in item.classes}:
                    return []
                return [m for t in item.teachers if (m := self.staff_member(t)) is not None]
        return []


_HOTLINE_WORDS = re.compile(r"горяч\w*\s+лини", re.IGNORECASE)


def _deadline_key(clock: str) -> str:
    return "take_into_work" if str(clock) == "take" else str(clock)


def _class_key(name: str | None) -> str:
    return "".join((name or "").split()).casefold().replace("ё", "е")


def _unique(section: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{section}: идентификатор «{value}» повторяется")
        seen.add(value)
    return seen
