"""A request's page on the desk: what it shows, its action forms, and what reaches the author."""

from __future__ import annotations

import datetime as dt

import re

import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import field_error, png_bytes, request_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests.attachments import inspect_upload
from webapp.requests.service import submit_request
from webapp.web.current import current_register


def add(app, **overrides) -> tuple[int, str]:
    files = overrides.pop("attachments", [])
    with app.app_context():
        req = submit_request(current_register(), request_data(**overrides), attachments=files)
        db.session.commit()
        return req.id, req.status_token


def visible_text(response) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_an_internal_note_and_a_call_never_appear_on_the_authors_status_page(app, client):
    request_id, token = add(app)
    login(client, "lebedev")
    client.post(f"/app/desk/r/{request_id}/take")
    client.post(f"/app/desk/r/{request_id}/note", data={"note-text": "Внутреннее: у автора старый ноутбук"})
    client.post(f"/app/desk/r/{request_id}/contact", data={"contact-method": "phone", "contact-text": "Звонил, номер лебедева 2-15"})
    client.post(f"/app/desk/r/{request_id}/oral-answer", data={"oral-answer-summary": "Подсказали, как включить камеру."})

    desk_page = visible_text(client.get(f"/app/desk/r/{request_id}"))
    assert "Внутреннее: у автора старый ноутбук" in desk_page
    assert "только сотрудникам" in desk_page

    status_page = visible_text(client.get(f"/app/status/{token}"))
    assert "Взято в работу" in status_page
    assert "Подсказали, как включить камеру." in status_page
    assert "Внутреннее" not in status_page
    assert "лебедева" not in status_page
    assert "Лебедев" not in status_page  # no staff name beyond the profile's public ones


def test_a_refused_form_says_why_next_to_the_field_and_keeps_what_was_typed(app, client):
    request_id, _ = add(app)
    login(client, "lebedev")
    client.post(f"/app/desk/r/{request_id}/take")
    response = client.post(
        f"/app/desk/r/{request_id}/extension",
        data={"extension-new_due": "", "extension-reason": "Жду ответа от поставщика платформы"},
    )
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "extension-new_due") == "Укажите новый срок: дату и время."
    assert "Жду ответа от поставщика платформы" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SupportRequest, request_id).extension_due is None


def test_an_extension_asked_on_the_desk_uses_the_schools_clock(app, client):
    request_id, _ = add(app)
    login(client, "lebedev")
    client.post(f"/app/desk/r/{request_id}/take")
    day = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=10)).date()
    response = client.post(
        f"/app/desk/r/{request_id}/extension",
        data={"extension-new_due": f"{day:%Y-%m-%d}T15:30", "extension-reason": "Ждём поставщика"},
    )
    assert response.status_code == 302
    with app.app_context():
        due = db.session.get(SupportRequest, request_id).extension_due
    assert due.isoformat() == f"{day:%Y-%m-%d}T10:30:00+00:00"  # 15:30 in Yekaterinburg (UTC+5)


def test_a_step_the_status_does_not_allow_changes_nothing(app, client):
    request_id, _ = add(app)
    login(client, "orlova")
    response = client.post(f"/app/desk/r/{request_id}/close", data={"close-outcome": "resolved"})
    assert response.status_code == 409
    assert "сейчас «новое»" in visible_text(response)
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        assert (req.status, len(req.history)) == ("new", 1)


def test_the_page_shows_the_request_its_author_and_its_deadlines(app, client):
    request_id, _ = add(app)
    login(client, "belov")
    text = visible_text(client.get(f"/app/desk/r/{request_id}"))
    for expected in ("Смирнова Анна Сергеевна", "ученик, класс 7А", "+7 912 345-67-89",
                     "anna.smirnova@example.ru", "Техническая проблема", "Передать специалисту",
                     "Взять в работу", "Обработать", "не включается камера"):  # fmt: skip
        assert expected in text, expected


def test_a_screenshot_opens_from_the_request_page(app, client):
    shot = inspect_upload("экран.png", png_bytes())
    request_id, _ = add(app, attachments=[shot])
    login(client, "lebedev")
    page = client.get(f"/app/desk/r/{request_id}").get_data(as_text=True)
    link = re.search(r'href="(/app/desk/r/\d+/files/\d+)">экран.png', page).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.get_data() == png_bytes()
    response.close()


def test_the_assign_form_offers_only_people_who_may_get_the_request(app, client):
    request_id, _ = add(app, request_type="psychologist")
    login(client, "orlova")
    page = client.get(f"/app/desk/r/{request_id}").get_data(as_text=True)
    options = re.findall(r'<option value="([a-z]+)"', page.split('name="assign-assignee"')[1].split("</select>")[0])
    assert options == ["morozova", "orlova"]  # the routed role's specialist first, as suggested
    with app.app_context():
        assert db.session.scalar(sa.select(SupportRequest.assignee).where(SupportRequest.id == request_id)) is None
