"""The hotline form (seed 002, Appendix 2): a request that came by phone, in person, through the
class teacher's chat or by e-mail enters the same register as the web form's, through
`submit_request` — same numbering, routing, clocks and mail; consent recorded as given orally.
"""

from __future__ import annotations

import datetime as dt

from ..requests.service import InvalidRequest, find_by_submission_key, submit_request
from ..models import SupportRequest
from ..school import SchoolProfile
from .forms import HotlineForm, school_time

# How far back a recorded arrival may lie: further is almost surely a typo in the date.
OLDEST_ARRIVAL = dt.timedelta(days=30)
# Clocks of a phone and of the server differ a little.
CLOCK_SKEW = dt.timedelta(minutes=2)


def check_arrival(received: dt.datetime, now: dt.datetime) -> None:
    if received > now + CLOCK_SKEW:
        raise InvalidRequest({"received_at": "Время поступления не может быть в будущем."})
    if received < now - OLDEST_ARRIVAL:
        raise InvalidRequest(
            {"received_at": "Обращение поступило больше 30 дней назад? Проверьте дату."}
        )


def record_call(profile: SchoolProfile, form: HotlineForm, staff_id: str, now: dt.datetime) -> SupportRequest:
    """Register the request the form describes; the caller commits. Raises InvalidRequest."""
    key = form.submission_key.data or None
    if key and (existing := find_by_submission_key(key)) is not None:
        return existing  # the same form sent twice
    received = school_time(profile, form.received_at.data)
    check_arrival(received, now)
    return submit_request(
        form.request_data(),
        channel=form.channel.data,
        received_at=received,
        recorded_by=staff_id,
        consent_oral=True,
        submission_key=key,
        attachments=form.uploads,
    )
