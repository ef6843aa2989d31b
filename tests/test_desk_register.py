"""The desk's register: filters, search, deadline marks, pages, and every list served by an index."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import profile_variant, request_data
from webapp.desk.listing import COUNT_CAP, Filters, capped_count, register_query
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc


def numbers_listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<a href="/app/desk/r/\d+">(\d{4}-\d{5})</a>', response.get_data(as_text=True))


def add(app, **overrides) -> SupportRequest:
    received_at = overrides.pop("received_at", None)
    with app.app_context():
        req = submit_request(current_register(), request_data(**overrides), received_at=received_at)
        db.session.commit()
        db.session.refresh(req)
        db.session.expunge(req)
        return req


@pytest.fixture
def calendar_app(make_app, tmp_path):
    """Clocks in calendar time, so that "soon" and "overdue" do not depend on the hour of the run."""
    return make_app(SCHOOL_PROFILE=profile_variant(tmp_path, support__deadlines__clock="calendar"))


def test_the_default_queue_shows_open_requests_nearest_deadline_first(app, client):
    old = add(app, author_name="Первый Автор Иванович")
    new = add(app, author_name="Второй Автор Иванович")
    done = add(app, author_name="Третий Автор Иванович")
    with app.app_context():
        req = db.session.get(SupportRequest, done.id)
        lifecycle.record_oral_answer(current_register(), req, "lebedev", "Помог.")
        lifecycle.close(current_register(), req, "lebedev")
        db.session.commit()
    login(client, "orlova")
    # Nearest hand-over deadline first; equal deadlines (both sent out of service hours) newest
    # first. Which case applies depends on the hour the test runs, so the dues are read back.
    with app.app_context():
        dues = {r.number: r.assign_due for r in db.session.scalars(sa.select(SupportRequest))}
    expected = sorted([old, new], key=lambda r: (dues[r.number], -r.id))
    assert numbers_listed(client.get("/app/desk/")) == [r.number for r in expected]
    assert numbers_listed(client.get("/app/desk/?status=closed")) == [done.number]
    assert numbers_listed(client.get("/app/desk/?status=all")) == [done.number, new.number, old.number]


def test_filters_by_type_and_by_specialist(app, client):
    tech = add(app)
    journal = add(app, request_type="journal")
    with app.app_context():
        lifecycle.assign(current_register(), db.session.get(SupportRequest, journal.id), "orlova", "kuznetsova")
        db.session.commit()
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/?request_type=journal")) == [journal.number]
    assert numbers_listed(client.get("/app/desk/?assignee=kuznetsova")) == [journal.number]
    assert numbers_listed(client.get("/app/desk/?assignee=none")) == [tech.number]


def test_search_by_number_full_or_short(app, client):
    first = add(app)
    second = add(app)
    login(client, "orlova")
    assert numbers_listed(client.get(f"/app/desk/?q={second.number}")) == [second.number]
    year, sequence = first.number.split("-")
    assert numbers_listed(client.get(f"/app/desk/?q=№ {year}-{int(sequence)}")) == [first.number]
    assert numbers_listed(client.get(f"/app/desk/?q={int(sequence)}")) == [first.number]
    assert numbers_listed(client.get("/app/desk/?q=1999-00001")) == []


def test_search_by_the_beginning_of_a_name_ignores_case_and_yo(app, client):
    add(app, author_name="Смирнова Анна Сергеевна")
    fyodorov = add(app, author_name="Фёдоров Пётр Ильич")
    add(app, author_name="Иванов Иван Иванович")
    login(client, "orlova")
    smirnova = numbers_listed(client.get("/app/desk/?q=смирн"))
    assert len(smirnova) == 1
    assert numbers_listed(client.get("/app/desk/?q=ФЕДОРОВ п")) == [fyodorov.number]
    assert numbers_listed(client.get("/app/desk/?q=федоров пё")) == [fyodorov.number]
    assert numbers_listed(client.get("/app/desk/?q=нова")) == []  # the beginning, not the middle


def test_a_search_looks_through_closed_requests_too(app, client):
    req = add(app, author_name="Закрытова Мария Петровна")
    with app.app_context():
        stored = db.session.get(SupportRequest, req.id)
        lifecycle.record_oral_answer(current_register(), stored, "lebedev", "Помог.")
        lifecycle.close(current_register(), stored, "lebedev")
        db.session.commit()
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/?q=Закрытова")) == [req.number]


def test_a_specialist_lists_only_what_they_may_see(app, client):
    tech = add(app)
    add(app, request_type="psychologist")
    add(app, request_type="journal")
    login(client, "lebedev")
    assert numbers_listed(client.get("/app/desk/?status=all")) == [tech.number]


def test_overdue_and_about_to_be_overdue_are_marked_and_can_be_filtered(calendar_app):
    app = calendar_app
    now = dt.datetime.now(UTC)
    late = add(app, received_at=now - dt.timedelta(hours=2))
    soon = add(app, received_at=now - dt.timedelta(minutes=25))
    fresh = add(app, received_at=now)
    client = app.test_client()
    login(client, "orlova")
    page = client.get("/app/desk/").get_data(as_text=True)
    rows = {m.group(2): m.group(1) for m in re.finditer(r'<tr class="([^"]*)">\s*<td data-label="Номер"><a href="[^"]+">([^<]+)</a>', page)}
    assert rows == {late.number: "is-overdue", soon.number: "is-soon", fresh.number: ""}
    assert "Передать специалисту: просрочено" in page
    assert "Передать специалисту: скоро срок" in page
    assert numbers_listed(client.get("/app/desk/?overdue=y")) == [late.number]


def test_requests_waiting_for_a_decision_on_the_term_can_be_listed(app, client):
    add(app)
    waiting = add(app)
    with app.app_context():
        req = db.session.get(SupportRequest, waiting.id)
        lifecycle.take_into_work(current_register(), req, "lebedev")
        lifecycle.request_extension(current_register(), req, "lebedev", "Ждём поставщика.", req.process_due + dt.timedelta(days=1))
        db.session.commit()
    login(client, "orlova")
    assert numbers_listed(client.get("/app/desk/?status=all&extension=y")) == [waiting.number]


def test_the_register_is_paginated(make_app):
    app = make_app(DESK_PAGE_SIZE=2)
    made = [add(app, author_name=f"Автор{i} Тест Тестович") for i in range(5)]
    client = app.test_client()
    login(client, "orlova")
    first = client.get("/app/desk/")
    assert "Найдено: 5 · страница 1 из 3" in first.get_data(as_text=True)
    pages = [numbers_listed(first)] + [numbers_listed(client.get(f"/app/desk/?page={n}")) for n in (2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(r.number for r in made)  # each once, none lost
    assert numbers_listed(client.get("/app/desk/?page=9")) == []


def test_counting_stops_at_the_cap(app):
    for _ in range(3):
        add(app)
    with app.app_context():
        query = register_query(current_school(), "orlova", Filters(status="all"), dt.datetime.now(UTC))
        assert capped_count(query) == 3
        assert capped_count(query, cap=2) == 3  # "more than 2"
        assert COUNT_CAP >= 1000


# Every list a person can ask for, as the desk builds it, and the index that must serve its filter
# (a list without a filter of its own may use any index that gives the order or the visibility).
LISTS = [
    ("orlova", Filters(), r"ix_support_request_status_"),
    ("lebedev", Filters(), r"ix_support_request_status_"),
    ("morozova", Filters(), r"ix_support_request_status_"),
    ("belov", Filters(status="all"), r"ix_support_request_"),
    ("morozova", Filters(status="all"), r"ix_support_request_"),
    ("orlova", Filters(status="closed"), r"ix_support_request_status_"),
    ("orlova", Filters(status="all", request_type="journal"), r"ix_support_request_type_received"),
    ("orlova", Filters(status="all", assignee="lebedev"), r"ix_support_request_assignee_received"),
    ("orlova", Filters(status="all", assignee="none"), r"ix_support_request_assignee_received"),
    ("orlova", Filters(overdue=True), r"ix_support_request_status_"),
    ("orlova", Filters(status="all", extension=True), r"ix_support_request_pending_extension"),
    ("belov", Filters(status="all", q="смирн"), r"ix_support_request_author_key"),
    ("belov", Filters(status="all", q="2026-00042"), r"uq_support_request_number|sqlite_autoindex_support_request"),
]


def plan(statement) -> str:
    sql = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))
    return "\n".join(row[0] for row in db.session.execute(sa.text(f"EXPLAIN {sql}")))


def test_every_list_is_served_by_an_index_not_a_table_scan(app):
    add(app)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # A tiny table is scanned whole on purpose; forbid that to see whether an index can serve.
            db.session.execute(sa.text("SET enable_seqscan = off"))
        now = dt.datetime.now(UTC)
        for who, filters, index in LISTS:
            query = register_query(current_school(), who, filters, now)
            shown = plan(query.limit(50))
            assert "Seq Scan on support_request" not in shown, (who, filters, shown)
            assert not re.search(r"^SCAN support_request$", shown, re.M), (who, filters, shown)
            assert re.search(index, shown), (who, filters, shown)
