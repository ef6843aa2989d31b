"""Known problems: one answer for the many requests a failing platform brings.

When Сферум or the regional e-journal is down, hundreds of families write the same thing within
an hour. The head of the service (or a role with `declare_problems`) declares a known problem:
its request types, maybe its platform, a public text. While it is open:

- new requests of its types are linked to it as they arrive (the author is told so), and staff
  may link or unlink any open request;
- a linked request's clocks follow the problem instead of breaking one by one: they are extended
  to the problem's expected end (or, while none is known or it has passed, to an hour after each
  deadline check) plus the clock's own length. The service answers all of them at once, so the
  act's terms still hold from the moment the cause is gone; pausing instead would need a second
  set of clock arithmetic and would tell the head nothing different (README, «Известные проблемы»).

Resolving it answers every linked open request with the head's text: one letter per author's
address through the outbox, the answer in each history, each request answered or closed as the
head chooses. Seed 001 asks the teacher to contact the vendor and tell the administration; this is
how the administration tells everyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..deadlines import due_for
from ..extensions import db
from ..formatting import local_datetime
from ..models import KnownProblem, SupportRequest
from ..models.types import utc_now
from ..school import SchoolProfile
from ..vocabulary import Actor, Clock, Event, Permission, RequestStatus
from . import access, lifecycle, notifications
from .context import Register
from .transitions import record

TITLE_MAX = 120
TEXT_MAX = 2000
MESSAGE_MAX = 5000
LONGEST = dt.timedelta(days=30)  # a start or an expected end further away is a typing mistake
CLOCK_SKEW = dt.timedelta(minutes=2)
FOLLOW_MARGIN = dt.timedelta(hours=1)  # see followed_deadlines
DUE_COLUMNS = {Clock.ASSIGN: "assign_due", Clock.TAKE: "take_due", Clock.PROCESS: "process_due"}


class ProblemError(ValueError):
    """`str()` is a Russian message; nothing was changed."""


@dataclass(frozen=True)
class ProblemFacts:
    """What the head types: the public headline and text, what it concerns, its times (UTC)."""

    title: str
    public_text: str
    request_types: tuple[str, ...]
    platform: str | None
    started_at: dt.datetime
    expected_at: dt.datetime | None = None


def may_declare(profile: SchoolProfile, staff_id: str) -> bool:
    me = access.actor(profile, staff_id)
    return me.is_head or me.has(Permission.DECLARE_PROBLEMS)


def clean_facts(profile: SchoolProfile, facts: ProblemFacts, now: dt.datetime) -> ProblemFacts:
    """The facts with their text trimmed; raises ProblemError with a Russian message."""
    title = " ".join((facts.title or "").split())
    text = (facts.public_text or "").strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise ProblemError(f"Заголовок — от 3 до {TITLE_MAX} знаков: что не работает, например «Не открывается Сферум».")
    if not text:
        raise ProblemError("Напишите для семей, что известно и что делает школа.")
    if len(text) > TEXT_MAX:
        raise ProblemError(f"Текст для семей — не длиннее {TEXT_MAX} знаков.")
    known_types = {t.id for t in profile.request_types}
    types = tuple(dict.fromkeys(t for t in facts.request_types if t))
    if any(t not in known_types for t in types):
        raise ProblemError("Выберите виды обращений из списка.")
    if facts.platform and facts.platform not in {p.id for p in profile.platforms}:
        raise ProblemError("Выберите платформу из списка.")
    if not types:
        raise ProblemError("Отметьте хотя бы один вид обращений, которых касается проблема.")
    if facts.started_at > now + CLOCK_SKEW or facts.started_at < now - LONGEST:
        raise ProblemError("Начало проблемы — не позже текущего момента и не раньше чем 30 дней назад.")
    if facts.expected_at is not None and not facts.started_at < facts.expected_at <= now + LONGEST:
        raise ProblemError("Ожидаемое время решения — позже начала и не дальше чем через 30 дней.")
    return ProblemFacts(title, text, types, facts.platform or None, facts.started_at, facts.expected_at)


def declare(reg: Register, staff_id: str, facts: ProblemFacts, *, now: dt.datetime | None = None) -> KnownProblem:
    """Declare a problem in the caller's transaction; open requests of its types that arrived
    since it started are linked to it at once (they are about the same fault)."""
    now = now or utc_now()
    _check_may(reg.profile, staff_id)
    facts = clean_facts(reg.profile, facts, now)
    problem = KnownProblem(
        title=facts.title, public_text=facts.public_text, request_types=",".join(facts.request_types),
        platform=facts.platform, started_at=facts.started_at, expected_at=facts.expected_at,
        declared_by=staff_id, declared_at=now, updated_at=now,
    )  # fmt: skip
    db.session.add(problem)
    db.session.flush()
    waiting = db.session.scalars(
        sa.select(SupportRequest).where(
            SupportRequest.request_type.in_(facts.request_types),
            SupportRequest.status.in_(RequestStatus.open()),
            SupportRequest.received_at >= facts.started_at,
            SupportRequest.known_problem_id.is_(None),
        )
    )
    for req in waiting:
        _link(reg.profile, req, problem, staff_id, now)
    return problem


def update(reg: Register, problem: KnownProblem, staff_id: str, facts: ProblemFacts, *, now: dt.datetime | None = None) -> None:
    """Change an open problem's text, types or times; linked requests follow the new end."""
    now = now or utc_now()
    _check_may(reg.profile, staff_id)
    if not problem.is_open:
        raise ProblemError("Проблема уже решена: её нельзя изменить.")
    facts = clean_facts(reg.profile, facts, now)
    problem.title, problem.public_text = facts.title, facts.public_text
    problem.request_types, problem.platform = ",".join(facts.request_types), facts.platform
    problem.started_at, problem.expected_at, problem.updated_at = facts.started_at, facts.expected_at, now
    for req in linked_open(problem):
        follow(reg.profile, req, problem, now)


def open_problems() -> list[KnownProblem]:
    """The problems not yet resolved, the newest first."""
    query = sa.select(KnownProblem).where(KnownProblem.resolved_at.is_(None))
    return list(db.session.scalars(query.order_by(KnownProblem.started_at.desc(), KnownProblem.id.desc())))


def public_view(profile: SchoolProfile, problem: KnownProblem) -> dict:
    """What families see of a problem (JSON-ready): no staff names, no requests; times in the
    school's zone as words («30 ноября 2026, 09:15»)."""
    titles = {t.id: t.title for t in profile.request_types}
    platform = next((p.name for p in profile.platforms if p.id == problem.platform), None)
    return {
        "id": problem.id, "title": problem.title, "text": problem.public_text,
        "types": problem.type_ids, "type_titles": [titles.get(t, t) for t in problem.type_ids],
        "platform": platform, "since": local_datetime(profile, problem.started_at),
        "expected": local_datetime(profile, problem.expected_at) if problem.expected_at else None,
    }  # fmt: skip


def recent_problems(limit: int = 50) -> list[KnownProblem]:
    """The latest problems, open or resolved, the newest first."""
    query = sa.select(KnownProblem).order_by(KnownProblem.started_at.desc(), KnownProblem.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def linked_count(problem: KnownProblem) -> int:
    query = sa.select(sa.func.count()).select_from(SupportRequest).where(SupportRequest.known_problem_id == problem.id)
    return db.session.scalar(query) or 0


def problem_for(request_type: str, at: dt.datetime) -> KnownProblem | None:
    """The open problem a request of this type arriving at `at` belongs to (the newest one)."""
    return next((p for p in open_problems() if request_type in p.type_ids and p.started_at <= at), None)


def link_on_arrival(reg: Register, req: SupportRequest, now: dt.datetime) -> KnownProblem | None:
    """Called by the register for each new request, before its letters are written."""
    problem = problem_for(req.request_type, req.received_at)
    if problem is not None:
        _link(reg.profile, req, problem, None, now)
    return problem


def link(reg: Register, req: SupportRequest, problem: KnownProblem, staff_id: str, *, now: dt.datetime | None = None) -> None:
    now = now or utc_now()
    if not access.can_view(reg.profile, staff_id, req):
        raise ProblemError("Это обращение вам не видно.")
    if not problem.is_open:
        raise ProblemError("Проблема уже решена: связать с ней нельзя.")
    if req.status not in RequestStatus.open():
        raise ProblemError("Связать с известной проблемой можно только обращение, на которое ещё нет ответа.")
    if req.known_problem_id == problem.id:
        raise ProblemError("Обращение уже связано с этой проблемой.")
    _link(reg.profile, req, problem, staff_id, now)


def unlink(reg: Register, req: SupportRequest, staff_id: str, *, now: dt.datetime | None = None) -> None:
    """The request is about something else: its clocks run again from now, as for a new one."""
    now = now or utc_now()
    if req.known_problem_id is None:
        raise ProblemError("Обращение не связано с известной проблемой.")
    if not access.can_view(reg.profile, staff_id, req):
        raise ProblemError("Это обращение вам не видно.")
    req.known_problem_id = None
    for clock, column in DUE_COLUMNS.items():
        if getattr(req, column) is not None:
            due = getattr(req, column)
            setattr(req, column, max(due, due_for(reg.profile, clock, now) or due))
    record(req, staff_id, Event.PROBLEM_UNLINKED, "", public=False, now=now)


def linked_open(problem: KnownProblem) -> list[SupportRequest]:
    query = sa.select(SupportRequest).where(
        SupportRequest.known_problem_id == problem.id, SupportRequest.status.in_(RequestStatus.open())
    )
    return list(db.session.scalars(query.order_by(SupportRequest.id)))


def follow(profile: SchoolProfile, req: SupportRequest, problem: KnownProblem, now: dt.datetime) -> None:
    """Extend the request's deadlines to the problem's expected end (or now) plus each term."""
    current = {column: getattr(req, column) for column in DUE_COLUMNS.values()}
    for column, due in followed_deadlines(profile, current, problem, now).items():
        setattr(req, column, due)


def followed_deadlines(
    profile: SchoolProfile, deadlines: dict[str, dt.datetime | None], problem: KnownProblem, now: dt.datetime
) -> dict[str, dt.datetime | None]:
    """`{"assign_due": …, "take_due": …, "process_due": …}` moved to at least the problem's
    expected end (or an hour from `now`, whichever is later) plus each clock's length, counted
    the way that clock runs (working hours or calendar, webapp/deadlines/due.py); None stays None. The hour keeps linked requests off the «due within 30 minutes» list."""
    base = max(now + FOLLOW_MARGIN, problem.expected_at or now)
    moved = dict(deadlines)
    for clock, column in DUE_COLUMNS.items():
        if moved.get(column) is not None:
            moved[column] = max(moved[column], due_for(profile, clock, base) or moved[column])
    return moved


def follow_open_problems(profile: SchoolProfile, now: dt.datetime) -> int:
    """Before each deadline check: no linked request breaks a term while its problem is open."""
    moved = 0
    for problem in open_problems():
        for req in linked_open(problem):
            follow(profile, req, problem, now)
            moved += 1
    return moved


@dataclass(frozen=True)
class Resolution:
    answered: list[str]  # numbers of the requests answered
    letters: int  # letters queued (one per author's address)


def resolve(
    reg: Register, problem: KnownProblem, staff_id: str, message: str, *, close: bool,
    now: dt.datetime | None = None,
) -> Resolution:
    """Answer every linked open request with `message`, one letter per author's address."""
    now = now or utc_now()
    _check_may(reg.profile, staff_id)
    if not problem.is_open:
        raise ProblemError("Проблема уже решена.")
    message = (message or "").strip()
    if not message or len(message) > MESSAGE_MAX:
        raise ProblemError(f"Напишите текст письма семьям: что случилось и что делать теперь (до {MESSAGE_MAX} знаков).")
    problem.resolved_at, problem.resolved_by, problem.resolution_text, problem.updated_at = now, staff_id, message, now
    requests = linked_open(problem)
    by_address: dict[str, list[SupportRequest]] = {}
    for req in requests:
        lifecycle.answer_for_problem(reg, req, staff_id, message, close=close, now=now)
        if req.contact_email:
            by_address.setdefault(req.contact_email.casefold(), []).append(req)
    for group in by_address.values():
        notifications.problem_resolved(reg, problem, group)
    return Resolution([r.number for r in requests], len(by_address))


def _link(profile: SchoolProfile, req: SupportRequest, problem: KnownProblem, staff_id: str | None, now) -> None:
    req.known_problem_id = problem.id
    req.known_problem = problem
    follow(profile, req, problem, now)
    record(req, staff_id or Actor.SYSTEM, Event.PROBLEM_LINKED, problem.title, public=True, now=now)


def _check_may(profile: SchoolProfile, staff_id: str) -> None:
    if not may_declare(profile, staff_id):
        raise ProblemError("Объявлять известные проблемы может только сотрудник с таким правом.")
