"""A filled form sent again by another path than a double click: the request it already made.

The form's one-time key covers a double click and a resent POST. A browser can also send the same
filled form with a new key: back to the form (a page from the back/forward cache or re-fetched
with the typed values restored), a reload, a restored tab. Such a sending carries exactly what
the first one did, so an open request from the web form with the very same words, received in the
last `RESENT_WINDOW`, is that request, not a new one.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..models import SupportRequest
from ..vocabulary import Channel, RequestStatus
from .service import RequestData

RESENT_WINDOW = dt.timedelta(hours=24)


def find_resent(data: RequestData, *, now: dt.datetime) -> SupportRequest | None:
    """The open web request with the same cleaned `data` received since `now - RESENT_WINDOW`,
    or None. `data` is as the form cleaned it (E.164 phone, normalised address, `7А` class)."""
    r = SupportRequest
    same = [
        getattr(r, name) == value if value is not None else getattr(r, name).is_(None)
        for name, value in vars(data).items()
    ]
    query = (
        sa.select(r)
        .where(r.channel == Channel.WEB, r.received_at >= now - RESENT_WINDOW,
               r.status.in_(RequestStatus.open()), *same)
        .order_by(r.id)
        .limit(1)
    )  # fmt: skip
    return db.session.scalar(query)
