"""The head's pages (issue 12): the control view, the reports and their downloads.

`/app/desk/control` — today's figures, each a link to the queue it counts; `/app/desk/reports` —
a period's report with its chart (SVG drawn here, with the same figures as a table);
`/app/desk/reports/export` — the report or the register of the period as XLSX or CSV, streamed.
Only the head of the service and roles that see all requests get here; to others it is 404.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from ..models.types import utc_now
from ..reports import export
from ..reports.compute import SECTIONS, build_report
from ..reports.period import NAMED, BadPeriod, between, named, parse_date, school_today
from ..requests import access
from ..vocabulary import Permission
from ..web.current import current_school
from ..web.staff_pages import staff_context
from .chart import day_chart
from .control import (
    control_figures, has_deadlines, last_mailbox_fetch, low_rated, unclosed_old, undelivered_mail,
)  # fmt: skip

bp = Blueprint("oversight", __name__)
log = logging.getLogger(__name__)


@bp.before_request
@login_required
def _head_and_view_all_only():
    if not access.may_oversee(current_school(), current_user.staff_id):
        abort(404)
    return None


bp.context_processor(staff_context)


@bp.get("/control")
def control():
    profile = current_school()
    me = current_user.staff_id
    return render_template(
        "desk/control.html", nav="control", figures=control_figures(profile, me, utc_now()),
        failed_mail=undelivered_mail(), low_rated=low_rated(profile, me),
        unclosed_old=unclosed_old(profile, me), retention_days=profile.privacy.retention_days,
        mailbox=last_mailbox_fetch(), has_deadlines=has_deadlines(profile),
    )  # fmt: skip


def _period():
    """The period asked for in the address (default: this month), or BadPeriod."""
    profile = current_school()
    chosen = request.args.get("period", "month")
    if chosen == "dates":
        return chosen, between(parse_date(request.args.get("from")), parse_date(request.args.get("to")))
    if chosen not in NAMED:
        raise BadPeriod("Выберите период: неделя, месяц, четверть, учебный год или свои даты.")
    return chosen, named(chosen, school_today(profile, utc_now()))


@bp.get("/reports")
def reports():
    profile = current_school()
    try:
        chosen, period = _period()
    except BadPeriod as bad:
        return render_template(
            "desk/reports.html", nav="reports", error=str(bad), report=None, args=request.args,
            named=NAMED, chosen=request.args.get("period", "dates"),
        ), 400  # fmt: skip
    report = build_report(profile, period, utc_now(), confidential_comments=_sees_confidential())
    args = {"period": chosen}
    if chosen == "dates":
        args.update({"from": period.first.isoformat(), "to": period.last.isoformat()})
    return render_template(
        "desk/reports.html", nav="reports", report=report, error=None, args=args, named=NAMED,
        chosen=chosen, sections=SECTIONS, chart=day_chart(report.by_day),
    )  # fmt: skip


@bp.get("/reports/export")
def export_file():
    profile = current_school()
    fmt, what = request.args.get("format", ""), request.args.get("what", "report")
    if fmt not in export.FORMATS or what not in ("report", "register"):
        abort(404)
    try:
        _chosen, period = _period()
    except BadPeriod:
        abort(404)
    now, me = utc_now(), current_user.staff_id
    if what == "register":
        rows = export.register_rows(profile, period, now, access.visible_clause(profile, me))
        title = "Реестр"
    else:
        report = build_report(profile, period, now, confidential_comments=_sees_confidential())
        rows, title = export.report_rows(report), "Отчёт"
    name = f"{'register' if what == 'register' else 'report'}-{period.first}-{period.last}.{fmt}"
    log.info("%s export %s by %s", what, period.title, me)
    return Response(
        stream_with_context(export.stream(rows, fmt, title)),
        mimetype=export.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _sees_confidential() -> bool:
    return Permission.VIEW_CONFIDENTIAL in current_school().permissions_of(current_user.staff_id)
