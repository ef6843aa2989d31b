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

from ..vocabulary import Permission
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


class Deadlines(_Strict):
    assign_minutes: int = Field(gt=0, le=24 * 60)
    take_into_work_minutes: int = Field(gt=0, le=24 * 60)
    process_hours: int = Field(gt=0, le=24 * 30)
    # "calendar": clocks run round the clock; "working_hours": only in the service's hours.
    clock: Literal["calendar", "working_hours"] = "working_hours"
    # The desk marks a clock "soon" when what is left is at most soon_minutes or at most
    # soon_percent of the whole clock, whichever is larger.
    soon_minutes: Annotated[int, AfterValidator(_check_soon_minutes)] = 10
    soon_percent: Annotated[int, AfterValidator(_check_soon_percent)] = 20


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


class Support(_Strict):
    name: Text
    email: Email
    phone: Phone
    hours: WorkingHours
    deadlines: Deadlines
    calendar: HolidayCalendar = HolidayCalendar()


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
    route_to: Key
    # Requests of a confidential type are seen only by the routed role and the head of service.
    confidential: bool = False
    # Answer pages of the help site (webapp/school/selfhelp.py) the form suggests for this type.
    self_help: list[Annotated[str, AfterValidator(check_topic)]] = []


class Order(_Strict):
    number: Annotated[str, Field(min_length=1, max_length=40)]
    date: dt.date


class Responsible(_Strict):
    """The person the director's order makes responsible for distance-learning support."""

    staff: Key
    order: Order
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
    contact_about: Text
    note: str = ""
    checked: dt.date


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
    updated: dt.date
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
            "обезличенные сведения для отчётов: номер, даты, вид обращения, класс и соблюдение сроков."
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


class SchoolProfile(_Strict):
    school: School
    support: Support
    roles: list[Role] = Field(min_length=1)
    staff: list[StaffMember] = Field(min_length=1)
    request_types: list[RequestType] = Field(min_length=1)
    head_role: Key
    responsible: Responsible
    platforms: list[Platform] = []
    channels: list[Channel] = Field(min_length=1)
    consultations: Consultations
    links: Links
    legal_basis: list[LegalAct] = Field(min_length=1)
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
        if self.head_role not in role_ids:
            raise ValueError(f"head_role: роль «{self.head_role}» не описана в roles")
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
        if self.responsible.staff not in staff_ids:
            raise ValueError(f"responsible.staff: сотрудник «{self.responsible.staff}» не найден")
        if isinstance(self.responsible.notify, list):
            for t in self.responsible.notify:
                if t not in type_ids:
                    raise ValueError(f"responsible.notify: вид обращения «{t}» не описан")
        if not self.staff_with_role(self.head_role):
            raise ValueError(f"head_role: в штате нет сотрудника с ролью «{self.head_role}»")
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

    def permissions_of(self, staff_id: str) -> set[Permission]:
        member = self.staff_member(staff_id)
        if member is None:
            return set()
        return {p for r in member.roles for p in self.role(r).permissions}

    @property
    def responsible_person(self) -> StaffMember:
        member = self.staff_member(self.responsible.staff)
        assert member is not None  # checked by the validator
        return member

    @property
    def head_of_service(self) -> StaffMember:
        return self.staff_with_role(self.head_role)[0]


def _unique(section: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{section}: идентификатор «{value}» повторяется")
        seen.add(value)
    return seen
