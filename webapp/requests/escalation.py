"""Missed deadlines reach everyone of the control role: the head of the service (seed 002: the
head controls the deadlines), or each member of a group that controls its own (seed 000).

`check_breaches` queues one letter to each of them per request, clock and missed deadline: an
`SlaAlert` row, inserted with ON CONFLICT DO NOTHING, is the proof that the alert was queued,
so two runs at once, or a run every minute, never alert twice. The request is marked `missed`:
the desk's "missed at any time" finds it after the step is done. A processing term extended by
the head and then missed again is a new deadline, so it is alerted again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from ..deadlines.sla import breached_clause, due_column, due_of
from ..extensions import db
from ..models import SlaAlert, SupportRequest
from ..models.insert import insert_once
from ..vocabulary import Clock
from . import notifications, problems
from .context import Register

log = logging.getLogger(__name__)

KEY = ["request_id", "clock", "due_at"]  # SlaAlert's unique key


@dataclass(frozen=True)
class Breach:
    request: SupportRequest
    clock: Clock
    due: dt.datetime


def check_breaches(reg: Register, now: dt.datetime) -> list[Breach]:
    """Queue an alert to the control role for every new breach; the caller commits.
    Requests linked to an open known problem follow it first and so never break a term."""
    problems.follow_open_problems(reg.profile, now)
    db.session.flush()
    found = []
    for clock in Clock:
        due = due_column(clock)
        alerted = sa.exists().where(
            SlaAlert.request_id == SupportRequest.id,
            SlaAlert.clock == clock.value,
            SlaAlert.due_at == due,
        )
        query = sa.select(SupportRequest).where(breached_clause(clock, now), ~alerted).order_by(due)
        for req in db.session.scalars(query).all():
            breach = Breach(req, clock, due_of(req, clock))
            req.missed = True  # on record for good, whatever happens to the clock next
            if insert_once(SlaAlert, KEY, request_id=req.id, clock=clock.value, due_at=breach.due):
                notifications.sla_breach(reg, req, clock, breach.due)
                log.info("SLA breach alerted: %s, clock %s", req.number, clock.value)
                found.append(breach)
    return found
