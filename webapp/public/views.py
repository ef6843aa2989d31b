"""The public pages: the request form, its confirmation and the private status page."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from ..deadlines import next_opening
from ..extensions import db, limiter
from ..models import SupportRequest
from ..models.types import utc_now
from ..requests.attachments import MAX_BYTES, MAX_FILES
from ..requests.problems import open_problems, public_view
from ..requests.resent import find_resent
from ..requests.routing import UnknownRequestType, route
from ..requests.service import InvalidRequest, register_request
from ..requests.similar import similar_earlier
from ..retention.anonymise import RequestRemoved, by_status_token
from ..school.confidentiality import confidentiality_promise
from ..school.selfhelp import TOPICS
from ..web.current import current_register, current_school
from ..web.faults import DATABASE_BUSY
from .forms import RequestForm

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)


def embedded() -> bool:
    return request.args.get("embed") == "1"


def form_rate_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]


@bp.route("/form", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
def form():
    form = RequestForm()
    if not form.validate_on_submit():
        return render_form(form, 422 if form.is_submitted() else 200)
    try:
        # Back, reload or a restored tab sends the same filled form with a new key: one request.
        resent = find_resent(form.request_data(), now=utc_now())
        if resent is not None:
            log.info("request %s sent again from the form: not stored twice", resent.number)
            flash("Это обращение уже принято — повторно оно не отправлялось. Вот его номер.", "info")
            return redirect_to_done(resent.status_token)
        req = register_request(
            current_register(), form.request_data(), submission_key=form.submission_key.data,
            attachments=form.uploads,
        )  # fmt: skip
    except InvalidRequest as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return render_form(form, 422)
    except OperationalError as exc:  # the database is busy or away: nothing was stored
        db.session.rollback()
        log.error("form not stored, database unavailable: %s", type(exc.orig).__name__)
        form.form_errors.append(DATABASE_BUSY)
        return render_form(form, 503)
    return redirect_to_done(req.status_token)


def render_form(form: RequestForm, status: int):
    school = current_school()
    promises = {t.id: confidentiality_promise(school, t.route_to) for t in school.request_types
                if t.confidential}  # fmt: skip
    self_help = {t.id: [TOPICS[i] for i in t.self_help] for t in school.request_types if t.self_help}
    links = school.links.items if school.links else []
    regulation = next((item for item in links if item.kind == "act"), None)
    known = [public_view(school, p) for p in open_problems()]
    known_by_type = {t: p["title"] for p in reversed(known) for t in p["types"]}  # the newest wins
    return render_template(
        "public/form.html", form=form, embed=embedded(), max_files=MAX_FILES, max_bytes=MAX_BYTES,
        promises=promises, self_help=self_help, regulation=regulation, problems=known,
        known_by_type=known_by_type,
    ), status  # fmt: skip


def redirect_to_done(token: str):
    return redirect(url_for(".done", token=token, embed="1" if embedded() else None), 303)


@bp.errorhandler(CSRFError)
def form_expired(error):
    """A stale or missing CSRF token: keep what was typed and ask to send again."""
    return render_with_notice(
        "Страница с формой устарела. Введённые данные сохранены — проверьте их "
        "и отправьте форму ещё раз.",
        400,
    )


@bp.errorhandler(429)
def too_many(error):
    """The per-address limit: keep what was typed, say when to try again and whom to call."""
    phones = "; ".join(f"{p.label}: {p.number}" for p in current_school().support.phones)
    return render_with_notice(
        "С вашего адреса за короткое время отправлено много обращений, и форма временно их "
        "не принимает. Введённые данные сохранены: отправьте форму ещё раз через несколько "
        "минут." + (f" Если вопрос срочный, позвоните ({phones})." if phones else ""),
        429,
    )


@bp.errorhandler(413)
def too_large(error):
    """A body beyond MAX_CONTENT_LENGTH (or nginx's client_max_body_size, which sends its 413
    here as a GET): nothing of it was read, so ask to go back, where the browser keeps what was
    typed, and choose smaller files."""
    return _too_large_page(413)


@bp.get("/form/too-large")
def too_large_page():
    return _too_large_page(413)


def _too_large_page(status: int):
    return render_template(
        "public/too_large.html", embed=embedded(), max_files=MAX_FILES, max_bytes=MAX_BYTES,
    ), status  # fmt: skip


def render_with_notice(message: str, status: int):
    form = RequestForm()  # what was sent, not validated; with a fresh CSRF token for the next try
    form.form_errors.append(message)
    return render_form(form, status)


@bp.get("/form/done/<token>")
def done(token: str):
    req = _by_token(token)
    response = current_app.make_response(render_template(
        "public/done.html", req=req, embed=embedded(),
        status_url=url_for(".status", token=req.status_token, _external=True),
        opening=next_opening(current_school(), req.received_at),
        similar=similar_earlier(req), handed_as=_handed_as(req),
    ))  # fmt: skip
    return _private(response)


def _handed_as(req: SupportRequest) -> str | None:
    """Why the request went straight to a teacher on arrival («учитель предмета «Физика», класс
    9А»; routing.py, `route_by`), or None when it waits to be handed to a specialist."""
    if req.assignee is None:
        return None
    try:
        found = route(current_school(), req.request_type, class_name=req.class_name, subject=req.subject)
    except UnknownRequestType:
        return ""
    return found.assigned_as if found.assignee is not None and found.assignee.id == req.assignee else ""


@bp.get("/status/<token>")
def status(token: str):
    req = _by_token(token)
    history = [entry for entry in req.history if entry.public]
    response = current_app.make_response(render_template(
        "public/status.html", req=req, history=history,
        request_type=current_school().request_type(req.request_type),
    ))  # fmt: skip
    return _private(response)


def _by_token(token: str) -> SupportRequest:
    """Only the unguessable token opens a request; a number or an id never does."""
    if not 20 <= len(token) <= 64:
        abort(404)
    try:
        req = by_status_token(db.session, token)
    except RequestRemoved:
        abort(410)  # the retention rule or a withdrawal removed it: say so, not «not found»
    if req is None:
        abort(404)
    return req


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
