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
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..deadlines import add_service_time
from ..extensions import db
from ..mail import messages, queue
from ..models import HistoryEntry, SupportRequest
from ..models.requests import CHANNELS
from ..models.types import utc_now
from ..school import SchoolProfile, current_school
from . import validation as v
from .attachments import MAX_FILES, UploadedFile, store
from .numbering import next_number, numbering_year
from .routing import route

log = logging.getLogger(__name__)

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
    values = dict(
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
    )
    # Every write is a plain INSERT (no ORM unit of work). A second use of the form's one-time
    # key fails at the first one, before any file is written. The number comes last: taking it
    # locks the year's counter row (on SQLite, the database) until the caller commits, and every
    # concurrent submission waits for that lock, so it covers only the number and the commit.
    values["number"] = _unnumbered()
    connection = db.session.connection()
    request_id = connection.execute(_INSERT_REQUEST, values).scalar_one()
    req = _persistent(SupportRequest(id=request_id, **values, attachments=[]))
    _record_creation(req, CREATED_TEXT[channel], actor=recorded_by or "author", at=now)
    queue.enqueue_rows(messages.new_request_mail(req), request_id=req.id)  # words: by the worker
    store(current_app.config["UPLOAD_DIR"], req, list(attachments))
    db.session.flush()  # the attachments' rows
    number = next_number(numbering_year(profile, received))
    connection.execute(_SET_NUMBER, {"request_id": request_id, "number": number})
    set_committed_value(req, "number", number)
    log.info("request %s registered: type=%s route=%s channel=%s", req.number, req.request_type,
             req.routed_role, channel)  # fmt: skip
    return req


_REQUESTS = SupportRequest.__table__
_INSERT_REQUEST = sa.insert(_REQUESTS).returning(_REQUESTS.c.id)
_INSERT_HISTORY = sa.insert(HistoryEntry.__table__)
_SET_NUMBER = (
    sa.update(_REQUESTS)
    .where(_REQUESTS.c.id == sa.bindparam("request_id"))
    .values(number=sa.bindparam("number"))
)


def _unnumbered() -> str:
    """A stand-in for the number, unique and never committed: replaced in the same transaction."""
    return "~" + secrets.token_hex(7)


def _persistent(req: SupportRequest) -> SupportRequest:
    """The session's object for a row just inserted with Core, without reading it back; what
    the INSERT filled in by default (timestamps) is loaded when first read."""
    make_transient_to_detached(req)
    db.session.add(req)
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
    db.session.connection().execute(_INSERT_HISTORY, entry)


def token_for_submission_key(key: str) -> str | None:
    """The status token of the request a form's one-time key already created, if any."""
    query = sa.select(SupportRequest.status_token).where(SupportRequest.submission_key == key)
    return db.session.scalar(query)


def find_by_submission_key(key: str) -> SupportRequest | None:
    return db.session.scalar(sa.select(SupportRequest).where(SupportRequest.submission_key == key))
