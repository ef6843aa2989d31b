"""The monthly report by e-mail: last month's figures to the head of the service, and to the
director when the profile names one (issue 12; seed 002: the head controls execution).

`mail_month` queues one letter per recipient through the outbox and records the month in
`ReportMailing` (INSERT … ON CONFLICT DO NOTHING), so a second run — cron every day, two workers
— never sends the same month twice. The letter carries the main figures and a link to the full
report on the desk (the XLSX is one click there).
"""

from __future__ import annotations

import datetime as dt

from ..deadlines.calendar import WorkCalendar
from ..models import ReportMailing
from ..models.insert import insert_once
from ..requests.context import Register
from ..requests.notifications import queue_message
from ..vocabulary import MailKind
from .compute import build_report
from .period import Period


def first_working_day(reg: Register, today: dt.date) -> bool:
    """Whether `today` is the service's first working day of its month (school calendar)."""
    calendar = WorkCalendar.of(reg.profile)
    day = today.replace(day=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day == today


def mail_month(reg: Register, period: Period, now: dt.datetime) -> list[str] | None:
    """Queue the report of `period` (a month) to every member of the control role and to the
    director; the caller commits.
    Returns the recipients, or None when this month's report was mailed before."""
    month = f"{period.first:%Y-%m}"
    if not insert_once(ReportMailing, ["month"], month=month, sent_at=now):
        return None
    profile = reg.profile
    report = build_report(profile, period, now)
    readers = list(profile.staff_with_role(profile.control_role_id))
    if profile.director is not None:
        readers.append(profile.director)
    link = reg.links.reports(period="dates", **{"from": period.first.isoformat(), "to": period.last.isoformat()})
    for reader in readers:
        queue_message(
            reg, "monthly_report", kind=MailKind.MONTHLY_REPORT, recipient=reader.email,
            subject=f"Отчёт об обращениях за {period.title}", member=reader, report=report, report_url=link,
        )  # fmt: skip
    return [reader.email for reader in readers]
