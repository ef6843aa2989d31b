"""Deadline control (seed 002): the state of each clock for the desk, and alerts on breaches.

Three clocks per request, each running while the request waits for one step:
- "assign": from arrival until it is handed to a specialist (status "new"), due `assign_due`;
- "take": from assignment until the specialist takes it into work (status "assigned"),
  due `take_due`;
- "process": from arrival until it is answered or closed, due `process_due` (which an extension
  agreed by the head moves later).

A clock is "done" once its step is behind the request, "overdue" past its deadline, "soon" when
the service time left is at most `support.deadlines.soon_minutes` or `soon_percent` of the whole
clock (whichever is larger), and "ok" otherwise (also for the take clock before assignment).

`check_breaches` queues one e-mail to the head of the service per request, clock and missed
deadline: an `SlaAlert` row, inserted with ON CONFLICT DO NOTHING, is the proof that the alert was
sent, so two runs at once, or a run every minute, never alert twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..mail import messages
from ..models import SlaAlert, SupportRequest
from ..models.insert import insert_once
from ..school import SchoolProfile, current_school
from .clock import service_time_between

log = logging.getLogger(__name__)

CLOCKS = ("assign", "take", "process")
KEY = ["request_id", "clock", "due_at"]  # SlaAlert's unique key
# The statuses in which each clock runs; every other status means the step is done.
RUNNING = {
    "assign": ("new",),
    "take": ("assigned",),
    "process": ("new", "assigned", "in_work"),
}


@dataclass(frozen=True)
class Breach:
    request: SupportRequest
    clock: str
    due: dt.datetime


def due_of(req: SupportRequest, clock: str) -> dt.datetime | None:
    return {"assign": req.assign_due, "take": req.take_due, "process": req.process_due}[clock]


def clock_length(profile: SchoolProfile, clock: str) -> dt.timedelta:
    d = profile.support.deadlines
    return {
        "assign": dt.timedelta(minutes=d.assign_minutes),
        "take": dt.timedelta(minutes=d.take_into_work_minutes),
        "process": dt.timedelta(hours=d.process_hours),
    }[clock]


def soon_threshold(profile: SchoolProfile, clock: str) -> dt.timedelta:
    d = profile.support.deadlines
    share = clock_length(profile, clock) * d.soon_percent / 100
    return max(dt.timedelta(minutes=d.soon_minutes), share)


def clock_state(
    profile: SchoolProfile, req: SupportRequest, clock: str, now: dt.datetime
) -> str:
    if req.status not in RUNNING[clock]:
        not_started = clock == "take" and req.status == "new"
        return "ok" if not_started else "done"
    due = due_of(req, clock)
    if due is None:
        return "ok"
    if now > due:
        return "overdue"
    left = service_time_between(profile, now, due)
    return "soon" if left <= soon_threshold(profile, clock) else "ok"


def clock_states(
    req: SupportRequest, now: dt.datetime, profile: SchoolProfile | None = None
) -> dict[str, str]:
    """{"assign"|"take"|"process": "done"|"ok"|"soon"|"overdue"} for the desk."""
    profile = profile or current_school()
    return {clock: clock_state(profile, req, clock, now) for clock in CLOCKS}


def overdue_clause(now: dt.datetime) -> sa.ColumnElement[bool]:
    """SQL for "some clock of the request is overdue at `now`" (the desk's filter)."""
    return sa.or_(*(_breached(clock, now) for clock in CLOCKS))


def _breached(clock: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    due = getattr(SupportRequest, f"{clock}_due")
    return sa.and_(SupportRequest.status.in_(RUNNING[clock]), due < now)


def check_breaches(now: dt.datetime) -> list[Breach]:
    """Queue an alert to the head of the service for every new breach; the caller commits."""
    found = []
    for clock in CLOCKS:
        due = getattr(SupportRequest, f"{clock}_due")
        alerted = sa.exists().where(
            SlaAlert.request_id == SupportRequest.id,
            SlaAlert.clock == clock,
            SlaAlert.due_at == due,
        )
        query = sa.select(SupportRequest).where(_breached(clock, now), ~alerted).order_by(due)
        for req in db.session.scalars(query).all():
            breach = Breach(req, clock, due_of(req, clock))
            if insert_once(SlaAlert, KEY, request_id=req.id, clock=clock, due_at=breach.due):
                messages.sla_breach(req, clock, breach.due)
                log.info("SLA breach alerted: %s, clock %s", req.number, clock)
                found.append(breach)
    return found
