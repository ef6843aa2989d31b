"""The staff desk at /app/desk: the register, a request's page and its actions, the hotline form.

Only signed-in staff get here. A request the person may not see answers 404 — the same as a
request that does not exist — so ids cannot be probed; an action they may not do answers 403.
"""

from __future__ import annotations

import sqlalchemy as sa

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from ..deadlines.sla import clock_states
from ..extensions import db
from ..models import Attachment, SupportRequest
from ..models.types import utc_now
from ..requests import access
from ..requests.lifecycle import LifecycleError, NotPermitted, available_actions
from ..requests.service import InvalidRequest
from ..school import current_school
from . import actions as desk_actions
from .display import desk_context
from .forms import FilterForm, HotlineForm, local_input_value
from .hotline import record_call
from .listing import COUNT_CAP, capped_count, register_query
from .page import filter_choices, read_filters, request_forms

bp = Blueprint("desk", __name__)


@bp.before_request
@login_required
def _signed_in_only():
    return None


bp.context_processor(desk_context)


@bp.get("/")
def queue():
    profile = current_school()
    form = FilterForm(request.args)
    filter_choices(profile, form)
    filters = read_filters(form)
    now = utc_now()
    query = register_query(profile, current_user.staff_id, filters, now)
    size = current_app.config["DESK_PAGE_SIZE"]
    page = db.paginate(query, per_page=size, max_per_page=size, error_out=False, count=False)
    page.total = capped_count(query)
    rows = [(req, clock_states(req, now, profile)) for req in page.items]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "desk/queue.html", form=form, page=page, rows=rows, args=args, count_cap=COUNT_CAP
    )


@bp.get("/r/<int:request_id>")
def request_page(request_id: int):
    return _render_request(_visible_or_404(request_id))


@bp.post("/r/<int:request_id>/<action>")
def act(request_id: int, action: str):
    spec = desk_actions.ACTIONS.get(action) or abort(404)
    req = _visible_or_404(request_id)
    me = current_user.staff_id
    if not access.may(current_school(), me, spec.rule, req):
        abort(403)
    form = spec.form_class(prefix=action)
    spec.prepare(current_school(), req, form)
    if not form.validate_on_submit():
        return _render_request(req, {action: form}, 400)
    try:
        spec.run(req, me, form)
    except NotPermitted:
        db.session.rollback()
        abort(403)
    except LifecycleError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _render_request(db.session.get(SupportRequest, request_id), {action: form}, 409)
    db.session.commit()
    flash(spec.done, "success")
    return redirect(url_for("desk.request_page", request_id=req.id))


@bp.get("/r/<int:request_id>/files/<int:attachment_id>")
def attachment(request_id: int, attachment_id: int):
    req = _visible_or_404(request_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.request_id != req.id:
        abort(404)
    return send_from_directory(
        current_app.config["UPLOAD_DIR"],
        found.stored_name,
        mimetype=found.content_type,
        download_name=found.original_name,
        as_attachment=found.content_type == "application/pdf",
    )


@bp.route("/hotline", methods=["GET", "POST"])
def hotline():
    profile = current_school()
    me = current_user.staff_id
    if not access.may_register_calls(profile, me):
        abort(403)
    form = HotlineForm()
    now = utc_now()
    if request.method == "GET":
        form.received_at.data = local_input_value(profile, now)
    elif form.validate_on_submit():
        try:
            req = _record_and_commit(profile, form, me, now)
        except InvalidRequest as invalid:
            db.session.rollback()
            for name, message in invalid.errors.items():
                getattr(form, name).errors = [message]
        else:
            flash(f"Обращение записано под номером {req.number}.", "success")
            return redirect(url_for("desk.request_page", request_id=req.id))
    return render_template("desk/hotline.html", form=form), 400 if form.errors else 200


def _record_and_commit(profile, form: HotlineForm, me: str, now) -> SupportRequest:
    req = record_call(profile, form, me, now)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same form sent twice at once: the other copy won
        db.session.rollback()
        req = record_call(profile, form, me, now)
    return req


def _visible_or_404(request_id: int) -> SupportRequest:
    req = db.session.get(SupportRequest, request_id)
    if req is None or not access.can_view(current_school(), current_user.staff_id, req):
        abort(404)
    return req


def _render_request(req: SupportRequest, bound: dict | None = None, status: int = 200):
    profile = current_school()
    me = current_user.staff_id
    now = utc_now()
    return render_template(
        "desk/request.html",
        req=req,
        states=clock_states(req, now, profile),
        can=available_actions(me, req),
        forms=request_forms(profile, req, bound or {}),
    ), status
