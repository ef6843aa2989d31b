"""Staff sign-in and sign-out at /app/staff/login and /app/staff/logout."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..school import current_school
from ..desk.display import desk_context
from ..staff.accounts import (
    AccountError,
    SignInRefused,
    WrongPassword,
    authenticate,
    change_own_password,
    load_account,
)
from .forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__)
bp.context_processor(desk_context)


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
                max_failures=config["LOGIN_MAX_FAILURES"],
                lockout=dt.timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
            )
        except SignInRefused as refused:
            db.session.commit()  # keep the failure count
            form.password.errors.append(str(refused))
        else:
            db.session.commit()
            session.clear()
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME of inactivity
            login_user(account)
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout():
    if request.method == "GET":  # a link or a typed address only asks; the button signs out
        return render_template("auth/logout.html")
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
            login_user(current_user._get_current_object())  # the session follows the new version
            flash("Пароль изменён.", "success")
            return redirect(url_for("desk.queue"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


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
