"""The desk's lists: what a person may see, filtered, searched and newest first.

Every filter maps onto an index of `support_request` (see the model's `__table_args__`):
status → (status, received_at); type → (request_type, status, received_at); specialist →
(assignee, status, received_at); a specialist's own view → (routed_role, status, received_at);
overdue → (status, <clock>_due); missed at any time → (missed, received_at) with the overdue
ones; a name → author_key; a number → the unique number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from ..deadlines.outcomes import due_soon_clause, missed_clause, next_due_expression
from ..deadlines.sla import overdue_clause
from ..extensions import db
from ..models import SupportRequest
from ..models.requests import search_key
from ..requests import access
from ..requests.numbering import format_number, numbering_year
from ..requests.satisfaction import low_clause
from ..school import SchoolProfile
from ..vocabulary import RequestStatus

# Lists count their rows up to this many: an exact count of a whole register is a full scan.
COUNT_CAP = 10_000
STATUS_FILTERS = ("open", "all", *RequestStatus.codes())
UNASSIGNED = "none"
# Lists of requests still running: ordered by the nearest deadline, not by arrival.
ACTION_ORDERED = ("open", *RequestStatus.open())

_NUMBER = re.compile(r"№?\s*(\d{4})\s*[-–/]\s*(\d{1,6})")
_SHORT_NUMBER = re.compile(r"№?\s*(\d{1,6})")


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    request_type: str = ""
    assignee: str = ""  # a staff id, UNASSIGNED, or "" for anyone
    overdue: bool = False
    extension: bool = False  # only those waiting for the head's decision on a longer term
    missed: bool = False  # some clock missed at any time (on record, or overdue now)
    due_soon: bool = False  # some running clock falls due within the next 30 minutes
    low_rating: bool = False  # the author's rating is low by the profile's threshold
    q: str = ""


def parse_number(profile: SchoolProfile, text: str, now: dt.datetime) -> str | None:
    """'2026-42', '№ 2026-00042' → '2026-00042'; a bare '42' means this year's number 42."""
    text = text.strip()
    if match := _NUMBER.fullmatch(text):
        return format_number(int(match.group(1)), int(match.group(2)))
    if match := _SHORT_NUMBER.fullmatch(text):
        return format_number(numbering_year(profile, now), int(match.group(1)))
    return None


def page_number(asked: str | None, page_size: int) -> int:
    """The page of a list asked for in the address; nonsense is the first page, and no page
    lies beyond the counted rows (an offset past them only costs the database)."""
    last = COUNT_CAP // max(page_size, 1) + 2
    if not asked or not asked.isdecimal() or len(asked) > 9:
        return 1
    return min(max(int(asked), 1), last)


def name_prefix_clause(text: str) -> sa.ColumnElement[bool]:
    """Names starting with `text`, as a range over the author_key index (binary order)."""
    key = search_key(text)
    upper = _next_prefix(key)
    if upper is None:  # nothing sorts after this prefix except its own extensions
        return SupportRequest.author_key >= key
    return sa.and_(SupportRequest.author_key >= key, SupportRequest.author_key < upper)


def _next_prefix(key: str) -> str | None:
    """The smallest string above every string starting with `key`; never a surrogate, which
    UTF-8 cannot hold, nor past U+10FFFF."""
    while key:
        code = ord(key[-1]) + 1
        if code == 0xD800:
            code = 0xE000
        if code <= 0x10FFFF:
            return key[:-1] + chr(code)
        key = key[:-1]
    return None


def register_query(
    profile: SchoolProfile, staff_id: str, filters: Filters, now: dt.datetime
) -> sa.Select:
    r = SupportRequest
    query = sa.select(r).where(access.visible_clause(profile, staff_id))
    if filters.status == "open":
        query = query.where(r.status.in_(RequestStatus.open()))
    elif filters.status in RequestStatus.codes():
        query = query.where(r.status == filters.status)
    if filters.request_type:
        query = query.where(r.request_type == filters.request_type)
    if filters.assignee == UNASSIGNED:
        query = query.where(r.assignee.is_(None))
    elif filters.assignee:
        query = query.where(r.assignee == filters.assignee)
    if filters.overdue:
        query = query.where(overdue_clause(now))
    if filters.extension:
        query = query.where(r.extension_due.is_not(None))
    if filters.missed:
        query = query.where(missed_clause(now))
    if filters.due_soon:
        query = query.where(due_soon_clause(now))
    if filters.low_rating:
        query = query.where(low_clause(profile))
    if filters.q.strip():
        query = query.where(_search_clause(profile, filters.q, now))
    if filters.status in ACTION_ORDERED:
        # What needs action first: overdue now, then the nearest deadline (issue 12); requests
        # without a running deadline (the profile sets none) last.
        return query.order_by(next_due_expression().asc().nulls_last(), r.received_at.desc(), r.id.desc())
    return query.order_by(r.received_at.desc(), r.id.desc())


def _search_clause(profile: SchoolProfile, text: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    number = parse_number(profile, text, now)
    if number is not None:
        return SupportRequest.number == number
    return name_prefix_clause(text)


def capped_count(query: sa.Select, cap: int = COUNT_CAP) -> int:
    """The number of rows of a list, or `cap` + 1 when there are more than `cap`."""
    limited = query.order_by(None).with_only_columns(SupportRequest.id).limit(cap + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(limited))
