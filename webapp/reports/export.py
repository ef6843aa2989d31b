"""A report, or the register of a period, as XLSX or CSV — streamed, whatever the size.

The register is every request of the period (by arrival) with its facts and each clock's outcome;
descriptions of confidential requests are left out, contacts always. Rows are read from the
database in batches (`yield_per`, plain rows, no ORM objects) and written as they come: CSV line by line; XLSX by openpyxl
in write-only mode, which keeps rows on disk, not in memory, then streams the file in chunks.
So memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from openpyxl import Workbook

from ..deadlines.outcomes import outcome
from ..extensions import db
from ..formatting import to_local
from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import (
    AuthorRole, Clock, ClockOutcome, ClosingOutcome, ConsultationForm, ConsultationMode, Rating, RequestStatus,
)  # fmt: skip
from .compute import SECTIONS, Report
from .period import Period

FORMATS = ("xlsx", "csv")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text type
}
CHUNK = 64 * 1024
NOT_SET = "срок не установлен"
BATCH = 1000

REGISTER_HEADER = [
    "Номер", "Поступило", "Канал", "Кто обратился", "Класс", "Вид",
    "Форма консультации", "Режим консультации", "Предмет", "Направлено роли",
    "Специалист", "Статус", "Итог", "Дубликат обращения",
    *[f"{clock.label.capitalize()}: {what}" for clock in Clock
      for what in ("срок", "исход", "опоздание, мин")],
    "Продлил срок", "Оценка автора", "Комментарий к оценке", "ФИО автора", "Описание",
]  # fmt: skip


def register_rows(profile: SchoolProfile, period: Period, now: dt.datetime, visible=None) -> Iterator[list]:
    """The header, then one row per request of the period, oldest first. `visible`: an SQL
    condition limiting the rows to what the person may see (webapp/requests/access.py)."""
    yield REGISTER_HEADER
    start, end = period.bounds(profile)
    table = SupportRequest.__table__
    query = (
        sa.select(table)
        .where(table.c.received_at >= start, table.c.received_at < end)
        .order_by(table.c.received_at, table.c.id)
        .execution_options(yield_per=BATCH)
    )  # fmt: skip
    if visible is not None:
        query = query.where(visible)
    numbers: dict[int, str] = {}
    # Plain rows (attribute access by column name), not objects: nothing is kept per row.
    for req in db.session.connection().execute(query):
        yield _register_row(profile, req, now, numbers)


def _local(profile: SchoolProfile, moment: dt.datetime | None) -> str:
    return to_local(profile, moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _register_row(profile: SchoolProfile, req, now: dt.datetime, numbers: dict) -> list:
    """One register line from a request's row (a `SupportRequest` or a row with its columns)."""
    request_type = profile.request_type(req.request_type)
    role = next((r.title for r in profile.roles if r.id == req.routed_role), req.routed_role)
    channel = profile.channel(req.channel)
    assignee = profile.staff_member(req.assignee or "")
    extended = profile.staff_member(req.extended_by or "")
    clocks = []
    for clock in Clock:
        if getattr(req, f"{clock}_due") is None and profile.deadline_length(clock) is None:
            clocks += ["", NOT_SET, ""]  # the act sets no such deadline: no clock ran
            continue
        report = outcome(profile, req, clock, now)
        late = round(report.late / 60) if report.outcome in (ClockOutcome.MET_LATE, ClockOutcome.BREACHED) else ""
        clocks += [_local(profile, report.due), report.outcome.label, late]
    duplicate_of = ""
    if req.duplicate_of_id:
        if req.duplicate_of_id not in numbers:
            numbers[req.duplicate_of_id] = db.session.scalar(
                sa.select(SupportRequest.number).where(SupportRequest.id == req.duplicate_of_id)
            )
        duplicate_of = numbers[req.duplicate_of_id]
    return [
        req.number, _local(profile, req.received_at),
        channel.title if channel and req.channel != "web" else ("форма на сайте" if req.channel == "web" else req.channel),
        AuthorRole.label_of(req.author_role), req.class_name or "",
        request_type.title if request_type else req.request_type,
        ConsultationForm.label_of(req.consultation_form) if req.consultation_form else "",
        ConsultationMode.label_of(req.consultation_mode) if req.consultation_mode else "",
        req.subject or "", role,
        assignee.name if assignee else (req.assignee or ""),
        RequestStatus.label_of(req.status), ClosingOutcome.label_of(req.closing_outcome, "") if req.closing_outcome else "",
        duplicate_of, *clocks,
        extended.name if extended else (req.extended_by or ""),
        Rating.label_of(req.rating) if req.rating else "", req.rating_comment or "",
        req.author_name, "" if req.confidential else req.description,
    ]  # fmt: skip


def _minutes(seconds: float | None) -> str | int:
    return "" if seconds is None else round(seconds / 60)


def report_rows(report: Report) -> Iterator[list]:
    """The report as one table: section, line, figure (and a second figure where there is one)."""
    yield ["Раздел", "Показатель", "Значение", "Дополнительно"]
    yield ["Период", report.period.title, report.total, "обращений"]
    for key, lines in report.sections.items():
        for line in lines:
            yield [SECTIONS[key][0], line.label, line.count, ""]
    for day, count in report.by_day:
        yield ["По дням", day.isoformat(), count, ""]
    for figures in report.clocks:
        name = f"Срок «{figures.clock.label}»"
        mode = report.modes[figures.clock].label
        share = "" if figures.share is None else round(figures.share * 100, 1)
        yield [name, "учтено", figures.counted, ""]
        yield [name, "в срок, %", share, f"{figures.on_time} в срок"]
        yield [name, f"медиана, мин ({mode})", _minutes(figures.median), ""]
        yield [name, f"90-й процентиль, мин ({mode})", _minutes(figures.p90), ""]
        for number, late in figures.worst:
            yield [name, f"опоздание {number}, мин", _minutes(late), ""]
    yield ["Открыто снова", "обращений открыто снова", report.reopened, ""]
    for clock in report.unset:
        yield [f"Срок «{clock.label}»", "не установлен положением", "", ""]
    for key, label in (("asked", "запрошено"), ("agreed", "согласовано"), ("declined", "отклонено")):
        yield ["Продления срока", label, report.extensions.get(key, 0), ""]
    for line in report.outcomes:
        yield ["Итоги закрытия", line.label, line.count, ""]
    for title, lines in (("Оценки по видам", report.ratings_by_type), ("Оценки по специалистам", report.ratings_by_staff)):
        for line in lines:
            detail = ", ".join(f"{Rating(k).label}: {n}" for k, n in sorted(line.counts.items(), key=lambda kv: Rating(kv[0]).score))
            yield [title, line.label, line.total, detail]
    for number, rating, comment in report.comments:
        yield ["Комментарии авторов", number, Rating.label_of(rating), comment]
    yield ["Известные проблемы", "обращений, связанных с известными проблемами", report.linked, ""]
    for problem in report.problems:
        state = "не решена" if problem.resolved_at is None else "решена"
        yield ["Известные проблемы", f"№ {problem.id}. {problem.title}", round(problem.seconds / 60),
               f"мин; {state}; обращений: {problem.linked}"]  # fmt: skip


def stream_csv(rows: Iterable[list]) -> Iterator[bytes]:
    """CSV (UTF-8 with a BOM, so Excel reads the Cyrillic), yielded in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def stream_xlsx(rows: Iterable[list], title: str) -> Iterator[bytes]:
    """XLSX written by openpyxl in write-only mode to a temporary file, then yielded in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


def stream(rows: Iterable[list], fmt: str, title: str) -> Iterator[bytes]:
    if fmt == "xlsx":
        return stream_xlsx(rows, title)
    if fmt == "csv":
        return stream_csv(rows)
    raise ValueError(f"unknown format {fmt!r}")
