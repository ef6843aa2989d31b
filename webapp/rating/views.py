"""`/app/rate/<status token>`: the author confirms a rating (issue 12).

A GET only shows the question (a face chosen in the letter comes preselected); a POST with the
page's CSRF token records it. So a mail scanner that opens every link of a letter records
nothing. An unknown token is «Страница не найдена», as on the status page.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, render_template, request

from ..extensions import db
from ..models import SupportRequest
from ..models.types import utc_now
from ..requests.satisfaction import RatingRefused, rate, refusal
from ..retention.anonymise import RequestRemoved, by_status_token
from ..vocabulary import Rating
from ..web.current import current_school
from .forms import RatingForm

bp = Blueprint("rating", __name__)
log = logging.getLogger(__name__)

MAX_TOKEN = 64


# The address the letters link to (webapp/web/links.py builds it by this endpoint's name).
@bp.route("/rate/<token>", methods=["GET", "POST"], endpoint="rate")
def rate_page(token: str):
    req = _request_or_404(token)
    profile = current_school()
    form = RatingForm()
    refused = refusal(profile, req, utc_now())
    if request.method == "GET":
        asked = request.args.get("score", "")
        form.rating.data = asked if asked in Rating.codes() else req.rating
        return _page(req, form, refused, 200)
    if refused or not form.validate_on_submit():
        return _page(req, form, refused, 409 if refused else 400)
    try:
        rate(profile, req, form.rating.data, form.comment.data, utc_now())
    except RatingRefused as exc:
        db.session.rollback()
        return _page(req, form, str(exc), 409)
    db.session.commit()
    log.info("request %s rated %s", req.number, form.rating.data)
    return _page(req, form, None, 200, thanks=True)


def _request_or_404(token: str) -> SupportRequest:
    if len(token) > MAX_TOKEN:
        abort(404)
    try:
        req = by_status_token(db.session, token)
    except RequestRemoved:
        abort(410)
    if req is None:
        abort(404)
    return req


def _page(req: SupportRequest, form: RatingForm, refused: str | None, status: int, *, thanks=False):
    page = render_template("rating/rate.html", req=req, form=form, refused=refused, thanks=thanks)
    return page, status, {"Cache-Control": "no-store"}
