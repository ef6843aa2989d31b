"""Taking a request into the register: one function for every channel.

`submit_request` stores the request with its number, route and deadlines, its first history
entry and its e-mails, all in the caller's transaction; the caller commits. Nothing is sent
here: the outbox worker delivers the queued mail after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import sqlalchemy as sa
from flask import current_app

from ..deadlines import add_service_time
from ..extensions import db
from ..mail import messages, outbox
from ..models import HistoryEntry, SupportRequest
from ..models.requests import CHANNELS
from ..models.types import utc_now
from ..school import SchoolProfile, current_school
from . import validation as v
from .attachments import MAX_FILES, UploadedFile, store
from .numbering import next_number, numbering_year
from .routing import route

log = logging.getLogger(__name__)

# Stands for the request number in mail rendered before the number is taken. Private-use
# characters: text never holds them by accident, and if typed on purpose they only turn into
# the author's own number.
PENDING_NUMBER = "\ue000NUMBER\ue000"

CREATED_TEXT = {
    "web": "Обращение получено через форму на сайте и зарегистрировано.",
    "phone": "Обращение принято по телефону и зарегистрировано.",
    "in_person": "Обращение принято лично и зарегистрировано.",
    "class_chat": "Обращение передано из чата класса и зарегистрировано.",
    "email": "Обращение получено по электронной почте и зарегистрировано.",
}


@dataclass(frozen=True)
class RequestData:
    author_name: str
    author_role: str  # student | parent | teacher
    class_name: str | None
    request_type: str
    description: str
    contact_phone: str | None
    contact_email: str | None


class InvalidRequest(ValueError):
    """`errors` maps a RequestData field to a Russian message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {m}" for k, m in errors.items()))
        self.errors = errors


def clean_request_data(profile: SchoolProfile, data: RequestData) -> RequestData:
    """The data as stored (normalised phone and e-mail, `7А` class), or InvalidRequest."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    checks = {
        "author_name": lambda: v.clean_name(data.author_name),
        "author_role": lambda: v.clean_role(data.author_role),
        "class_name": lambda: v.clean_class(data.author_role, data.class_name),
        "request_type": lambda: _known_type(profile, data.request_type),
        "description": lambda: v.clean_description(data.description),
        "contact_phone": lambda: v.clean_phone(data.contact_phone),
        "contact_email": lambda: v.clean_email(data.contact_email),
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except v.InvalidInput as exc:
            errors[name] = str(exc)
    if not errors:
        try:
            v.require_contact(cleaned["contact_phone"], cleaned["contact_email"])
        except v.InvalidInput as exc:
            errors["contact_phone"] = str(exc)
    if errors:
        raise InvalidRequest(errors)
    return replace(data, **cleaned)


def _known_type(profile: SchoolProfile, type_id: str) -> str:
    if profile.request_type(type_id) is None:
        raise v.InvalidInput("Выберите вид обращения из списка.")
    return type_id


def submit_request(
    data: RequestData,
    *,
    channel: str = "web",
    received_at: dt.datetime | None = None,
    recorded_by: str | None = None,
    consent_oral: bool = False,
    submission_key: str | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> SupportRequest:
    """Register a request in the current transaction; the caller commits."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if len(attachments) > MAX_FILES:
        raise ValueError(f"at most {MAX_FILES} attachments")
    profile = current_school()
    data = clean_request_data(profile, data)
    now = utc_now()
    received = received_at or now
    found = route(profile, data.request_type)
    req = SupportRequest(
        status_token=secrets.token_urlsafe(32),
        submission_key=submission_key,
        channel=channel,
        received_at=received,
        recorded_at=now,
        recorded_by=recorded_by,
        **asdict(data),
        consent_at=now,
        consent_version=profile.privacy.consent_version,
        consent_oral=consent_oral,
        status="new",
        routed_role=found.role,
        confidential=found.confidential,
        **deadlines(profile, received),
        attachments=[],
    )
    # Taking the number locks the year's counter row (on SQLite, the database) until the
    # caller commits, and every concurrent submission waits for it. So the mail is rendered
    # first, with a stand-in number, and only the writes happen under the lock.
    req.number = PENDING_NUMBER
    mail = messages.new_request_mail(req)
    req.number = next_number(numbering_year(profile, received))
    db.session.add(req)
    db.session.flush()  # a second use of the form's one-time key fails here, before any file
    # With the request's id known, its first history entry and its mail are plain INSERTs:
    # no ORM bookkeeping while the counter is locked.
    _record_creation(req, CREATED_TEXT[channel], actor=recorded_by or "author", at=now)
    outbox.enqueue_rows([_with_number(row, req.number) for row in mail], request_id=req.id)
    store(current_app.config["UPLOAD_DIR"], req, list(attachments))
    log.info("request %s registered: type=%s route=%s channel=%s", req.number, req.request_type,
             req.routed_role, channel)  # fmt: skip
    return req


def deadlines(profile: SchoolProfile, received: dt.datetime) -> dict[str, dt.datetime | None]:
    """The assign and process clocks start at arrival; the take clock starts at assignment."""
    limits = profile.support.deadlines
    return {
        "assign_due": add_service_time(profile, received, dt.timedelta(minutes=limits.assign_minutes)),
        "take_due": None,
        "process_due": add_service_time(profile, received, dt.timedelta(hours=limits.process_hours)),
    }


def _record_creation(req: SupportRequest, text: str, *, actor: str, at: dt.datetime) -> None:
    entry = {"request_id": req.id, "at": at, "actor": actor, "action": "created", "text": text,
             "public": True}  # fmt: skip
    db.session.execute(sa.insert(HistoryEntry.__table__), entry)


def _with_number(row: dict, number: str) -> dict:
    fields = ("subject", "body_text", "body_html")
    return {**row, **{field: row[field].replace(PENDING_NUMBER, number) for field in fields}}


def token_for_submission_key(key: str) -> str | None:
    """The status token of the request a form's one-time key already created, if any."""
    query = sa.select(SupportRequest.status_token).where(SupportRequest.submission_key == key)
    return db.session.scalar(query)


def find_by_submission_key(key: str) -> SupportRequest | None:
    return db.session.scalar(sa.select(SupportRequest).where(SupportRequest.submission_key == key))
