"""Hostile requests against every route: never a 5xx, and a Russian message where a person typed.

The app runs on the test database (SQLite, and PostgreSQL in `make test`'s second pass), since
PostgreSQL refuses what SQLite accepts (NUL bytes, integers beyond 64 bits).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from tests.support.staff import PASSWORD, ensure_account, login
from tests.support.submissions import field_error, form_data, hotline_data as hotline_call
from webapp.extensions import db
from webapp.models import SupportRequest

CYRILLIC = re.compile(r"[А-Яа-яЁё]{3,}")
TWENTY_DIGITS = "9" * 20


def russian_page(response) -> bool:
    return bool(CYRILLIC.search(response.get_data(as_text=True)))


def assert_survived(response, *, typed: bool = False):
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if typed:
        assert response.status_code in (200, 302, 303, 400, 409, 413, 422, 429), response.status_code
        assert response.status_code in (302, 303) or russian_page(response)


@pytest.fixture
def desk(app):
    """A request from the web form, assigned by the head to a specialist who took it; the head's
    and the specialist's clients."""
    author = app.test_client()
    assert author.post("/app/form", data=form_data()).status_code == 303
    with app.app_context():
        request_id = db.session.scalar(sa.select(SupportRequest.id))
    head, specialist = app.test_client(), app.test_client()
    login(head, "orlova")
    login(specialist, "lebedev")
    page = f"/app/desk/r/{request_id}"
    assert head.post(f"{page}/assign", data={"assign-assignee": "lebedev"}).status_code == 302
    assert specialist.post(f"{page}/take").status_code == 302
    return {"id": request_id, "page": page, "head": head, "specialist": specialist, "author": author}


ACTION_FIELDS = {  # every desk action and its text fields (prefixed by the action's name)
    "assign": {"assign-assignee": "lebedev"},
    "note": {"note-text": "Заметка"},
    "contact": {"contact-method": "phone", "contact-text": "Позвонил"},
    "answer": {"answer-text": "Ответ"},
    "oral-answer": {"oral-answer-summary": "Ответил"},
    "extension": {"extension-new_due": "2030-01-01T10:00", "extension-reason": "Причина"},
    "extension-decision": {"extension-decision-decision": "agree", "extension-decision-comment": "Да"},
    "reopen": {"reopen-reason": "Снова"},
}


def as_file_parts(data: dict, field: str) -> dict:
    """The form as a multipart body in which `field` comes as an uploaded file."""
    sent = dict(data)
    sent[field] = (io.BytesIO(str(data[field]).encode()), "field.txt", "text/plain")
    return sent


def test_text_fields_of_the_public_form_sent_as_files_are_refused_in_russian(client):
    data = form_data()
    for field in ("author_name", "author_role", "request_type", "description", "consent"):
        response = client.post("/app/form", data=as_file_parts(data, field))
        assert_survived(response, typed=True)
        assert response.status_code == 422, field
        assert field_error(response.get_data(as_text=True), field), field
    for optional in ("class_name", "contact_phone", "contact_email", "submission_key"):
        assert_survived(client.post("/app/form", data=as_file_parts(form_data(), optional)), typed=True)


def test_sign_in_and_password_fields_sent_as_files_never_break(app, client):
    ensure_account(app, "lebedev")
    for field in ("login", "password"):
        data = {"login": "lebedev", "password": PASSWORD}
        assert_survived(client.post("/app/staff/login", data=as_file_parts(data, field)), typed=True)
    login(client, "lebedev")
    for field in ("current", "new", "repeat"):
        data = {"current": PASSWORD, "new": "a-fresh-password", "repeat": "a-fresh-password"}
        response = client.post("/app/staff/password", data=as_file_parts(data, field))
        assert_survived(response, typed=True)
        assert response.status_code == 400


def test_every_desk_action_and_the_hotline_survive_fields_sent_as_files(desk):
    for action, data in ACTION_FIELDS.items():
        for field in data:
            for who in (desk["head"], desk["specialist"]):
                response = who.post(f"{desk['page']}/{action}", data=as_file_parts(data, field))
                assert_survived(response)
    for field in ("channel", "received_at", "author_name", "description", "consent"):
        response = desk["head"].post("/app/desk/hotline", data=as_file_parts(hotline_call(), field))
        assert_survived(response, typed=True)
        assert response.status_code == 400, field
    for action in ("create", "password", "disable"):
        response = desk["head"].post(f"/app/desk/staff/belov/{action}", data=as_file_parts({"csrf_token": "x"}, "csrf_token"))
        assert_survived(response)


@pytest.mark.parametrize(
    "query",
    [
        "?page=2&endpoint=x",
        "?page=2&_method=POST",
        "?page=2&_external=1&_anchor=x&_scheme=javascript",
        "?page=99999999999999999999",
        "?page=-5",
        "?page=abc",
        "?q=Смирнова\U0010ffff",
        "?q=\U0010ffff",
        "?q=Смирнова\ud7ff",
        "?q=\ud7ff\U0010ffff",
        "?q=2026-999999999999999999999",
        "?q=99999999999999999999999",
        "?q=a%00b",
        "?status=%00&request_type=%00&assignee=%00",
        "?page=%00",
    ],
)
def test_desk_register_survives_hostile_query_strings(desk, query):
    for who in (desk["head"], desk["specialist"]):
        response = who.get(f"/app/desk/{query}")
        assert_survived(response)
        assert response.status_code in (200, 400)


def test_desk_pagination_links_carry_only_the_filters(make_app):
    app = make_app(DESK_PAGE_SIZE=1)
    author, head = app.test_client(), app.test_client()
    for n in range(3):  # three different requests (the same one sent again would stay one)
        assert author.post("/app/form", data=form_data(description=f"Проблема номер {n}")).status_code == 303
    login(head, "orlova")
    response = head.get("/app/desk/?status=all&page=2&endpoint=x&_method=POST&_anchor=y&_external=1")
    assert response.status_code == 200
    links = re.findall(r'href="(/app/desk/\?[^"]*)" rel="(?:prev|next)"', response.get_data(as_text=True))
    assert len(links) == 2, links
    for link in links:
        assert "status=all" in link
        assert "endpoint" not in link and "_method" not in link and "_anchor" not in link
        assert "#" not in link and "http" not in link
    last = head.get(f"/app/desk/?status=all&page={TWENTY_DIGITS}")
    assert last.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/app/desk/r/{TWENTY_DIGITS}",
        f"/app/desk/r/{TWENTY_DIGITS}/files/1",
        f"/app/desk/r/1/files/{TWENTY_DIGITS}",
        f"/app/desk/r/{2**63}",
        f"/app/desk/r/{2**31}",
        "/app/desk/r/%00",
        "/app/desk/r/1/files/%00",
        "/app/desk/staff/%00/password",
        "/app/desk/staff/belov/%00",
    ],
)
def test_huge_ids_and_nul_bytes_in_desk_paths_answer_not_found(desk, path):
    response = desk["head"].get(path)
    assert_survived(response)
    assert response.status_code == 404
    assert russian_page(response)
    posted = desk["head"].post(f"{path}/note", data={"note-text": "x"})
    assert_survived(posted)


@pytest.mark.parametrize(
    "path",
    [
        "/app/status/%00abc",
        "/app/status/abc%00",
        "/app/form/done/%00",
        "/app/status/" + "\U0010ffff" * 3,
        "/app/static/%00.css",
        "/%00",
        "/poryadok/%00",
        "/app/form?x=%00",
        "/app/staff/login?next=%00",
    ],
)
def test_public_paths_with_nul_bytes_never_break(client, path):
    response = client.get(path)
    assert_survived(response)
    assert response.status_code in (200, 400, 404)


def test_nul_bytes_in_typed_fields_are_refused_in_russian_or_cleaned(app, desk, client):
    data = form_data(author_name="Смирнова\x00 Анна", description="Камера\x00 не работает на уроке.")
    assert_survived(client.post("/app/form", data=data), typed=True)
    assert_survived(client.post("/app/staff/login", data={"login": "orl\x00ova", "password": "x\x00"}), typed=True)
    for action, fields in ACTION_FIELDS.items():
        poisoned = {k: f"{v}\x00" for k, v in fields.items()}
        assert_survived(desk["specialist"].post(f"{desk['page']}/{action}", data=poisoned))
        assert_survived(desk["head"].post(f"{desk['page']}/{action}", data=poisoned))
    call = {k: f"{v}\x00" if k not in ("consent",) else v for k, v in hotline_call().items()}
    assert_survived(desk["head"].post("/app/desk/hotline", data=call), typed=True)
    assert_survived(desk["head"].post("/app/desk/hotline?q=%00", data=hotline_call()), typed=True)
    for who in (desk["head"], desk["specialist"]):
        assert who.get("/app/desk/?status=all").status_code == 200
        assert who.get(desk["page"]).status_code == 200


@pytest.mark.parametrize(
    "received_at",
    ["0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00", "2999-01-01T00:00", "0000-00-00T00:00"],
)
def test_hotline_refuses_impossible_arrival_times_in_russian(desk, received_at):
    response = desk["head"].post("/app/desk/hotline", data=hotline_call(received_at=received_at))
    assert_survived(response, typed=True)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "received_at")
    assert desk["head"].get("/app/desk/?status=all").status_code == 200


@pytest.mark.parametrize(
    "new_due", ["9999-12-31T23:59", "0001-01-01T00:00", "2200-01-01T00:00", "2099-01-01T00:00"]
)
def test_an_extension_beyond_a_sane_horizon_is_refused_in_russian(desk, new_due):
    response = desk["specialist"].post(
        f"{desk['page']}/extension", data={"extension-new_due": new_due, "extension-reason": "Долго"}
    )
    assert_survived(response, typed=True)
    assert response.status_code in (400, 409)
    page = response.get_data(as_text=True)
    assert field_error(page, "extension-new_due") or "Срок можно продлить не больше" in page
    for who in (desk["head"], desk["specialist"]):
        assert who.get("/app/desk/?status=all").status_code == 200
        assert who.get(desk["page"]).status_code == 200


@pytest.mark.parametrize(
    "stored_due",
    [dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone.utc), dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)],
)
def test_pages_survive_any_stored_date(app, desk, stored_due):
    with app.app_context():  # a row set by hand, or by an older version without the horizon
        req = db.session.get(SupportRequest, desk["id"])
        req.process_due = stored_due
        req.take_due = stored_due
        req.assign_due = stored_due
        req.extension_due = stored_due
        req.extension_requested_by = "lebedev"
        req.extension_requested_at = stored_due
        req.extension_reason = "Проверка"
        db.session.commit()
        token = req.status_token
    for who in (desk["head"], desk["specialist"]):
        for path in ("/app/desk/", "/app/desk/?status=all", "/app/desk/?overdue=y", desk["page"]):
            response = who.get(path)
            assert response.status_code == 200, path
    assert desk["author"].get(f"/app/status/{token}").status_code == 200
    decided = desk["head"].post(
        f"{desk['page']}/extension-decision", data={"extension-decision-decision": "agree"}
    )
    assert_survived(decided)
    assert desk["head"].get(desk["page"]).status_code == 200
