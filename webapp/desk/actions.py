"""The desk's actions on a request: which form each takes and which lifecycle step it runs.

`/app/desk/r/<id>/<name>` (POST) looks the action up here; the view checks access, validates
the form, runs the step, commits and says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ..models import SupportRequest
from ..requests import access, lifecycle
from ..school import SchoolProfile, current_school
from . import forms


@dataclass(frozen=True)
class DeskAction:
    rule: str  # the name in access.may / lifecycle.ALLOWED_FROM
    form_class: type[FlaskForm]
    run: Callable[[SupportRequest, str, FlaskForm], object]
    done: str  # what the person is told afterwards
    prepare: Callable[[SchoolProfile, SupportRequest, FlaskForm], None] = lambda p, r, f: None


def assignee_choices(profile: SchoolProfile, req: SupportRequest, form: forms.AssignForm) -> None:
    form.assignee.choices = [SelectChoice("", "— выберите специалиста —")] + [
        SelectChoice(member.id, f"{member.name} — {', '.join(profile.role(r).title for r in member.roles)}")
        for member in access.assignable_staff(profile, req)
    ]


def _new_due(form: forms.ExtensionForm):
    return forms.school_time(current_school(), form.new_due.data)


ACTIONS: dict[str, DeskAction] = {
    "assign": DeskAction(
        "assign", forms.AssignForm,
        lambda req, me, f: lifecycle.assign(req, me, f.assignee.data),
        "Обращение передано специалисту.", prepare=assignee_choices,
    ),
    "take": DeskAction(
        "take", forms.ActionForm,
        lambda req, me, f: lifecycle.take_into_work(req, me),
        "Обращение взято в работу.",
    ),
    "note": DeskAction(
        "note", forms.NoteForm,
        lambda req, me, f: lifecycle.add_note(req, me, f.text.data),
        "Заметка добавлена.",
    ),
    "contact": DeskAction(
        "contact", forms.ContactForm,
        lambda req, me, f: lifecycle.record_contact(req, me, f.method.data, f.text.data),
        "Связь с автором записана.",
    ),
    "answer": DeskAction(
        "answer", forms.AnswerForm,
        lambda req, me, f: lifecycle.answer_by_email(req, me, f.text.data),
        "Ответ поставлен в очередь на отправку автору.",
    ),
    "oral-answer": DeskAction(
        "answer", forms.OralAnswerForm,
        lambda req, me, f: lifecycle.record_oral_answer(req, me, f.summary.data),
        "Устный ответ записан.",
    ),
    "extension": DeskAction(
        "request_extension", forms.ExtensionForm,
        lambda req, me, f: lifecycle.request_extension(req, me, f.reason.data, _new_due(f)),
        "Просьба о продлении срока отправлена руководителю.",
    ),
    "extension-decision": DeskAction(
        "decide_extension", forms.DecisionForm,
        lambda req, me, f: lifecycle.decide_extension(req, me, f.decision.data == "agree", f.comment.data),
        "Решение о сроке записано.",
    ),
    "close": DeskAction(
        "close", forms.ActionForm,
        lambda req, me, f: lifecycle.close(req, me),
        "Обращение закрыто.",
    ),
    "reopen": DeskAction(
        "reopen", forms.ReopenForm,
        lambda req, me, f: lifecycle.reopen(req, me, f.reason.data),
        "Обращение открыто снова.",
    ),
}  # fmt: skip
