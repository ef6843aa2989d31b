"""The desk's staff page at /app/desk/staff: the roster and each person's account.

Only for roles with `manage_staff`; to anyone else these addresses do not exist (404), as with a
request they may not see. Each action is asked for with a GET (a page that says what will happen)
and done by the POST of its button.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts import AccountError, roster
from ..extensions import db
from ..models.types import utc_now
from ..requests.access import may_manage_staff
from ..web.current import current_school
from ..web.forms import RussianForm
from ..web.staff_pages import staff_context

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__)
bp.context_processor(staff_context)


@bp.before_request
@login_required
def _managers_only():
    if not may_manage_staff(current_school(), current_user.staff_id):
        abort(404)


@dataclass(frozen=True)
class StaffAction:
    run: Callable[..., str | None]  # (profile, by, staff_id, valid_for=) -> a one-time password or None
    done: str  # the flash message; {name} is the person's name


ACTIONS = {
    "create": StaffAction(roster.open_account, "Учётная запись создана: {name}."),
    "password": StaffAction(roster.issue_password, "Выдан новый одноразовый пароль: {name}."),
    "disable": StaffAction(roster.disable, "Учётная запись отключена: {name}."),
}


@bp.get("/")
def roster_page():
    return _render_roster()


@bp.get("/<staff_id>/<action>")
def confirm(staff_id: str, action: str):
    member = _member_or_404(staff_id)
    _action_or_404(action)
    return render_template("staff/confirm.html", member=member, action=action, form=RussianForm())


@bp.post("/<staff_id>/<action>")
def act(staff_id: str, action: str):
    profile = current_school()
    member = _member_or_404(staff_id)
    spec = _action_or_404(action)
    me = current_user.staff_id
    if not RussianForm().validate_on_submit():
        abort(400)
    try:
        valid_for = dt.timedelta(hours=current_app.config["ONE_TIME_PASSWORD_HOURS"])
        one_time = spec.run(profile, me, staff_id, valid_for=valid_for)
    except AccountError as refusal:
        db.session.rollback()
        log.info("staff page: %s of %s by %s refused: %s", action, staff_id, me, refusal)
        flash(str(refusal), "error")
        return _render_roster(409)
    db.session.commit()
    log.info("staff page: %s of %s by %s", action, staff_id, me)
    flash(spec.done.format(name=member.name), "success")
    if one_time is None:
        return redirect(url_for("staff.roster_page"))
    shown = render_template("staff/one_time.html", member=member, password=one_time)
    return shown, 200, {"Cache-Control": "no-store"}


def _render_roster(status: int = 200):
    entries = roster.roster(current_school(), utc_now())
    return render_template("staff/roster.html", entries=entries), status


def _member_or_404(staff_id: str):
    member = current_school().staff_member(staff_id)
    if member is None:
        abort(404)
    return member


def _action_or_404(action: str) -> StaffAction:
    return ACTIONS.get(action) or abort(404)
