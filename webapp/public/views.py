"""The public pages: the request form, its confirmation and the private status page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError

from ..deadlines import next_opening
from ..extensions import db, limiter
from ..formatting import local_datetime
from ..models import SupportRequest
from ..models.writers import writer_turn
from ..requests.service import InvalidRequest, submit_request, token_for_submission_key
from ..school import current_school
from .forms import RequestForm
from .labels import author_role_title, history_title, status_title

bp = Blueprint("public", __name__)


@bp.app_template_filter("local_time")
def local_time(moment):
    """Jinja: `{{ req.received_at|local_time }}` → '12 марта 2026, 14:30' (school's zone)."""
    return local_datetime(current_school(), moment)


@bp.after_app_request
def security_headers(response):
    """Every page of the app may be framed by our own site (the form page) and nobody else."""
    if request.path.startswith(current_app.config["APP_PREFIX"] + "/"):
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


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
        token = register(form)
    except InvalidRequest as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return render_form(form, 422)
    return redirect_to_done(token)


def register(form: RequestForm) -> str:
    """Store the request and commit; the status token of the request this page created."""
    key = form.submission_key.data
    data = form.request_data()
    try:
        with writer_turn():
            req = submit_request(data, submission_key=key, attachments=form.uploads)
            token = req.status_token
            db.session.commit()
    except IntegrityError:
        # The same page sent again (a double click, a reload): its one-time key is taken.
        db.session.rollback()
        token = token_for_submission_key(key)
        if token is None:
            raise
    except InvalidRequest:
        db.session.rollback()
        raise
    return token


def render_form(form: RequestForm, status: int):
    return render_template("public/form.html", form=form, embed=embedded()), status


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
    phone = current_school().support.phone
    return render_with_notice(
        "С вашего адреса за короткое время отправлено много обращений, и форма временно их "
        "не принимает. Введённые данные сохранены: отправьте форму ещё раз через несколько "
        f"минут. Если вопрос срочный, позвоните на горячую линию: {phone}.",
        429,
    )


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
    ))  # fmt: skip
    return _private(response)


@bp.get("/status/<token>")
def status(token: str):
    req = _by_token(token)
    history = [entry for entry in req.history if entry.public]
    response = current_app.make_response(render_template(
        "public/status.html", req=req, history=history, status_title=status_title,
        history_title=history_title, author_role_title=author_role_title,
        request_type=current_school().request_type(req.request_type),
    ))  # fmt: skip
    return _private(response)


def _by_token(token: str) -> SupportRequest:
    """Only the unguessable token opens a request; a number or an id never does."""
    if not 20 <= len(token) <= 64:
        abort(404)
    req = db.session.scalar(db.select(SupportRequest).filter_by(status_token=token))
    if req is None:
        abort(404)
    return req


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
