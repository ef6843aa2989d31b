"""What the desk's pages are built from: the filter choices and a request's action forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wtforms import SelectChoice

from ..models import SupportRequest
from ..requests.routing import UnknownRequestType, route
from ..school import SchoolProfile
from ..vocabulary import Actor, Event, Permission, RequestStatus
from .actions import ACTIONS
from .forms import FilterForm, local_input_value
from .listing import STATUS_FILTERS, UNASSIGNED, Filters


# A term in the calendar's last days (set by hand) gets no suggested later one: there is none.
_LAST_DAYS = dt.datetime.max.replace(tzinfo=dt.timezone.utc) - dt.timedelta(days=2)


def filter_choices(profile: SchoolProfile, form: FilterForm) -> None:
    form.status.choices = [
        SelectChoice("open", "Открытые"),
        SelectChoice("all", "Все"),
    ] + [SelectChoice(status.value, status.label.capitalize()) for status in RequestStatus]
    form.request_type.choices = [SelectChoice("", "Все виды")] + [
        SelectChoice(t.id, t.title) for t in profile.request_types
    ]
    form.assignee.choices = [SelectChoice("", "Все"), SelectChoice(UNASSIGNED, "Никому не передано")] + [
        SelectChoice(s.id, s.name) for s in profile.staff if Permission.ANSWER in profile.permissions_of(s.id)
    ]


def read_filters(form: FilterForm) -> Filters:
    """The filters asked for in the address; a search looks through every status."""
    q = (form.q.data or "").strip()[:100]
    status = "all" if q else form.status.data if form.status.data in STATUS_FILTERS else "open"
    form.status.data = status
    return Filters(
        status=status,
        request_type=form.request_type.data or "",
        assignee=form.assignee.data or "",
        overdue=bool(form.overdue.data),
        extension=bool(form.extension.data),
        missed=bool(form.missed.data),
        due_soon=bool(form.due_soon.data),
        low_rating=bool(form.low_rating.data),
        q=q,
    )


@dataclass(frozen=True)
class HandedOnArrival:
    """The teacher a request was handed to as it arrived (routing.py, `route_by`), and why."""

    staff_id: str
    why: str  # «учитель предмета «Физика», класс 9А»; empty when the profile no longer says


def handed_on_arrival(profile: SchoolProfile, req: SupportRequest) -> HandedOnArrival | None:
    """Who the routing handed the request to on arrival (the system's hand-over in its history),
    None for a request routed to a role. The reason is the routing's own, while the profile
    still sends such a request to that teacher."""
    entry = next((e for e in req.history if e.action == Event.ASSIGNED and e.actor == Actor.SYSTEM), None)
    if entry is None or not entry.target_staff:
        return None
    try:
        found = route(profile, req.request_type, class_name=req.class_name, subject=req.subject)
    except UnknownRequestType:
        found = None
    same = found is not None and found.assignee is not None and found.assignee.id == entry.target_staff
    return HandedOnArrival(entry.target_staff, found.assigned_as if same else "")


def request_forms(profile: SchoolProfile, req: SupportRequest, bound: dict) -> dict:
    """One form per action for the request page; a form that failed keeps what was typed."""
    made = {}
    for name, spec in ACTIONS.items():
        form = bound.get(name) or spec.form_class(formdata=None, prefix=name)
        spec.prepare(profile, req, form)
        made[name] = form
    extension = made["extension"]
    if extension.new_due.data is None and req.process_due is not None and req.process_due < _LAST_DAYS:
        extension.new_due.data = local_input_value(profile, req.process_due + dt.timedelta(days=1))
    return made
