"""The control view's figures (issue 12; seed 002: the head of the service controls execution).

Every figure is the count of a desk list — the same `register_query` with the same filters —
so the number and the list its link opens cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import sqlalchemy as sa

from ..extensions import db
from ..models import JobMark, OutboxMessage, SupportRequest
from ..models.marks import MAILBOX_FETCH
from ..models.types import utc_now
from ..requests import access
from ..requests.satisfaction import low_clause
from ..retention.purge import unclosed_beyond
from ..school import SchoolProfile
from ..vocabulary import Clock, OutboxStatus, Permission, RequestStatus
from .listing import UNASSIGNED, Filters, capped_count, register_query

LOW_RATINGS_SHOWN = 20


@dataclass(frozen=True)
class Figure:
    label: str
    filters: Filters
    count: int

    def args(self) -> dict[str, str]:
        """The queue's address parameters for these filters (what FilterForm reads)."""
        default = Filters()
        args = {}
        for f in fields(Filters):
            value = getattr(self.filters, f.name)
            if value == getattr(default, f.name) and f.name != "status":
                continue
            args[f.name] = "y" if value is True else value
        return args


def _figure(profile, me, now, label: str, filters: Filters) -> Figure:
    return Figure(label, filters, capped_count(register_query(profile, me, filters, now)))


def has_deadlines(profile: SchoolProfile) -> bool:
    """Whether the act sets any deadline: without one, nothing is ever overdue or due soon."""
    return profile.support.deadlines is not None


def extensions_possible(profile: SchoolProfile) -> bool:
    """Whether a longer term can be asked and decided: a processing deadline and someone who may
    approve extensions (a request waiting for that decision exists only then)."""
    approvers = any(Permission.APPROVE_EXTENSIONS in profile.permissions_of(s.id) for s in profile.staff)
    return approvers and profile.deadline_length(Clock.PROCESS) is not None


def control_figures(profile: SchoolProfile, me: str, now: dt.datetime) -> dict[str, list[Figure]]:
    """The figures of the control view; those of deadlines and extensions only where the
    profile has them (seeds 001, 003, 004 set no deadlines)."""
    figure = lambda label, **kw: _figure(profile, me, now, label, Filters(**kw))  # noqa: E731
    answerers = [s for s in profile.staff if Permission.ANSWER in profile.permissions_of(s.id)]
    timed = has_deadlines(profile)
    deadlines = [
        *([figure("Просрочены сейчас", overdue=True),
           figure("Срок истекает в течение получаса", due_soon=True)] if timed else []),
        *([figure("Ждут решения о продлении срока", status="all", extension=True)]
          if extensions_possible(profile) else []),
        figure("Ждут закрытия (дан ответ)", status=RequestStatus.ANSWERED.value),
        *([figure("Открытые, у которых срок пропускался", missed=True)] if timed else []),
        figure("Низкая оценка автора", status="all", low_rating=True),
    ]  # fmt: skip
    return {
        "deadlines": deadlines,
        "statuses": [figure(status.label.capitalize(), status=status.value) for status in RequestStatus.open()],
        "specialists": [figure("Никому не передано", assignee=UNASSIGNED)]
        + [figure(member.name, assignee=member.id) for member in answerers],
    }


def undelivered_mail() -> int:
    """Letters the outbox gave up on (`flask --app wsgi outbox failed` lists them)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED.value)
    )


def low_rated(profile: SchoolProfile, me: str) -> list[SupportRequest]:
    """The latest low ratings the person may see, with their comments."""
    query = (
        sa.select(SupportRequest)
        .where(access.visible_clause(profile, me), low_clause(profile))
        .order_by(SupportRequest.rated_at.desc()).limit(LOW_RATINGS_SHOWN)
    )  # fmt: skip
    return list(db.session.scalars(query))


UNCLOSED_SHOWN = 50


def unclosed_old(profile: SchoolProfile, me: str) -> list[SupportRequest]:
    """Requests never closed that arrived longer ago than the retention term (issue 13): the
    purge leaves them alone, so the head must see them."""
    query = unclosed_beyond(profile.privacy.retention_days, utc_now()).where(access.visible_clause(profile, me))
    return list(db.session.scalars(query.limit(UNCLOSED_SHOWN)))


def last_mailbox_fetch() -> JobMark | None:
    """The last `mailbox fetch`: when, whether it reached the mailbox, and its counts (how many
    letters it left there to be sorted by hand)."""
    return db.session.get(JobMark, MAILBOX_FETCH)
