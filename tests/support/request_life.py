"""A request's whole life, driven through HTTP as people drive it, keeping every page and message.

    life = live_request_life(app, smtp)
    life.pages["form page"]          # the HTML (or command output) each person saw
    life.mails                       # (recipients, message) of every message delivered

An author sends the web form and follows the status link; the controller of the service (the
head, or the control role where the act has no head) records a phone call that came two hours
ago by the first way to apply the hotline form offers; the controller hands the author's request
to a specialist, who takes it, asks the author a question by mail, asks for a longer term (where
the profile sets a processing deadline), gets it and answers by mail; `flask sla check` reports
the call's missed deadline, if it has one; the outbox delivers everything to the real SMTP
server. Who plays which part is read from the profile (`cast_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import new_key
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SupportRequest
from webapp.school import SchoolProfile
from webapp.deadlines import due_for
from webapp.requests.routing import route
from webapp.school.model import RequestType, StaffMember
from webapp.vocabulary import Clock, Permission

HOTLINE = "/app/desk/hotline"
AUTHOR_EMAIL = "alina.petrova@example.net"
QUESTION = "Подскажите, с какого устройства ребёнок пытается войти?"
ANSWER = "Пароль сброшен, новый придёт на вашу почту в течение часа."


@dataclass(frozen=True)
class Cast:
    head: StaffMember
    specialist: StaffMember  # answers the web request
    web_type: RequestType  # the author's type: routed to the specialist, copied to the responsible
    call_type: RequestType  # the phone call's type, routed to someone else


@dataclass
class RequestLife:
    profile: SchoolProfile
    cast: Cast
    pages: dict[str, str] = field(default_factory=dict)
    mails: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    received_at: dt.datetime | None = None  # the web request's arrival, as stored (UTC)
    call_at: dt.datetime | None = None  # the call's arrival as typed (UTC), None if none recorded
    extended: bool = False  # a longer processing term was asked and agreed
    breached: bool = False  # the call's deadline had passed when `sla check` ran

    @property
    def copied_to(self) -> StaffMember | None:
        """Who gets a copy of the web request as the responsible person, if anyone."""
        return route(self.profile, self.cast.web_type.id, class_name=WEB_CLASS).responsible

    @property
    def call_specialist(self) -> StaffMember:
        return route(self.profile, self.cast.call_type.id, class_name=CALL_CLASS).specialists[0]


WEB_CLASS, CALL_CLASS = "8В", "5А"


def cast_of(profile: SchoolProfile) -> Cast:
    """The people and request types of a profile that let one life reach as many messages as the
    profile has: a specialist other than the controller where there is one, a type copied to the
    responsible person where there is one, a call of another type routed to someone else."""

    def answerers(role: str) -> list[StaffMember]:
        return [s for s in profile.staff_with_role(role) if Permission.ANSWER in profile.permissions_of(s.id)]

    head, responsible = profile.controller, profile.responsible_person
    notify = profile.responsible.notify if profile.responsible else "all"
    plain = [t for t in profile.request_types
             if not t.confidential and not t.consultation and t.route_by == "role"]  # fmt: skip
    plain = plain or [t for t in profile.request_types if not t.confidential]

    def rank(t: RequestType) -> tuple[bool, bool, bool]:
        copied = responsible is not None and (notify == "all" or t.id in notify) \
            and responsible not in profile.staff_with_role(t.route_to)
        others = any(s.id != head.id for s in answerers(t.route_to))
        return (not others, not copied, not answerers(t.route_to))

    web_type = min(plain, key=rank)
    specialist = next((s for s in answerers(web_type.route_to) if s.id != head.id), head)
    call_type = next((t for t in plain if t.id != web_type.id and t.route_to != profile.control_role_id),
                     next((t for t in plain if t.id != web_type.id), web_type))  # fmt: skip
    return Cast(head, specialist, web_type, call_type)


def school_clock(profile: SchoolProfile, moment: dt.datetime) -> str:
    """A moment as typed into <input type="datetime-local"> by the school's clock."""
    return moment.astimezone(ZoneInfo(profile.school.timezone)).strftime("%Y-%m-%dT%H:%M")


def consultation_fields(profile: SchoolProfile, request_type: RequestType, prefix: str = "") -> dict:
    """The consultation's form, mode and subject, for a type that asks them (seed 003)."""
    if not (request_type.consultation or request_type.route_by == "subject_teacher"):
        return {}
    subject = profile.subjects[0].title if profile.subjects else "Математика"
    return {f"{prefix}consultation_form": "individual", f"{prefix}consultation_mode": "online",
            f"{prefix}subject": subject}  # fmt: skip


def web_form(cast: Cast, profile: SchoolProfile | None = None) -> dict:
    extra = consultation_fields(profile, cast.web_type) if profile is not None else {}
    return {
        **extra,
        "author_name": "Петрова Алина Сергеевна",
        "author_role": "parent",
        "class_name": WEB_CLASS,
        "request_type": cast.web_type.id,
        "description": "Ребёнок не может войти в учётную запись: пишет, что пароль неверный.",
        "contact_phone": "+7 911 222-33-44",
        "contact_email": AUTHOR_EMAIL,
        "consent": "y",
        "website": "",
        "submission_key": new_key(),
    }


def phone_call(profile: SchoolProfile, cast: Cast, channel: str, arrival: dt.datetime | None = None) -> dict:
    """A student's call that came two hours ago: past a 30- or 60-minute calendar deadline."""
    arrival = arrival or dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    return {
        **consultation_fields(profile, cast.call_type),
        "channel": channel,
        "received_at": school_clock(profile, arrival),
        "author_name": "Соколов Игорь Павлович",
        "author_role": "student",
        "class_name": CALL_CLASS,
        "request_type": cast.call_type.id,
        "description": "Не понимаю, в какое время начинается онлайн-урок в четверг.",
        "contact_phone": "8 (921) 555-10-20",
        "contact_email": "",
        "consent": "y",
        "submission_key": new_key(),
    }


def offered_channels(hotline_page: str) -> list[str]:
    """The values of the hotline form's «how it came» choices."""
    return re.findall(r'<input type="radio" name="channel"[^>]*value="([^"]+)"', hotline_page)


def get_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    return response.get_data(as_text=True)


def post_action(client, page: str, action: str, data: dict | None = None) -> None:
    response = client.post(f"{page}/{action}", data=data or {})
    assert response.status_code == 302, (
        f"{action} on {page}: {response.status_code}\n{response.get_data(as_text=True)[:3000]}"
    )


def hotline_page(app, staff_id: str) -> str:
    client = app.test_client()
    login(client, staff_id)
    return get_page(client, HOTLINE)


def live_request_life(app, smtp, profile: SchoolProfile) -> RequestLife:
    """Drive the life described at the top of this module through `app`; `smtp` receives mail."""
    life = RequestLife(profile, cast_of(profile))
    author = app.test_client()
    status, number = _author_writes(life, author)
    head, specialist = app.test_client(), app.test_client()
    login(head, life.cast.head.id)
    login(specialist, life.cast.specialist.id)
    call = _head_records_a_call(life, head)
    web = _desk_handles(life, number, head, specialist)

    life.pages["desk request page after the answer"] = get_page(head, web)
    if call is not None:
        life.pages["desk request page of the phone call"] = get_page(head, call)
    life.pages["desk list after the answer"] = get_page(head, "/app/desk/")
    life.pages["status page after the answer"] = get_page(author, status)
    life.pages["sign-in page"] = get_page(app.test_client(), "/app/staff/login")

    now = dt.datetime.now(dt.timezone.utc)
    if life.call_at is not None:
        dues = [due_for(profile, clock, life.call_at) for clock in (Clock.ASSIGN, Clock.PROCESS)]
        life.breached = any(due is not None and due < now for due in dues)
    checked = app.test_cli_runner().invoke(args=["sla", "check"])
    assert checked.exit_code == 0, checked.output
    life.pages["output of `sla check`"] = checked.output
    deliver_due(app)
    life.mails = list(smtp.messages)
    life.received_at = _received_at(app, number)
    return life


def _author_writes(life: RequestLife, author) -> tuple[str, str]:
    """The author sends the web form: (the status page's path, the request's number)."""
    pages = life.pages
    pages["form page"] = get_page(author, "/app/form")
    sent = author.post("/app/form", data=web_form(life.cast, life.profile))
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    pages["confirmation page"] = get_page(author, sent.location)
    status = re.search(r"/app/status/[\w-]+", pages["confirmation page"]).group(0)
    pages["status page of the new request"] = get_page(author, status)
    number = re.search(r"Номер обращения: <strong>([\d-]+)</strong>", pages["confirmation page"]).group(1)
    return status, number


def _head_records_a_call(life: RequestLife, head) -> str | None:
    """The head records a call by the first way to apply the hotline form offers; its desk page
    (None when the profile has no way to apply but the web form)."""
    page = get_page(head, HOTLINE)
    life.pages["hotline form"] = page
    channels = offered_channels(page)
    if not channels:
        return None
    arrival = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    recorded = head.post(HOTLINE, data=phone_call(life.profile, life.cast, channels[0], arrival))
    assert recorded.status_code == 302, recorded.get_data(as_text=True)[:3000]
    life.call_at = arrival
    return recorded.location


def _desk_handles(life: RequestLife, number: str, head, specialist) -> str:
    """Assignment, a question, a longer term asked and agreed, the answer; the request's desk page."""
    pages, cast = life.pages, life.cast
    pages["desk list of new requests"] = get_page(head, "/app/desk/")
    web = re.search(rf'href="(/app/desk/r/\d+)">{number}<', pages["desk list of new requests"]).group(1)
    pages["desk request page before assignment"] = get_page(head, web)
    post_action(head, web, "assign", {"assign-assignee": cast.specialist.id})
    post_action(specialist, web, "take")
    post_action(specialist, web, "contact", {"contact-method": "email", "contact-text": QUESTION})
    process = life.profile.deadline_length(Clock.PROCESS)
    life.extended = process is not None and Permission.APPROVE_EXTENSIONS in life.profile.permissions_of(cast.head.id)
    if life.extended:
        later = dt.datetime.now(dt.timezone.utc) + process + dt.timedelta(days=7)
        post_action(specialist, web, "extension", {
            "extension-new_due": school_clock(life.profile, later),
            "extension-reason": "Ждём ответа администратора учётных записей.",
        })  # fmt: skip
    pages["desk request page in work"] = get_page(specialist, web)
    if life.extended:
        post_action(head, web, "extension-decision", {"extension-decision-decision": "agree"})
    post_action(specialist, web, "answer", {"answer-text": ANSWER})
    return web


def _received_at(app, number: str) -> dt.datetime:
    with app.app_context():
        moment = db.session.scalar(sa.select(SupportRequest.received_at).filter_by(number=number))
        db.session.remove()
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
