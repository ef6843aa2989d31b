"""A period's report: what came in, how the deadlines were kept, how it ended, what authors said.

Requests belong to the period by their arrival (`received_at` in [start, end)); events of the
history (reopenings, extensions) by their own moment. Clock figures come from the outcomes kept
when each clock stopped (webapp/deadlines/outcomes.py), in service seconds — the mode the clock
runs in (calendar, working hours or working days; `profile.clock_mode`). A clock counts towards
"on time" when it stopped (met, or met late) or is overdue now; a duplicate's clocks do not count.
A clock the profile sets no deadline for is left out of the figures and named in `unset`.
The median is the usual one (the mean of the two middle values for an even count); the 90th
percentile is the nearest-rank one (the smallest value with at least 90 % of values at or below).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..deadlines.sla import breached_clause
from ..extensions import db
from ..models import HistoryEntry, KnownProblem, SupportRequest
from ..school import SchoolProfile
from ..vocabulary import AuthorRole, Channel, Clock, ClockMode, ClosingOutcome, Event, Rating
from .period import Period

WORST = 5  # worst cases listed per clock
COMMENTS = 100  # rating comments listed, the latest requests first


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ClockFigures:
    clock: Clock
    counted: int  # stopped, or overdue now
    on_time: int
    median: float | None  # service seconds from the clock's start to its stop
    p90: int | None
    worst: list[tuple[str, int]]  # (number, service seconds late), the latest first

    @property
    def share(self) -> float | None:
        return self.on_time / self.counted if self.counted else None


@dataclass(frozen=True)
class RatingLine:
    key: str
    label: str
    counts: dict[str, int]  # Rating code → count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        total = self.total
        return sum(Rating(k).score * n for k, n in self.counts.items()) / total if total else None


@dataclass
class Report:
    period: Period
    modes: dict[Clock, ClockMode] = field(default_factory=dict)  # the clocks that run
    unset: list[Clock] = field(default_factory=list)  # the clocks the profile sets no deadline for
    total: int = 0
    sections: dict[str, list[Line]] = field(default_factory=dict)
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    clocks: list[ClockFigures] = field(default_factory=list)
    reopened: int = 0
    extensions: dict[str, int] = field(default_factory=dict)  # asked / agreed / declined
    outcomes: list[Line] = field(default_factory=list)
    ratings_by_type: list[RatingLine] = field(default_factory=list)
    ratings_by_staff: list[RatingLine] = field(default_factory=list)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # number, Rating, comment
    linked: int = 0  # requests of the period linked to a known problem (answered all at once)
    problems: list[ProblemLine] = field(default_factory=list)  # known problems open in the period


@dataclass(frozen=True)
class ProblemLine:
    id: int
    title: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None  # None: still open
    seconds: int  # how long it lasted (calendar time), or has lasted until `now`
    linked: int  # requests linked to it, of any period


SECTIONS = {
    "type": ("По видам", SupportRequest.request_type),
    "author_role": ("Кто обращался", SupportRequest.author_role),
    "class": ("По классам", SupportRequest.class_name),
    "channel": ("Каналы", SupportRequest.channel),
    "routed_role": ("Кому направлено", SupportRequest.routed_role),
    "assignee": ("Специалисты", SupportRequest.assignee),
}


def build_report(
    profile: SchoolProfile, period: Period, now: dt.datetime, *, confidential_comments: bool = False
) -> Report:
    """The report of `period`. `confidential_comments`: list rating comments of confidential
    requests too (only for someone who may see them).

    The database does the counting — a few grouped queries over the period, each one scan — and
    sends back only groups, sorted durations and the worst cases: a school year of any size is
    never loaded as objects."""
    start, end = period.bounds(profile)
    in_period = sa.and_(SupportRequest.received_at >= start, SupportRequest.received_at < end)
    report = Report(period)
    for clock in Clock:
        if profile.deadline_length(clock) is None:
            report.unset.append(clock)
        else:
            report.modes[clock] = ClockMode(profile.clock_mode(clock))
    titles = _titles(profile)
    long_period = end - start > LONG_PERIOD
    facts = _facts(in_period, long_period)
    for key in SECTIONS:
        counts: dict[str, int] = {}
        for row in facts:
            counts[row[key] or ""] = counts.get(row[key] or "", 0) + row["n"]
        lines = [Line(value, titles[key](value or None), n) for value, n in counts.items()]
        report.sections[key] = sorted(lines, key=lambda line: (-line.count, line.label))
    report.total = sum(row["n"] for row in facts)
    report.by_day = _by_day(profile, period, in_period, long_period)
    report.clocks = [f for f in _clock_figures(in_period, now, long_period) if f.clock in report.modes]
    report.reopened, report.extensions = _events(start, end)
    report.linked = db.session.scalar(
        sa.select(sa.func.count()).select_from(SupportRequest)
        .where(in_period, SupportRequest.known_problem_id.is_not(None))
    ) or 0  # fmt: skip
    report.problems = _problems(start, end, now)
    outcomes: dict[str, int] = {}
    ratings: dict[str, dict[str, dict[str, int]]] = {"type": {}, "assignee": {}}
    for row in facts:
        if row["outcome"]:
            outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + row["n"]
        if row["rating"]:
            for key in ratings:
                counts = ratings[key].setdefault(row[key] or "", {})
                counts[row["rating"]] = counts.get(row["rating"], 0) + row["n"]
    report.outcomes = [Line(code, ClosingOutcome.label_of(code), n) for code, n in outcomes.items()]
    report.ratings_by_type = _rating_lines(ratings["type"], titles["type"])
    report.ratings_by_staff = _rating_lines(ratings["assignee"], titles["assignee"])
    report.comments = _comments(in_period, confidential_comments, long_period)
    return report


def _run(query) -> list:
    """Plain rows through the session's connection (no ORM objects)."""
    return db.session.connection().execute(query).all()


# A period longer than this is read straight through the table on SQLite (see `_scan`).
LONG_PERIOD = dt.timedelta(days=62)


def _scan(query: sa.Select, long_period: bool) -> sa.Select:
    """SQLite reads a long period faster straight through the table than row by row through the
    arrival index (it keeps no statistics to know); a short one through the index. PostgreSQL's
    planner chooses by itself."""
    return query.with_hint(SupportRequest, "NOT INDEXED", "sqlite") if long_period else query


def _facts(in_period, long_period: bool) -> list[dict]:
    """The period's requests grouped by every fact the report splits them by (one scan)."""
    r = SupportRequest
    columns = {key: column for key, (_title, column) in SECTIONS.items()}
    columns.update(outcome=r.closing_outcome, rating=r.rating)
    query = sa.select(*columns.values(), sa.func.count()).where(in_period).group_by(*columns.values())
    return [dict(zip([*columns, "n"], row)) for row in _run(_scan(query, long_period))]


def _by_day(profile: SchoolProfile, period: Period, in_period, long_period: bool) -> list[tuple[dt.date, int]]:
    """Requests per school day: counted per UTC hour by the database, each hour then placed on
    its day in the school's zone (zones of Russia are whole hours off UTC)."""
    zone = ZoneInfo(profile.school.timezone)
    bucket = _hour_bucket()
    per_day = dict.fromkeys(period.days(), 0)
    for hour, count in _run(_scan(sa.select(bucket, sa.func.count()).where(in_period).group_by(bucket), long_period)):
        moment = dt.datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]),
                             tzinfo=dt.timezone.utc)  # fmt: skip
        day = moment.astimezone(zone).date()
        if day in per_day:
            per_day[day] += count
    return sorted(per_day.items())


def _not_duplicate():
    r = SupportRequest
    return sa.or_(r.closing_outcome.is_(None), r.closing_outcome != ClosingOutcome.DUPLICATE.value)


def _clock_figures(in_period, now: dt.datetime, long_period: bool) -> list[ClockFigures]:
    if db.engine.dialect.name == "postgresql":
        return _clock_figures_in_postgresql(in_period, now)
    return _clock_figures_read_through(in_period, now, long_period)


def _clock_figures_in_postgresql(in_period, now: dt.datetime) -> list[ClockFigures]:
    """PostgreSQL computes it all in one scan: `percentile_cont(0.5)` is the usual median and
    `percentile_disc(0.9)` the nearest-rank 90th percentile; then the worst delays per clock."""
    r = SupportRequest
    aggregates = []
    for clock in Clock:
        done_at, took, late = (getattr(r, f"{clock}_{name}") for name in ("done_at", "took", "late"))
        stopped = sa.and_(done_at.is_not(None), _not_duplicate())
        aggregates += [
            sa.func.count().filter(stopped),
            sa.func.count().filter(stopped, sa.func.coalesce(late, 0) == 0),
            sa.func.count().filter(breached_clause(clock, now)),
            sa.func.percentile_cont(0.5).within_group(took).filter(stopped),
            sa.func.percentile_disc(0.9).within_group(took).filter(stopped),
        ]
    values = _run(sa.select(*aggregates).where(in_period))[0]
    figures = []
    for position, clock in enumerate(Clock):
        done, on_time, overdue, median, p90 = values[position * 5 : position * 5 + 5]
        late = getattr(r, f"{clock}_late")
        stopped = sa.and_(in_period, getattr(r, f"{clock}_done_at").is_not(None), _not_duplicate())
        worst = _run(sa.select(r.number, late).where(stopped, late > 0).order_by(late.desc(), r.id).limit(WORST))
        figures.append(ClockFigures(
            clock=clock, counted=done + overdue, on_time=on_time,
            median=None if median is None else float(median), p90=None if p90 is None else int(p90),
            worst=[(number, seconds) for number, seconds in worst],
        ))  # fmt: skip
    return figures


def _clock_figures_read_through(in_period, now: dt.datetime, long_period: bool) -> list[ClockFigures]:
    """SQLite has no percentiles: per clock, how many stopped (a duplicate's clocks do not count), how many on time, how many
    are overdue now, the durations and the worst delays — from one scan that reads only numbers;
    the request numbers of the worst cases are looked up afterwards."""
    r = SupportRequest
    columns = [r.id]
    for clock in Clock:
        done_at = getattr(r, f"{clock}_done_at")
        columns += [
            sa.case((sa.and_(done_at.is_not(None), _not_duplicate()), 1), else_=0),
            getattr(r, f"{clock}_took"),
            getattr(r, f"{clock}_late"),
            sa.case((breached_clause(clock, now), 1), else_=0),
        ]
    tallies = [{"done": 0, "on_time": 0, "overdue": 0, "took": [], "late": []} for _ in Clock]
    for request_id, *values in _run(_scan(sa.select(*columns).where(in_period), long_period)):
        for position, tally in enumerate(tallies):
            stopped, took, late, overdue = values[position * 4 : position * 4 + 4]
            tally["overdue"] += overdue
            if stopped:
                tally["done"] += 1
                if not late:
                    tally["on_time"] += 1
                else:
                    tally["late"].append((late, -request_id))
                if took is not None:
                    tally["took"].append(took)
    worst = {position: sorted(t["late"], reverse=True)[:WORST] for position, t in enumerate(tallies)}
    ids = {-negative for cases in worst.values() for _late, negative in cases}
    numbers = dict(_run(sa.select(r.id, r.number).where(r.id.in_(ids)))) if ids else {}
    figures = []
    for position, clock in enumerate(Clock):
        tally = tallies[position]
        durations = sorted(tally["took"])
        figures.append(ClockFigures(
            clock=clock, counted=tally["done"] + tally["overdue"], on_time=tally["on_time"],
            median=statistics.median(durations) if durations else None,
            p90=nearest_rank(durations, 90),
            worst=[(numbers[-negative], late) for late, negative in worst[position]],
        ))  # fmt: skip
    return figures


def _rating_lines(grouped: dict[str, dict[str, int]], title) -> list[RatingLine]:
    lines = [RatingLine(key, title(key or None), counts) for key, counts in grouped.items()]
    return sorted(lines, key=lambda line: (-line.total, line.label))


def _comments(in_period, confidential: bool, long_period: bool) -> list[tuple[str, str, str]]:
    r = SupportRequest
    query = (
        sa.select(r.number, r.rating, r.rating_comment)
        .where(in_period, r.rating_comment.is_not(None))
        .order_by(r.id.desc()).limit(COMMENTS)
    )  # fmt: skip
    if not confidential:
        query = query.where(r.confidential == sa.false())
    return [tuple(row) for row in _run(_scan(query, long_period))]


def _titles(profile: SchoolProfile) -> dict:
    def type_title(value):
        found = profile.request_type(value or "")
        return found.title if found else (value or "—")

    def role_title(value):
        return next((r.title for r in profile.roles if r.id == value), value or "—")

    def staff_title(value):
        member = profile.staff_member(value or "")
        return member.name if member else (value or "никому не передано")

    def channel_title(value):
        found = profile.channel(value or "")
        if value == Channel.WEB:
            return Channel.WEB.label
        return found.title if found else (value or "—")

    return {
        "type": type_title,
        "author_role": lambda v: AuthorRole.label_of(v, v or "—"),
        "class": lambda v: v or "без класса",
        "channel": channel_title,
        "routed_role": role_title,
        "assignee": staff_title,
    }


def _hour_bucket():
    """The UTC hour of arrival as text ('2026-10-05 07'), in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", SupportRequest.received_at), "YYYY-MM-DD HH24")
    return sa.func.strftime("%Y-%m-%d %H", SupportRequest.received_at)


def nearest_rank(ordered: list[int], percent: int) -> int | None:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


def _problems(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[ProblemLine]:
    """The known problems that were open at some moment of [start, end), the earliest first."""
    p = KnownProblem
    linked = (
        sa.select(sa.func.count()).select_from(SupportRequest)
        .where(SupportRequest.known_problem_id == p.id).scalar_subquery()
    )  # fmt: skip
    rows = db.session.execute(
        sa.select(p.id, p.title, p.started_at, p.resolved_at, linked)
        .where(p.started_at < end, sa.or_(p.resolved_at.is_(None), p.resolved_at >= start))
        .order_by(p.started_at, p.id)
    ).all()  # fmt: skip
    return [
        ProblemLine(id_, title, started, resolved, int(((resolved or now) - started).total_seconds()), count)
        for id_, title, started, resolved, count in rows
    ]


def _events(start: dt.datetime, end: dt.datetime) -> tuple[int, dict[str, int]]:
    kinds = (Event.REOPENED, Event.EXTENSION_REQUESTED, Event.EXTENSION_AGREED, Event.EXTENSION_DECLINED)
    rows = dict(db.session.execute(
        sa.select(HistoryEntry.action, sa.func.count())
        .where(HistoryEntry.action.in_([k.value for k in kinds]), HistoryEntry.at >= start, HistoryEntry.at < end)
        .group_by(HistoryEntry.action)
    ).all())  # fmt: skip
    return rows.get(Event.REOPENED, 0), {
        "asked": rows.get(Event.EXTENSION_REQUESTED, 0),
        "agreed": rows.get(Event.EXTENSION_AGREED, 0),
        "declined": rows.get(Event.EXTENSION_DECLINED, 0),
    }
