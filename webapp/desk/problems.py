"""/app/desk/problems: known problems on the desk (webapp/requests/problems.py has the rules).

Everyone signed in sees the open problems (the hotline needs them while a parent is on the
phone); declaring, changing, linking and resolving is for the head of the service and roles with
`declare_problems`, and unlinking a request for whoever sees it.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import KnownProblem, SupportRequest
from ..models.types import utc_now
from ..requests import access, problems
from ..web.current import current_register, current_school
from ..web.forms import RussianForm
from ..web.staff_pages import staff_context
from .forms import local_input_value, school_time
from .problem_forms import LinkForm, ProblemForm, ResolveForm

bp = Blueprint("problems", __name__)
bp.context_processor(staff_context)
log = logging.getLogger(__name__)
LINKED_SHOWN = 200


@bp.before_request
@login_required
def _signed_in_only():
    return None


@bp.app_template_global()
def open_known_problems() -> list[KnownProblem]:
    """For the hotline form: the open problems a caller may be asking about."""
    return problems.open_problems()


@bp.get("/problems")
def index():
    profile = current_school()
    form = ProblemForm(formdata=None).offer(profile)
    form.started_at.data = local_input_value(profile, utc_now())
    return _index(form)


@bp.post("/problems")
def declare():
    profile, me = current_school(), current_user.staff_id
    if not problems.may_declare(profile, me):
        abort(403)
    form = ProblemForm().offer(profile)
    if not form.validate_on_submit():
        return _index(form, problem="Проверьте поля формы.", status=400)
    try:
        problem = problems.declare(current_register(), me, _facts(form))
    except problems.ProblemError as exc:
        db.session.rollback()
        return _index(form, problem=str(exc), status=400)
    linked = len(problems.linked_open(problem))
    db.session.commit()
    log.info("known problem %s declared by %s, %s requests linked", problem.id, me, linked)
    flash(f"Проблема объявлена и показана на сайте. Связано открытых обращений: {linked}.", "success")
    return redirect(url_for(".show", problem_id=problem.id), code=303)


@bp.get("/problems/<id:problem_id>")
def show(problem_id: int):
    problem = _problem_or_404(problem_id)
    return _show(problem, _filled_form(problem), ResolveForm(formdata=None), LinkForm(formdata=None))


@bp.post("/problems/<id:problem_id>")
def update(problem_id: int):
    problem = _problem_or_404(problem_id)
    form = ProblemForm().offer(current_school())
    if not form.validate_on_submit():
        return _show(problem, form, ResolveForm(formdata=None), LinkForm(formdata=None), "Проверьте поля формы.", 400)
    try:
        problems.update(current_register(), problem, current_user.staff_id, _facts(form))
    except problems.ProblemError as exc:
        db.session.rollback()
        return _show(problem, form, ResolveForm(formdata=None), LinkForm(formdata=None), str(exc), 400)
    db.session.commit()
    flash("Проблема изменена.", "success")
    return redirect(url_for(".show", problem_id=problem.id), code=303)


@bp.post("/problems/<id:problem_id>/resolve")
def resolve(problem_id: int):
    problem = _problem_or_404(problem_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _show_with(problem, resolve_form=form, refused="Проверьте текст письма.")
    try:
        result = problems.resolve(current_register(), problem, current_user.staff_id, form.message.data or "",
                                  close=form.close.data)  # fmt: skip
    except problems.ProblemError as exc:
        db.session.rollback()
        return _show_with(problem, resolve_form=form, refused=str(exc))
    db.session.commit()
    log.info("known problem %s resolved by %s: %s requests answered", problem.id, current_user.staff_id,
             len(result.answered))  # fmt: skip
    flash(f"Проблема решена. Отвечено обращений: {len(result.answered)}, писем авторам: {result.letters}.", "success")
    return redirect(url_for(".show", problem_id=problem.id), code=303)


@bp.post("/problems/<id:problem_id>/link")
def link(problem_id: int):
    problem = _problem_or_404(problem_id)
    if not problems.may_declare(current_school(), current_user.staff_id):
        abort(403)
    form = LinkForm()
    number = (form.number.data or "").strip() if form.validate_on_submit() else ""
    req = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.number == number)) if number else None
    if req is None or not access.can_view(current_school(), current_user.staff_id, req):
        return _show_with(problem, link_form=form, refused="Обращения с таким номером нет.")
    try:
        problems.link(current_register(), req, problem, current_user.staff_id)
    except problems.ProblemError as exc:
        db.session.rollback()
        return _show_with(problem, link_form=form, refused=str(exc))
    db.session.commit()
    flash(f"Обращение № {req.number} связано с проблемой.", "success")
    return redirect(url_for(".show", problem_id=problem.id), code=303)


@bp.post("/problems/unlink/<id:request_id>")
def unlink(request_id: int):
    req = db.session.get(SupportRequest, request_id)
    if req is None or not access.can_view(current_school(), current_user.staff_id, req):
        abort(404)
    if not RussianForm().validate_on_submit():  # the CSRF token
        abort(400)
    try:
        problems.unlink(current_register(), req, current_user.staff_id)
    except problems.ProblemError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Связь с известной проблемой снята: сроки обращения снова идут.", "success")
    return redirect(url_for("desk.request_page", request_id=req.id), code=303)


def _facts(form: ProblemForm) -> problems.ProblemFacts:
    profile, now = current_school(), utc_now()
    started = school_time(profile, form.started_at.data) if form.started_at.data else now
    expected = school_time(profile, form.expected_at.data) if form.expected_at.data else None
    return problems.ProblemFacts(
        title=form.title.data or "", public_text=form.public_text.data or "",
        request_types=tuple(form.request_types.data or ()), platform=form.platform.data or None,
        started_at=started, expected_at=expected,
    )  # fmt: skip


def _problem_or_404(problem_id: int) -> KnownProblem:
    return db.get_or_404(KnownProblem, problem_id)


def _index(form: ProblemForm, problem: str | None = None, status: int = 200):
    profile = current_school()
    return render_template(
        "problems/index.html", form=form, refused=problem, open_problems=problems.open_problems(),
        recent=[p for p in problems.recent_problems(20) if not p.is_open], linked_count=problems.linked_count,
        may_declare=problems.may_declare(profile, current_user.staff_id),
    ), status  # fmt: skip


def _filled_form(problem: KnownProblem) -> ProblemForm:
    """The edit form showing the problem as it stands (times by the school's clock)."""
    profile = current_school()
    form = ProblemForm(formdata=None, obj=problem).offer(profile)
    form.request_types.data = problem.type_ids
    form.platform.data = problem.platform or ""
    form.started_at.data = local_input_value(profile, problem.started_at)
    form.expected_at.data = local_input_value(profile, problem.expected_at) if problem.expected_at else None
    return form


def _show_with(problem: KnownProblem, *, resolve_form=None, link_form=None, refused: str):
    return _show(problem, _filled_form(problem), resolve_form or ResolveForm(formdata=None),
                 link_form or LinkForm(formdata=None), refused, 400)  # fmt: skip


def _show(problem, form, resolve_form, link_form, refused: str | None = None, status: int = 200):
    profile, me = current_school(), current_user.staff_id
    visible = access.visible_clause(profile, me)
    linked = db.session.scalars(
        sa.select(SupportRequest).where(SupportRequest.known_problem_id == problem.id, visible)
        .order_by(SupportRequest.received_at.desc()).limit(LINKED_SHOWN)
    ).all()  # fmt: skip
    return render_template(
        "problems/show.html", problem=problem, form=form, resolve_form=resolve_form, link_form=link_form,
        linked=linked, total=problems.linked_count(problem), refused=refused, shown=LINKED_SHOWN,
        may_declare=problems.may_declare(profile, me), duration=_duration(problem),
    ), status  # fmt: skip


def _duration(problem: KnownProblem) -> dt.timedelta:
    return (problem.resolved_at or utc_now()) - problem.started_at
