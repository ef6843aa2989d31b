"""Reports (issue 12): a period's figures checked against counts made by hand from the generated
requests — types, author roles, on-time shares, medians and 90th percentiles in working hours
across a weekend and a public holiday — and the same report and register as XLSX and CSV, over
HTTP and from the command line, and the monthly letter.

The demo school works 08:00–17:00 Monday to Friday (Asia/Yekaterinburg), clocks in working
hours; 4 November 2026 (Wednesday) is the Day of National Unity, a public holiday.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.support.deadlines import local
from tests.support.staff import login
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import OutboxMessage, SupportRequest
from webapp.reports import export
from webapp.reports.compute import build_report
from webapp.reports.period import Period
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc
PERIOD = Period(dt.date(2026, 10, 26), dt.date(2026, 11, 8))
QUERY = "period=dates&from=2026-10-26&to=2026-11-08"

# (arrived, handed over, answered, type, author role): school time, (y, m, d, h, min).
# Hand-counted working minutes of each clock are in the comments: assign (due 30 min),
# process (due 24 working hours = 1440 min).
CASES = [
    # Fri 16:00 → Mon 09:00: Fri 16–17 (60) + Mon 8–9 (60) = 120, due Fri 16:30 → late 90.
    # Answered Tue 10:00: Fri 60 + Mon 540 + Tue 120 = 720 min, on time.
    ((2026, 10, 30, 16, 0), (2026, 11, 2, 9, 0), (2026, 11, 3, 10, 0), "technical", "parent"),
    # Sat 12:00 (weekend) → Mon 08:15: 15, on time. Answered Thu 11-05 09:00 (Wed 4th is a
    # holiday): Mon 540 + Tue 540 + Thu 60 = 1140, on time.
    ((2026, 10, 31, 12, 0), (2026, 11, 2, 8, 15), (2026, 11, 5, 9, 0), "journal", "student"),
    # Tue 16:50 → Thu 08:10 (over the holiday): 10 + 10 = 20, on time (due Thu 08:20).
    # Answered Fri 11-06 16:00: Tue 10 + Thu 540 + Fri 480 = 1030, on time.
    ((2026, 11, 3, 16, 50), (2026, 11, 5, 8, 10), (2026, 11, 6, 16, 0), "technical", "teacher"),
    # Mon 10:00 → 10:05: 5, on time. Answered Fri 11-06 12:00: Mon 420 + Tue 540 + Thu 540 +
    # Fri 240 = 1740 min, due after 1440 → late 300.
    ((2026, 11, 2, 10, 0), (2026, 11, 2, 10, 5), (2026, 11, 6, 12, 0), "technical", "parent"),
]
ASSIGN_MINUTES = [120, 15, 20, 5]
PROCESS_MINUTES = [720, 1140, 1030, 1740]


@pytest.fixture
def generated(app):
    """The four requests above, lived through the register's own steps at their moments."""
    with app.app_context():
        reg, profile = current_register(), current_school()
        numbers = []
        for arrived, handed, answered, request_type, role in CASES:
            received = local(profile, *arrived)
            req = submit_request(
                reg, request_data(request_type=request_type, author_role=role,
                                  class_name=None if role == "teacher" else "7А"),
                received_at=received, now=received,
            )  # fmt: skip
            specialist = "kuznetsova" if request_type == "journal" else "lebedev"
            lifecycle.assign(reg, req, "orlova", specialist, now=local(profile, *handed))
            lifecycle.take_into_work(reg, req, specialist, now=local(profile, *handed))
            lifecycle.record_oral_answer(reg, req, specialist, "Помогли.", now=local(profile, *answered))
            numbers.append(req.number)
        # Outside the period: not counted anywhere.
        outside = local(profile, 2026, 11, 9, 10, 0)
        submit_request(reg, request_data(), received_at=outside, now=outside)
        db.session.commit()
        return numbers


def by_arrival(numbers):
    """The register lists the period oldest first: the fourth case came before the third."""
    return [numbers[0], numbers[1], numbers[3], numbers[2]]


def nearest_rank_by_hand(values, percent):
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # ceil
    return ordered[rank - 1]


def test_report_figures_equal_an_independent_count(app, generated):
    now = dt.datetime(2026, 11, 20, tzinfo=UTC)
    with app.app_context():
        report = build_report(current_school(), PERIOD, now)
    assert report.total == len(CASES) == 4
    by_type = {line.key: line.count for line in report.sections["type"]}
    assert by_type == {"technical": 3, "journal": 1}
    by_role = {line.key: line.count for line in report.sections["author_role"]}
    assert by_role == {"parent": 2, "student": 1, "teacher": 1}
    assert {line.key: line.count for line in report.sections["assignee"]} == {"lebedev": 3, "kuznetsova": 1}
    assign, take, process = report.clocks
    assert (assign.counted, assign.on_time) == (4, 3)
    assert assign.share == 0.75
    assert assign.median == statistics.median(ASSIGN_MINUTES) * 60 == 17.5 * 60
    assert assign.p90 == nearest_rank_by_hand(ASSIGN_MINUTES, 90) * 60 == 120 * 60
    assert assign.worst == [(generated[0], 90 * 60)]
    assert (process.counted, process.on_time) == (4, 3)
    assert process.median == statistics.median(PROCESS_MINUTES) * 60 == 1085 * 60
    assert process.worst == [(generated[3], 300 * 60)]
    assert (take.counted, take.on_time) == (4, 4)  # taken at the moment of the hand-over
    with app.app_context():  # a school year: read through the whole table on SQLite, same figures
        year = build_report(current_school(), Period(dt.date(2026, 9, 1), dt.date(2027, 8, 31)), now)
    assert year.total == 5  # and the request of 9 November
    assert (year.clocks[0].on_time, year.clocks[0].median, year.clocks[2].median) == (3, 17.5 * 60, 1085 * 60)
    assert year.clocks[0].counted == 5  # the fifth is still waiting to be handed over: overdue
    days = dict(report.by_day)
    assert days[dt.date(2026, 10, 31)] == 1 and days[dt.date(2026, 11, 4)] == 0
    assert sum(days.values()) == 4 and len(days) == 14


def test_the_report_page_shows_the_chart_and_the_same_figures_as_a_table(app, client, generated):
    login(client, "orlova")
    page = client.get(f"/app/desk/reports?{QUERY}").get_data(as_text=True)
    assert "<svg" in page and "Обращений в день: больше всего — 1" in page
    assert "<td>31.10.2026</td><td>1</td>" in page
    assert "Обращений: <strong>4</strong>" in page
    assert re.search(r"Передать специалисту</th>\s*<td>4</td>\s*<td>75,0 % \(3\)</td>\s*<td>18 мин</td>\s*<td>120 мин</td>", page)
    bad = client.get("/app/desk/reports?period=dates&from=2026-11-08&to=2026-10-26")
    assert bad.status_code == 400 and "Дата «по» раньше даты «с»" in bad.get_data(as_text=True)
    assert client.get("/app/desk/reports?period=dates&from=0001-01-01&to=9999-12-31").status_code == 400
    assert client.get("/app/desk/reports?period=%00").status_code in (400, 404)


def test_the_register_xlsx_opened_with_openpyxl_equals_the_register(app, client, generated):
    login(client, "orlova")
    response = client.get(f"/app/desk/reports/export?what=register&format=xlsx&{QUERY}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert response.is_streamed
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    with app.app_context():
        start, end = PERIOD.bounds(current_school())
        stored = db.session.scalars(
            sa.select(SupportRequest.number).where(SupportRequest.received_at >= start, SupportRequest.received_at < end)
            .order_by(SupportRequest.received_at)
        ).all()  # fmt: skip
        expected = list(export.register_rows(current_school(), PERIOD, dt.datetime.now(UTC)))
    assert rows[0] == export.REGISTER_HEADER
    assert [row[0] for row in rows[1:]] == stored == by_arrival(generated)
    normal = [[("" if cell is None else cell) for cell in row] for row in rows]
    assert normal == expected
    first = dict(zip(rows[0], rows[1]))
    assert first["Передать специалисту: исход"] == "выполнено с опозданием"
    assert first["Передать специалисту: опоздание, мин"] == 90
    assert "anna.smirnova@example.ru" not in str(rows)  # no contacts in the register


def test_the_register_csv_has_the_same_rows_and_leaves_confidential_descriptions_out(app, client, generated):
    with app.app_context():
        received = local(current_school(), 2026, 11, 2, 11, 0)
        secret = submit_request(current_register(), request_data(request_type="psychologist",
                                description="Тревожится перед контрольной."), received_at=received, now=received)  # fmt: skip
        db.session.commit()
        secret_number = secret.number
    login(client, "orlova")
    response = client.get(f"/app/desk/reports/export?what=register&format=csv&{QUERY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == export.REGISTER_HEADER
    numbers = [row[0] for row in rows[1:]]
    assert sorted(numbers) == sorted([*generated, secret_number])
    secret_row = dict(zip(rows[0], rows[numbers.index(secret_number) + 1]))
    assert secret_row["Описание"] == "" and "Тревожится" not in response.get_data(as_text=True)
    report = client.get(f"/app/desk/reports/export?what=report&format=csv&{QUERY}")
    lines = list(csv.reader(io.StringIO(report.get_data().decode("utf-8-sig"))))
    assert ["Период", PERIOD.title, "5", "обращений"] in lines
    assert client.get(f"/app/desk/reports/export?what=register&format=pdf&{QUERY}").status_code == 404


def test_a_specialist_has_no_reports_or_control_view(app, client):
    login(client, "lebedev")
    for path in ("/app/desk/reports", "/app/desk/control", "/app/desk/reports/export?what=register&format=csv"):
        assert client.get(path).status_code == 404


def test_the_cli_exports_the_report_and_the_register(app, runner, generated, tmp_path):
    out = tmp_path / "register.xlsx"
    result = runner.invoke(args=["report", "export", "--from", "2026-10-26", "--to", "2026-11-08",
                                 "--format", "xlsx", "--what", "register", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out, read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == by_arrival(generated)
    csv_out = tmp_path / "report.csv"
    result = runner.invoke(args=["report", "export", "--from", "2026-10-26", "--to", "2026-11-08",
                                 "--format", "csv", "-o", str(csv_out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert ["Срок «передать специалисту»", "в срок, %", "75.0", "3 в срок"] in lines
    bad = runner.invoke(args=["report", "export", "--from", "2026-11-08", "--to", "2026-10-26", "-o", str(csv_out)])
    assert bad.exit_code != 0 and "раньше" in bad.output
    bad = runner.invoke(args=["report", "export", "--from", "08.11.2026", "--to", "2026-10-26", "-o", str(csv_out)])
    assert bad.exit_code != 0 and "ГГГГ-ММ-ДД" in bad.output


def test_the_monthly_mail_goes_to_the_head_and_the_director_once(app, runner, smtp):
    with app.app_context():
        reg = current_register()
        now = dt.datetime.now(UTC)
        last_month_day = now.replace(day=1) - dt.timedelta(days=3)
        for _ in range(2):
            submit_request(reg, request_data(), received_at=last_month_day, now=now)
        db.session.commit()
    first = runner.invoke(args=["report", "mail"])
    assert first.exit_code == 0, first.output
    assert "orlova@school7-zarechny.example.ru" in first.output and "director@" in first.output
    again = runner.invoke(args=["report", "mail"])
    assert "уже отправлялся" in again.output
    with app.app_context():
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.kind == "monthly_report")).all()
        assert len(kinds) == 2
    deliver_due(app)
    letters = [m for _, m in smtp.messages if m["Subject"].startswith("Отчёт об обращениях")]
    assert len(letters) == 2
    body = letters[0].get_body(("plain",)).get_content()
    assert "Обращений: 2." in body and "/app/desk/reports?period=dates" in body
