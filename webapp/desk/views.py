"""The staff desk at /app/desk: the register, a request's page and its actions, the hotline form.

Only signed-in staff get here. A request the person may not see answers 404 — the same as a
request that does not exist — so ids cannot be probed; an action they may not do answers 403.
"""

from __future__ import annotations

import logging

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
from sqlalchemy.exc import OperationalError

from ..deadlines.outcomes import describe_late, nearest_clock, outcomes
from ..deadlines.sla import clock_states
from ..extensions import db
from ..models import Attachment, SupportRequest
from ..models.types import utc_now
from ..requests import access
from ..requests.lifecycle import LifecycleError, NotPermitted, available_actions
from ..requests.service import InvalidRequest, register_request
from ..requests.similar import similar_earlier
from ..vocabulary import RequestStatus
from ..web.current import current_register, current_school
from ..web.faults import DATABASE_BUSY
from ..web.staff_pages import staff_context
from . import actions as desk_actions
from .control import extensions_possible, has_deadlines
from .forms import FilterForm, HotlineForm, local_input_value, school_time
from .listing import COUNT_CAP, capped_count, page_number, register_query
from .page import filter_choices, handed_on_arrival, read_filters, request_forms

bp = Blueprint("desk", __name__)
log = logging.getLogger(__name__)  # the audit of staff actions: numbers, codes and staff ids only


@bp.before_request
@login_required
def _signed_in_only():
    return None


bp.context_processor(staff_context)


@bp.get("/")
def queue():
    profile = current_school()
    form = FilterForm(request.args)
    filter_choices(profile, form)
    filters = read_filters(form)
    now = utc_now()
    query = register_query(profile, current_user.staff_id, filters, now)
    size = current_app.config["DESK_PAGE_SIZE"]
    page = db.paginate(
        query, page=page_number(request.args.get("page"), size), per_page=size, max_per_page=size,
        error_out=False, count=False,
    )  # fmt: skip
    page.total = capped_count(query)
    rows = [(req, clock_states(profile, req, now), nearest_clock(req)) for req in page.items]
    args = {name: request.args[name] for name in form.data if request.args.get(name)}
    return render_template(
        "desk/queue.html", form=form, page=page, rows=rows, args=args, count_cap=COUNT_CAP,
        has_deadlines=has_deadlines(profile), extensions_possible=extensions_possible(profile),
    )  # fmt: skip


@bp.get("/r/<id:request_id>")
def request_page(request_id: int):
    return _render_request(_visible_or_404(request_id))


@bp.post("/r/<id:request_id>/<action>")
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
        spec.run(current_register(), req, me, form)
    except NotPermitted:
        db.session.rollback()
        log.info("request %s: %s by %s refused: not permitted", req.number, action, me)
        abort(403)
    except LifecycleError as refusal:
        db.session.rollback()
        log.info("request %s: %s by %s refused", req.number, action, me)
        flash(str(refusal), "error")
        return _render_request(db.session.get(SupportRequest, request_id), {action: form}, 409)
    db.session.commit()
    log.info("request %s: %s by %s", req.number, action, me)
    flash(spec.done if isinstance(spec.done, str) else spec.done(current_school()), "success")
    return redirect(url_for("desk.request_page", request_id=req.id))


@bp.get("/r/<id:request_id>/files/<id:attachment_id>")
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
            req = register_request(
                current_register(), form.request_data(),
                submission_key=form.submission_key.data, channel=form.channel.data,
                received_at=school_time(profile, form.received_at.data), recorded_by=me,
                consent_oral=True, attachments=form.uploads,
            )  # fmt: skip
        except InvalidRequest as invalid:
            for name, message in invalid.errors.items():
                getattr(form, name).errors = [message]
        except OperationalError as exc:  # the database is busy or away: nothing was stored
            log.error("hotline request not stored, database unavailable: %s", type(exc.orig).__name__)
            form.form_errors.append(DATABASE_BUSY)
            return render_template("desk/hotline.html", form=form), 503
        else:
            log.info("request %s: hotline by %s", req.number, me)
            flash(f"Обращение записано под номером {req.number}.", "success")
            return redirect(url_for("desk.request_page", request_id=req.id))
    return render_template("desk/hotline.html", form=form), 400 if form.errors else 200


def _visible_or_404(request_id: int) -> SupportRequest:
    req = db.session.get(SupportRequest, request_id)
    if req is None or not access.can_view(current_school(), current_user.staff_id, req):
        abort(404)
    return req


def _render_request(req: SupportRequest, bound: dict | None = None, status: int = 200):
    profile = current_school()
    me = current_user.staff_id
    now = utc_now()
    role = next((r for r in profile.roles if r.id == req.routed_role), None)
    return render_template(
        "desk/request.html",
        req=req,
        states=clock_states(profile, req, now),
        outcomes=outcomes(profile, req, now),
        describe_late=describe_late,
        routed_role_title=role.title if role else req.routed_role,
        handed=handed_on_arrival(profile, req),
        routed_specialists=[s for s in profile.staff_with_role(req.routed_role)
                            if access.can_assign_to(profile, s.id, req)],
        duplicate_of=db.session.get(SupportRequest, req.duplicate_of_id) if req.duplicate_of_id else None,
        similar=similar_earlier(req) if req.status in RequestStatus.open() else None,
        can=available_actions(profile, me, req),
        forms=request_forms(profile, req, bound or {}),
    ), status
