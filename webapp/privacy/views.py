"""/app/desk/people and /app/desk/audit: the head of the service answers a person who asks what
is kept about them (152-ФЗ art. 14), removes it on withdrawal of consent (art. 21) and sees who
opened what. To everyone else these pages do not exist (404)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import SupportRequest
from ..models.types import utc_now
from ..requests.access import may_handle_personal_data
from ..retention import audit
from ..retention.person import PersonQueryError, find_person, person_report, withdraw_consent
from ..retention.purge import remove_files
from ..web.current import current_school
from ..web.staff_pages import staff_context
from .forms import PersonForm, WithdrawalForm

log = logging.getLogger(__name__)

bp = Blueprint("privacy", __name__)
bp.context_processor(staff_context)
AUDIT_PAGE_SIZE = 100
WITHDRAW = "withdraw"  # the removal form's field prefix: its ids differ from the search form's


@bp.before_request
@login_required
def _head_only():
    if not may_handle_personal_data(current_school(), current_user.staff_id):
        abort(404)


@bp.route("/people", methods=["GET", "POST"])
def people():
    form = PersonForm()
    found, problem = None, None
    if form.validate_on_submit():
        try:
            found = find_person(db.session, form.phone.data, form.email.data)
        except PersonQueryError as exc:
            problem = str(exc)
    elif form.is_submitted():
        problem = "Проверьте, что введено в поля поиска."
    withdrawal = WithdrawalForm(formdata=None, prefix=WITHDRAW, phone=form.phone.data, email=form.email.data)
    status = 400 if problem else 200
    return render_template("privacy/people.html", form=form, withdrawal=withdrawal, found=found, problem=problem), status


@bp.post("/people/export")
def person_export():
    form = PersonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        found = find_person(db.session, form.phone.data, form.email.data)
    except PersonQueryError:
        abort(400)
    now = utc_now()
    text = person_report(current_school(), found, now)
    name = f"svedeniya-{now:%Y%m%d-%H%M}.txt"
    return current_app.response_class(
        text.encode("utf-8"),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.post("/people/anonymise")
def person_anonymise():
    form = WithdrawalForm(prefix=WITHDRAW)
    if not form.validate_on_submit():
        found = _found_or_none(form)
        problem = "; ".join(e for errors in form.errors.values() for e in errors)
        return render_template(
            "privacy/people.html", form=PersonForm(formdata=None, phone=form.phone.data, email=form.email.data),
            withdrawal=form, found=found, problem=problem,
        ), 400  # fmt: skip
    try:
        found = find_person(db.session, form.phone.data, form.email.data)
    except PersonQueryError:
        abort(400)
    files = withdraw_consent(db.session, found, current_user.staff_id, form.basis.data.strip(), utc_now())
    db.session.commit()
    remove_files(current_app.config["UPLOAD_DIR"], files)
    log.info("personal data removed on withdrawal by %s: %s requests", current_user.staff_id, len(found))
    flash(f"Сведения о человеке удалены из обращений: {len(found)}.", "success")
    return redirect(url_for(".people"), code=303)


def _found_or_none(form) -> list[SupportRequest] | None:
    try:
        return find_person(db.session, form.phone.data, form.email.data)
    except PersonQueryError:
        return None


@bp.get("/audit")
def audit_log():
    number = request.args.get("number", "").strip()[:16]
    staff_id = request.args.get("staff", "").strip()[:40]
    request_id = None
    if number:
        request_id = db.session.scalar(sa.select(SupportRequest.id).where(SupportRequest.number == number))
    entries = audit.entries(db.session, request_id=request_id, staff_id=staff_id or None,
                            nothing=bool(number) and request_id is None, limit=AUDIT_PAGE_SIZE)  # fmt: skip
    numbers = audit.numbers_of(db.session, entries)
    strangers = audit.confidential_openings(db.session, current_school(), limit=AUDIT_PAGE_SIZE)
    return render_template(
        "privacy/audit.html", entries=entries, numbers=numbers, strangers=strangers,
        stranger_numbers=audit.numbers_of(db.session, strangers), number=number, staff_id=staff_id,
        page_size=AUDIT_PAGE_SIZE,
    )  # fmt: skip
