"""A request that repeats one the same person sent shortly before: said gently, never refused.

A parent and the child write about the same fault, or a parent writes again an hour later in
other words. The form still takes the request (it may be something new); the confirmation page
tells the author which earlier request looks the same, and the desk shows staff the pair so they
can merge it (close it as a duplicate: its author then gets the main request's answer).
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

import sqlalchemy as sa

from ..extensions import db
from ..models import SupportRequest

WINDOW = dt.timedelta(hours=1)
SIMILAR = 0.6  # difflib's ratio of the two descriptions, case and spacing ignored


def _words(text: str) -> str:
    return " ".join((text or "").casefold().replace("ё", "е").split())


def similar_earlier(req: SupportRequest) -> SupportRequest | None:
    """The latest request of the same type sent from the same phone or e-mail within an hour
    before `req` whose description reads nearly the same; None if there is none."""
    contacts = []
    if req.contact_phone:
        contacts.append(SupportRequest.contact_phone == req.contact_phone)
    if req.contact_email:
        contacts.append(sa.func.lower(SupportRequest.contact_email) == req.contact_email.lower())
    if not contacts:
        return None
    query = (
        sa.select(SupportRequest)
        .where(
            SupportRequest.id != req.id, SupportRequest.request_type == req.request_type,
            SupportRequest.received_at <= req.received_at, SupportRequest.received_at >= req.received_at - WINDOW,
            SupportRequest.anonymised_at.is_(None), sa.or_(*contacts),
        )
        .order_by(SupportRequest.received_at.desc())
        .limit(5)
    )  # fmt: skip
    mine = _words(req.description)
    for earlier in db.session.scalars(query):
        if SequenceMatcher(None, mine, _words(earlier.description)).ratio() >= SIMILAR:
            return earlier
    return None
