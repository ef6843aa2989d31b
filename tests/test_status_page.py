"""The author's private status page: opened only by its token, showing only the public story."""

from __future__ import annotations

import pytest

from tests.support.submissions import first_number, request_data
from webapp.extensions import db
from webapp.models import HistoryEntry
from webapp.requests.service import submit_request
from webapp.web.current import current_register


@pytest.fixture
def submitted(app):
    """A request with a public and an internal history entry: (token, number, id)."""
    with app.app_context():
        req = submit_request(current_register(), request_data(description="Не слышно учителя на уроке"))
        db.session.flush()
        req.status = "in_work"
        db.session.add_all([
            HistoryEntry(request=req, actor="lebedev", action="taken", public=True,
                         text="Специалист начал разбираться."),
            HistoryEntry(request=req, actor="lebedev", action="note", public=False,
                         text="Внутренняя заметка: проверить роутер в кабинете 12"),
        ])  # fmt: skip
        db.session.commit()
        return req.status_token, req.number, req.id


def test_the_status_page_shows_number_type_status_and_public_history(client, submitted):
    token, number, _ = submitted
    response = client.get(f"/app/status/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert number in html and "Техническая проблема" in html
    assert "В работе" in html
    assert "Обращение зарегистрировано" in html
    assert "Взято в работу" in html and "Специалист начал разбираться." in html
    assert "роутер в кабинете 12" not in html


def test_the_status_page_shows_no_staff_contacts_beyond_the_public_ones(client, submitted):
    token, _, _ = submitted
    html = client.get(f"/app/status/{token}").get_data(as_text=True)
    assert "support@school7-zarechny.example.ru" in html and "8 (34377) 7-12-34" in html
    for private in ("lebedev", "Лебедев", "belov@", "gromov@", "kuznetsova@"):
        assert private not in html


def test_the_status_page_is_private_and_not_cached(client, submitted):
    token, _, _ = submitted
    response = client.get(f"/app/status/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("guess", [first_number(), "1", "00001", "x" * 43, first_number() * 3])
def test_numbers_ids_and_guesses_open_nothing(client, submitted, guess):
    assert client.get(f"/app/status/{guess}").status_code == 404
    assert client.get(f"/app/form/done/{guess}").status_code == 404


def test_an_unknown_token_gets_a_russian_404_page(client):
    response = client.get("/app/status/" + "A" * 43)
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)
