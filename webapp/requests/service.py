"""Taking a request into the register: one way in for every channel.

`register_request` is what the web form, the hotline form (and later the mailbox) call: it owns
the one-time key that makes a resent page harmless, SQLite's writer turn, and the commit.
`submit_request` does the work inside the caller's transaction: the request with its number,
route and deadlines, its first history entry and its e-mails. Nothing is sent here: the outbox
worker delivers the queued mail after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..deadlines import clock_time_between, due_for, initial_deadlines
from ..extensions import db
from ..mail import queue
from ..models import HistoryEntry, SupportRequest
from ..models.types import utc_now
from ..models.writers import writer_turn
from ..school import SchoolProfile
from ..vocabulary import Actor, Channel, Clock, Event, RequestStatus
from . import notifications, problems
from . import validation as v
from .attachments import MAX_FILES, AttachmentError, UploadedFile, store
from .context import Register
from .numbering import next_number, numbering_year
from .routing import route

log = logging.getLogger(__name__)

# How far back a recorded arrival may lie: further is almost surely a typo in the date.
OLDEST_ARRIVAL = dt.timedelta(days=30)
# Clocks of a phone and of the server differ a little.
CLOCK_SKEW = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class RequestData:
    author_name: str
    author_role: str  # student | parent | teacher
    class_name: str | None
    request_type: str
    description: str
    contact_phone: str | None
    contact_email: str | None
    # A consultation (seed 003; `request_types[].consultation`): None for other types.
    consultation_form: str | None = None  # a ConsultationForm
    consultation_mode: str | None = None  # a ConsultationMode
    subject: str | None = None  # as the profile's `subjects` names it, or as typed


class InvalidRequest(ValueError):
    """`errors` maps a RequestData field to a Russian message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {m}" for k, m in errors.items()))
        self.errors = errors


def clean_request_data(profile: SchoolProfile, data: RequestData, *, smtputf8: bool = False) -> RequestData:
    """The data as stored (normalised phone and e-mail, `7А` class), or InvalidRequest."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    request_type = profile.request_type(data.request_type)
    subjects = [s.title for s in profile.subjects]
    checks = {
        "author_name": lambda: v.clean_name(data.author_name),
        "author_role": lambda: v.clean_role(data.author_role),
        "class_name": lambda: v.clean_class(data.author_role, data.class_name),
        "request_type": lambda: _known_type(profile, data.request_type),
        "description": lambda: v.clean_description(data.description),
        "contact_phone": lambda: v.clean_phone(data.contact_phone),
        "contact_email": lambda: v.clean_email(data.contact_email, smtputf8=smtputf8),
        # Asked by some types only; any other type stores none of them.
        "consultation_form": lambda: v.clean_consultation_form(request_type, data.consultation_form),
        "consultation_mode": lambda: v.clean_consultation_mode(request_type, data.consultation_mode),
        "subject": lambda: v.clean_subject(request_type, data.subject, subjects),
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


@dataclass(frozen=True)
class Registered:
    """What the page needs of a request just stored, read before the commit (a commit expires
    the session's objects, and reading one again afterwards would cost a query)."""

    id: int
    number: str
    status_token: str

    @classmethod
    def of(cls, req: SupportRequest) -> Registered:
        return cls(id=req.id, number=req.number, status_token=req.status_token)


def register_request(
    reg: Register,
    data: RequestData,
    *,
    submission_key: str | None,
    channel: str = Channel.WEB,
    received_at: dt.datetime | None = None,
    recorded_by: str | None = None,
    consent_oral: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Registered:
    """Store a request and commit; the one way in for every channel.

    A form sent twice (a double click, a reload, a retry after a lost answer) carries the same
    `submission_key` and gets the request its first sending created, never a second one. On
    SQLite the writes wait for their turn (webapp/models/writers.py). Raises InvalidRequest
    (Russian messages by field) having changed nothing; a `received_at` typed by staff is at
    most 30 days old and not in the future.
    """
    if received_at is not None:
        try:
            check_arrival(received_at, utc_now())
        except v.InvalidInput as exc:
            raise InvalidRequest({"received_at": str(exc)}) from None
    try:
        with writer_turn():
            req = submit_request(
                reg, data, channel=channel, received_at=received_at, recorded_by=recorded_by,
                consent_oral=consent_oral, submission_key=submission_key, attachments=attachments,
            )  # fmt: skip
            stored = Registered.of(req)
            db.session.commit()
    except IntegrityError:
        # The key is taken: this page was sent before (or at the same moment, by another
        # process). Its first INSERT failed, before any file was written; the first request wins.
        db.session.rollback()
        existing = find_by_submission_key(submission_key) if submission_key else None
        if existing is None:
            raise
        return Registered.of(existing)
    except AttachmentError as refused:  # the disk is full: nothing of the request is kept
        db.session.rollback()
        raise InvalidRequest({"attachments": str(refused)}) from None
    except Exception:
        db.session.rollback()
        raise
    return stored


def submit_request(
    reg: Register,
    data: RequestData,
    *,
    channel: str = Channel.WEB,
    received_at: dt.datetime | None = None,
    recorded_by: str | None = None,
    consent_oral: bool = False,
    submission_key: str | None = None,
    attachments: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> SupportRequest:
    """Register a request in the current transaction; the caller commits (`register_request`
    is the caller for every channel). Raises InvalidRequest before writing anything."""
    if len(attachments) > MAX_FILES:
        raise ValueError(f"at most {MAX_FILES} attachments")
    profile = reg.profile
    now = now or utc_now()
    errors = {}
    try:
        data = clean_request_data(profile, data, smtputf8=reg.smtputf8)
    except InvalidRequest as invalid:
        errors.update(invalid.errors)
    try:
        channel_title(profile, channel, recorded=recorded_by is not None)
    except v.InvalidInput as exc:
        errors["channel"] = str(exc)
    if errors:
        raise InvalidRequest(errors)
    received = received_at or now
    found = route(profile, data.request_type, class_name=data.class_name, subject=data.subject)
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
        status=RequestStatus.NEW,
        routed_role=found.role,
        confidential=found.confidential,
        **initial_deadlines(profile, received),
    )
    # Every write is a plain INSERT (no ORM unit of work). A second use of the form's one-time
    # key fails at the first one, before any file is written. The number comes last: taking it
    # locks the year's counter row (on SQLite, the database) until the caller commits, and every
    # concurrent submission waits for that lock, so it covers only the number and the commit.
    if found.assignee is not None:  # the author's own teacher (routing.py): handed over at once
        values.update(handed_over(profile, values, found.assignee.id, now))
    problem = problems.problem_for(data.request_type, received)
    if problem is not None:  # a known problem: its clocks follow the problem's (problems.py)
        values["known_problem_id"] = problem.id
        values.update(problems.followed_deadlines(profile, values, problem, now))
    values["number"] = _unnumbered()
    connection = db.session.connection()
    request_id = connection.execute(_INSERT_REQUEST, values).scalar_one()
    req = _persistent(SupportRequest(id=request_id, **values, attachments=[]))
    text = f"Обращение зарегистрировано. Как поступило: {channel_title(profile, channel).lower()}."
    _record_creation(req, text, actor=recorded_by or Actor.AUTHOR, at=now)
    if found.assignee is not None:
        _record_creation(req, f"Обращение передано: {found.assigned_as}.", actor=Actor.SYSTEM, at=now,
                         event=Event.ASSIGNED, target_staff=found.assignee.id)  # fmt: skip
    if problem is not None:
        _record_creation(req, problem.title, actor=Actor.SYSTEM, at=now, event=Event.PROBLEM_LINKED)
    # Only the recipients now: the worker writes the words (notifications.write_message).
    queue.enqueue_rows(notifications.new_request_mail(reg, req), request_id=req.id)
    store(reg.upload_dir, req, list(attachments))
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


def channel_title(profile: SchoolProfile, channel: str, *, recorded: bool = False) -> str:
    """The words for how a request came in: the web form (titled as the profile's `web_form`
    channel, if it has one), or one of the profile's `channels`.

    With `recorded` (staff typing it in), only the profile's ways to apply other than the web
    form are accepted; InvalidInput otherwise.
    """
    if channel == Channel.WEB and not recorded:
        form = next((c for c in profile.channels if c.web_form), None)
        return form.title if form else Channel.WEB.label
    found = profile.channel(channel)
    if found is None or (recorded and found.web_form):
        raise v.InvalidInput("Выберите, как поступило обращение.")
    return found.title


def check_arrival(received: dt.datetime, now: dt.datetime) -> None:
    """A recorded arrival time is neither in the future nor more than 30 days old."""
    if received > now + CLOCK_SKEW:
        raise v.InvalidInput("Время поступления не может быть в будущем.")
    if received < now - OLDEST_ARRIVAL:
        raise v.InvalidInput("Обращение поступило больше 30 дней назад? Проверьте дату.")


def handed_over(profile: SchoolProfile, values: dict, assignee: str, now: dt.datetime) -> dict:
    """The columns of a request handed to `assignee` as it is registered: the assign clock
    stops now (as `lifecycle.assign` stops it), the take clock starts."""
    received, due = values["received_at"], values["assign_due"]
    late = dt.timedelta(0)
    if due is not None and now > due:
        late = clock_time_between(profile, Clock.ASSIGN, due, now)
    took = clock_time_between(profile, Clock.ASSIGN, received, now) if received < now else dt.timedelta(0)
    return {
        "status": RequestStatus.ASSIGNED,
        "assignee": assignee,
        "assigned_at": now,
        "assign_done_at": now,
        "assign_took": int(took.total_seconds()),
        "assign_late": int(late.total_seconds()),
        "missed": late > dt.timedelta(0),
        "take_due": due_for(profile, Clock.TAKE, now),
    }


def _record_creation(
    req: SupportRequest, text: str, *, actor: str, at: dt.datetime, event: Event = Event.CREATED,
    target_staff: str | None = None,
) -> None:
    entry = {"request_id": req.id, "at": at, "actor": actor, "action": event, "text": text, "public": True}
    if target_staff is not None:
        entry["target_staff"] = target_staff
    db.session.connection().execute(_INSERT_HISTORY, entry)


def find_by_submission_key(key: str) -> SupportRequest | None:
    return db.session.scalar(sa.select(SupportRequest).where(SupportRequest.submission_key == key))
