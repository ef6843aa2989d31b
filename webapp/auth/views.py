"""Staff sign-in and sign-out at /app/staff/login and /app/staff/logout."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import (
    AccountError,
    SignInRefused,
    WrongPassword,
    authenticate,
    change_own_password,
    end_session,
    load_account,
    staff_id_for_login,
)
from ..extensions import db, limiter, login_manager
from ..web.current import current_school
from ..web.staff_pages import staff_context
from .forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)  # staff ids only: a typed login may be a mistyped password
bp.context_processor(staff_context)


@login_manager.user_loader
def _load_user(user_id: str):
    return load_account(current_school(), user_id)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("desk.queue"))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            account = authenticate(
                current_school(),
                form.login.data,
                form.password.data,
                address_key=_address_key(),
                max_failures=config["LOGIN_MAX_FAILURES"],
                lockout=dt.timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            )
        except SignInRefused as refused:
            db.session.commit()  # keep the failure count
            known = staff_id_for_login(current_school(), form.login.data)
            log.info("sign-in refused: %s", known or "login not on the roster")
            form.password.errors.append(str(refused))
        else:
            db.session.commit()
            session.clear()
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME of inactivity
            login_user(account)
            log.info("sign-in: %s", account.staff_id)
            if account.must_change_password:
                flash("Вы вошли с одноразовым паролем. Придумайте свой пароль, чтобы продолжить.", "info")
                return redirect(url_for("auth.password"))
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout():
    if request.method == "GET":  # a link or a typed address only asks; the button signs out
        return render_template("auth/logout.html")
    log.info("sign-out: %s", current_user.staff_id)
    end_session(current_user)  # a copy of this cookie made before now opens nothing
    db.session.commit()
    logout_user()
    session.clear()
    flash("Вы вышли из рабочего места.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data, form.new.data)
        except WrongPassword as refused:
            form.current.errors.append(str(refused))
        except AccountError as refused:
            form.new.errors.append(str(refused))
        else:
            db.session.commit()
            log.info("password changed: %s", current_user.staff_id)
            login_user(current_user._get_current_object())  # the session follows the new version
            flash("Пароль изменён.", "success")
            return redirect(url_for("desk.queue"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.before_app_request
def _one_time_password_is_changed_first():
    """Until a one-time password is replaced, the desk and the staff page lead to the change."""
    if request.blueprint not in ("desk", "staff"):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None


def _address_key() -> str:
    """The visitor's address as a keyed digest: known addresses are kept without being stored."""
    secret = current_app.config["SECRET_KEY"].encode()
    address = (request.remote_addr or "").encode()
    return hmac.new(secret, b"sign-in address:" + address, hashlib.sha256).hexdigest()[:16]


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (an open redirect)."""
    desk = url_for("desk.queue")
    if not target:
        return desk
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return desk
    if "\\" in target:
        return desk
    return target
