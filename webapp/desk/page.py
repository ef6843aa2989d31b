"""What the desk's pages are built from: the filter choices and a request's action forms."""

from __future__ import annotations

import datetime as dt

from wtforms import SelectChoice

from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Permission, RequestStatus
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
