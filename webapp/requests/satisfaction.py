"""«Помог ли ответ?»: the author's rating of the answer (issue 12; seed 004: the school evaluates
its interaction with families regularly).

A rating is taken only by a POST from the rating page (webapp/rating), never by following a
link: mail scanners follow links. One rating per request — a new one replaces the old, the last
counts — and only after the service answered: while the request is answered, or until
`satisfaction.days` days after it was closed (a duplicate is not rated). Each rating joins the
request's history as an internal line. A rating scored at most `satisfaction.low_score` is low:
the head sees it on the control view with its comment.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Actor, ClosingOutcome, Event, Rating, RequestStatus
from .transitions import record

MAX_COMMENT = 2000


class RatingRefused(ValueError):
    """`str()` is the Russian message for the author; nothing was recorded."""


def refusal(profile: SchoolProfile, req: SupportRequest, now: dt.datetime) -> str | None:
    """Why this request cannot be rated now (a Russian sentence), or None."""
    if req.closing_outcome == ClosingOutcome.DUPLICATE:
        return "Это обращение закрыто как повтор другого: оцените ответ на то обращение."
    if req.status in RequestStatus.open():
        return "Оценить ответ можно, когда на обращение ответят."
    if req.status == RequestStatus.CLOSED and req.closed_at is not None:
        window = dt.timedelta(days=profile.satisfaction.days)
        if now > req.closed_at + window:
            return (
                f"Оценку можно поставить в течение {profile.satisfaction.days} дн. после закрытия "
                "обращения — этот срок прошёл."
            )
    return None


def rate(
    profile: SchoolProfile, req: SupportRequest, rating: str, comment: str | None, now: dt.datetime
) -> None:
    """Record the author's rating (replacing an earlier one); the caller commits."""
    reason = refusal(profile, req, now)
    if reason:
        raise RatingRefused(reason)
    if rating not in Rating.codes():
        raise RatingRefused("Выберите ответ: помог, помог отчасти или не помог.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise RatingRefused(f"Комментарий слишком длинный: не больше {MAX_COMMENT} символов.")
    req.rating, req.rating_comment, req.rated_at = rating, comment or None, now
    text = f"Оценка: {Rating(rating).label}." + (f" Комментарий: {comment}" if comment else "")
    record(req, Actor.AUTHOR, Event.RATED, text, public=False, now=now)


def is_low(profile: SchoolProfile, rating: str | None) -> bool:
    return rating in Rating.at_most(profile.satisfaction.low_score)


def low_clause(profile: SchoolProfile) -> sa.ColumnElement[bool]:
    """SQL: the request's rating is low by the profile's threshold."""
    return SupportRequest.rating.in_([r.value for r in Rating.at_most(profile.satisfaction.low_score)])
