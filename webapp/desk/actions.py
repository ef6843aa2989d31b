"""The desk's actions on a request: which form each takes and which lifecycle step it runs.

`/app/desk/r/<id>/<name>` (POST) looks the action up here; the view checks access, validates
the form, runs the step, commits and says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import SelectChoice

import sqlalchemy as sa

from ..extensions import db
from ..models import SupportRequest
from ..models.types import utc_now
from ..requests import access, lifecycle

from ..requests.context import Register
from ..school import SchoolProfile
from ..vocabulary import Action
from . import forms
from .listing import parse_number


@dataclass(frozen=True)
class DeskAction:
    rule: Action  # the rule in access.may / lifecycle.ALLOWED_FROM
    form_class: type[FlaskForm]
    run: Callable[[Register, SupportRequest, str, FlaskForm], object]
    done: str | Callable[[SchoolProfile], str]  # what the person is told afterwards
    prepare: Callable[[SchoolProfile, SupportRequest, FlaskForm], None] = lambda p, r, f: None


def assignee_choices(profile: SchoolProfile, req: SupportRequest, form: forms.AssignForm) -> None:
    form.assignee.choices = [SelectChoice("", "— выберите специалиста —")] + [
        SelectChoice(member.id, f"{member.name} — {', '.join(profile.role(r).title for r in member.roles)}")
        for member in access.assignable_staff(profile, req)
    ]


def assignee_choices_routed_first(profile: SchoolProfile, req: SupportRequest, form: forms.AssignForm) -> None:
    """The routed role's specialists first (suggested), then everyone else who may take it."""
    assignee_choices(profile, req, form)
    first, *rest = form.assignee.choices
    routed = [c for c in rest if req.routed_role in profile.staff_member(c.value).roles]
    others = [c for c in rest if c not in routed]
    form.assignee.choices = [first] + [
        SelectChoice(c.value, f"{c.label} — роль обращения") for c in routed
    ] + others


def _original(reg: Register, req: SupportRequest, me: str, typed: str) -> SupportRequest | None:
    """The request a duplicate repeats, by its number as typed; None if absent or not visible."""
    number = parse_number(reg.profile, typed or "", utc_now())
    if number is None:
        return None
    found = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.number == number))
    if found is None or not access.can_view(reg.profile, me, found):
        return None
    return found


def _new_due(reg: Register, form: forms.ExtensionForm):
    return forms.school_time(reg.profile, form.new_due.data)


ACTIONS: dict[str, DeskAction] = {
    "assign": DeskAction(
        Action.ASSIGN, forms.AssignForm,
        lambda reg, req, me, f: lifecycle.assign(reg, req, me, f.assignee.data),
        "Обращение передано специалисту.", prepare=assignee_choices_routed_first,
    ),
    "take": DeskAction(
        Action.TAKE, forms.ActionForm,
        lambda reg, req, me, f: lifecycle.take_into_work(reg, req, me),
        "Обращение взято в работу.",
    ),
    "note": DeskAction(
        Action.NOTE, forms.NoteForm,
        lambda reg, req, me, f: lifecycle.add_note(reg, req, me, f.text.data),
        "Заметка добавлена.",
    ),
    "contact": DeskAction(
        Action.CONTACT, forms.ContactForm,
        lambda reg, req, me, f: lifecycle.record_contact(reg, req, me, f.method.data, f.text.data),
        "Связь с автором записана.",
    ),
    "answer": DeskAction(
        Action.ANSWER, forms.AnswerForm,
        lambda reg, req, me, f: lifecycle.answer_by_email(reg, req, me, f.text.data),
        "Ответ поставлен в очередь на отправку автору.",
    ),
    "oral-answer": DeskAction(
        Action.ANSWER, forms.OralAnswerForm,
        lambda reg, req, me, f: lifecycle.record_oral_answer(reg, req, me, f.summary.data),
        "Устный ответ записан.",
    ),
    "extension": DeskAction(
        Action.REQUEST_EXTENSION, forms.ExtensionForm,
        lambda reg, req, me, f: lifecycle.request_extension(reg, req, me, f.reason.data, _new_due(reg, f)),
        lambda profile: "Просьба о продлении срока отправлена "
        + ("руководителю." if profile.has_head else "на согласование."),
    ),
    "extension-decision": DeskAction(
        Action.DECIDE_EXTENSION, forms.DecisionForm,
        lambda reg, req, me, f: lifecycle.decide_extension(reg, req, me, f.decision.data == "agree", f.comment.data),
        "Решение о сроке записано.",
    ),
    "close": DeskAction(
        Action.CLOSE, forms.CloseForm,
        lambda reg, req, me, f: lifecycle.close(reg, req, me, f.outcome.data),
        "Обращение закрыто. Автору отправлено письмо.",
    ),
    "duplicate": DeskAction(
        Action.CLOSE_DUPLICATE, forms.DuplicateForm,
        lambda reg, req, me, f: lifecycle.close_as_duplicate(reg, req, me, _original(reg, req, me, f.number.data)),
        "Обращение закрыто как дубликат.",
    ),
    "reopen": DeskAction(
        Action.REOPEN, forms.ReopenForm,
        lambda reg, req, me, f: lifecycle.reopen(reg, req, me, f.reason.data),
        "Обращение открыто снова.",
    ),
}  # fmt: skip
