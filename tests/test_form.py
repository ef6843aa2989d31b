"""The public form: what it asks, what it refuses (with the message next to the field, keeping
what was typed and storing nothing), and what a good submission leads to."""

from __future__ import annotations

import io
import secrets
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.submissions import (
    field_error,
    first_number,
    form_data,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    stored_counts,
)
from webapp.extensions import db
from webapp.models import SupportRequest

FIVE_MB = 5 * 1024 * 1024


def post(client, files=None, **overrides):
    """Send the form as a browser does (multipart), encoded in memory: werkzeug's test client
    leaves its own temporary file open for large bodies."""
    data = MultiDict(form_data(**overrides))
    for name, content in files or ():
        data.add("attachments", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(data)
    return client.post("/app/form", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def uploads(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


# (what is wrong, the form changes, the field whose message shows, words of the message)
BAD_INPUT = [
    ("name missing", {"author_name": ""}, "author_name", "Укажите фамилию, имя и отчество"),
    ("role missing", {"author_role": None}, "author_role", "Выберите, кто вы"),
    ("role unknown", {"author_role": "director"}, "author_role", "Выберите, кто вы"),
    ("student without class", {"class_name": ""}, "class_name", "Укажите свой класс, например 7А."),
    ("parent without child's class", {"author_role": "parent", "class_name": ""}, "class_name",
     "Укажите класс ребёнка, например 7А."),
    ("teacher with a class", {"author_role": "teacher", "class_name": "7А"}, "class_name",
     "Учителю класс указывать не нужно"),
    ("class not like 7А", {"class_name": "12Z"}, "class_name", "цифрой от 1 до 11 и буквой"),
    ("type missing", {"request_type": None}, "request_type", "Выберите вид обращения"),
    ("type unknown", {"request_type": "weather"}, "request_type", "Выберите вид обращения"),
    ("description missing", {"description": "  "}, "description", "Опишите, что случилось"),
    ("no contact at all", {"contact_phone": "", "contact_email": ""}, "contact_email",
     "Укажите телефон или электронную почту"),
    ("bad phone", {"contact_phone": "12345"}, "contact_phone", "Проверьте номер телефона"),
    ("phone with letters", {"contact_phone": "звоните маме"}, "contact_phone", "Проверьте номер телефона"),
    ("bad e-mail", {"contact_email": "anna@@example"}, "contact_email", "Проверьте адрес почты"),
    ("no consent", {"consent": None}, "consent", "Без согласия на обработку персональных данных"),
    ("name too long", {"author_name": "Я" * 201}, "author_name", "не больше 200 знаков"),
    ("description too long", {"description": "ы" * 4001}, "description", "не больше 4000 знаков"),
    ("honeypot filled", {"website": "http://spam.example"}, "website", "Форма заполнена автоматически"),
    ("line break in the name", {"author_name": "Анна\r\nBcc: x@example.ru"}, "author_name",
     "одна строка, без переносов"),
    ("line break in the e-mail", {"contact_email": "a@example.ru\r\nBcc: x@example.ru"},
     "contact_email", "одна строка, без переносов"),
    ("line break in the phone", {"contact_phone": "89123456789\n"  "Bcc: x"}, "contact_phone",
     "одна строка, без переносов"),
    ("line break in the class", {"class_name": "7\nА"}, "class_name", "одна строка, без переносов"),
    ("HTML in the name", {"author_name": "<b>Анна</b>"}, "author_name", "Уберите HTML-разметку"),
    ("HTML in the description", {"description": 'Смотрите <img src=x onerror="alert(1)">'},
     "description", "Уберите HTML-разметку"),
    ("HTML entity in the description", {"description": "&lt;script&gt;"}, "description",
     "Уберите HTML-разметку"),
    ("HTML in the class", {"class_name": "<i>7А</i>"}, "class_name", "Уберите HTML-разметку"),
]


@pytest.mark.parametrize(("case", "changes", "field", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_stored(app, client, case, changes, field, message):
    response = post(client, **changes)
    assert response.status_code == 422
    shown = field_error(response.get_data(as_text=True), field)
    assert shown is not None and message in shown, shown
    assert stored_counts(app) == (0, 0)


BAD_FILES = [
    ("a file over 5 MB", [("screen.png", png_bytes() + b"\x00" * FIVE_MB)], "больше 5 МБ"),
    ("a file of a wrong type", [("notes.txt", b"just some text, not a picture")], "только PNG, JPEG или PDF"),
    ("a program pretending to be a picture", [("photo.png", b"MZ\x90\x00" + b"\x00" * 200)],
     "только PNG, JPEG или PDF"),
    ("a PDF named like a picture", [("screen.png", pdf_bytes())], "на самом деле это PDF"),
    ("four files", [(f"s{n}.png", png_bytes()) for n in range(4)], "не больше 3 файлов"),
    ("an empty file", [("empty.png", b"")], "пустой"),
]


@pytest.mark.parametrize(("case", "files", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_attachment_is_refused_and_nothing_is_stored(app, client, case, files, message):
    response = post(client, files=files)
    assert response.status_code == 422
    shown = field_error(response.get_data(as_text=True), "attachments")
    assert shown is not None and message in shown, shown
    assert stored_counts(app) == (0, 0)
    assert uploads(app) == []


def test_a_refused_form_keeps_what_was_typed_but_not_the_files(client):
    response = post(client, files=[("screen.png", png_bytes())], contact_email="anna@@example",
                    description="Не открывается «Моя школа» & дневник")  # fmt: skip
    html = response.get_data(as_text=True)
    assert 'value="Смирнова Анна Сергеевна"' in html
    assert 'value="7А"' in html
    assert 'value="anna@@example"' in html
    assert "Не открывается «Моя школа» &amp; дневник</textarea>" in html
    assert re.search(r'id="author_role-student" value="student" checked', html)
    assert re.search(r'id="request_type-technical" value="technical" checked', html)
    assert "выберите их заново" in html


def test_the_form_offers_the_profiles_request_types_with_their_hints(client):
    html = client.get("/app/form").get_data(as_text=True)
    for title, hint in [
        ("Техническая проблема", "не включается камера или звук"),
        ("Нужна консультация психолога", "тревога, трудности с учёбой дома"),
        ("Другое", None),
    ]:
        assert title in html
        if hint:
            assert hint in html
    assert 'href="/soglasie/"' in html
    assert 'name="consent"' in html and "checked" not in re.search(r"<input[^>]*name=\"consent\"[^>]*>", html).group(0)


def test_a_good_submission_is_stored_and_leads_to_its_confirmation(app, client):
    response = post(client, files=[("screen.png", png_bytes()), ("scan.pdf", pdf_bytes()),
                                   ("photo.jpg", jpeg_bytes())])  # fmt: skip
    assert response.status_code == 303
    assert re.fullmatch(r"/app/form/done/[\w-]{43}", response.headers["Location"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert first_number() in page and "/app/status/" in page
    with app.app_context():
        [req] = db.session.scalars(db.select(SupportRequest)).all()
        assert req.contact_phone == "+79123456789"
        assert req.consent_version == "2026-11-30"
        assert [(a.original_name, a.content_type) for a in req.attachments] == [
            ("screen.png", "image/png"), ("scan.pdf", "application/pdf"), ("photo.jpg", "image/jpeg")]
        stored = {a.stored_name for a in req.attachments}
    assert {p.name for p in uploads(app)} == stored


def test_attachments_are_never_served(app, client):
    post(client, files=[("screen.png", png_bytes())])
    [stored] = uploads(app)
    for url in (f"/app/static/{stored.name}", f"/{stored.name}", f"/uploads/{stored.name}",
                f"/app/static/../../instance/uploads/{stored.name}"):  # fmt: skip
        assert client.get(url).status_code == 404


def test_the_same_page_sent_twice_creates_one_request(app, client):
    data = form_data()
    first = client.post("/app/form", data=data)
    second = client.post("/app/form", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert stored_counts(app)[0] == 1


def test_a_teacher_needs_no_class_and_a_parent_gives_the_childs(app, client):
    assert post(client, author_role="teacher", class_name="").status_code == 303
    assert post(client, author_role="parent", class_name="5-в").status_code == 303
    with app.app_context():
        classes = [r.class_name for r in db.session.scalars(db.select(SupportRequest).order_by(SupportRequest.id))]
    assert classes == [None, "5В"]


def test_the_form_refuses_a_post_without_its_csrf_token_and_keeps_the_text(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/app/form", data=form_data(author_name="Петров Пётр"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Страница с формой устарела" in html and 'value="Петров Пётр"' in html
    assert stored_counts(app) == (0, 0)
    # The page it shows carries a good token: sending it again works.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    again = client.post("/app/form", data=form_data(author_name="Петров Пётр", csrf_token=token))
    assert again.status_code == 303
    assert stored_counts(app)[0] == 1


def test_too_many_submissions_from_one_address_get_a_friendly_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, FORM_RATE_LIMIT="2 per minute", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/app/form").get_data(as_text=True)).group(1)  # fmt: skip
    assert [post(client, csrf_token=token, description=f"Проблема номер {n}").status_code
            for n in range(2)] == [303, 303]  # fmt: skip
    response = post(client, author_name="Третий Раз", csrf_token=token)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "временно их не принимает" in html and "8 (34377) 7-12-34" in html
    assert 'value="Третий Раз"' in html and 'name="csrf_token"' in html
    assert stored_counts(app)[0] == 2
    assert client.get("/app/form").status_code == 200  # reading the form is never limited


def test_app_pages_may_be_framed_only_by_our_own_site(client):
    for url in ("/app/form", "/app/staff/login", "/app/status/unknown-token-of-forty-three-characters-x"):
        response = client.get(url)
        assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_embedded_form_has_no_header_and_loads_its_height_script(client):
    plain = client.get("/app/form").get_data(as_text=True)
    embedded = client.get("/app/form?embed=1").get_data(as_text=True)
    assert 'class="app-header"' in plain and 'class="app-header"' not in embedded
    assert "/app/static/embed.js" in embedded and "/app/static/embed.js" not in plain
    assert 'action="/app/form?embed=1"' in embedded


def test_the_embedded_form_stays_embedded_after_sending(client):
    response = client.post("/app/form?embed=1", data=form_data())
    assert response.status_code == 303 and response.headers["Location"].endswith("?embed=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="app-header"' not in page
    assert 'target="_top"' in page  # the status link opens in the whole window


def test_app_pages_use_the_sites_look_and_vision_mode(client):
    html = client.get("/app/form").get_data(as_text=True)
    assert "/assets/vision/vision.css" in html and "/assets/vision/vision.js" in html
    assert "МБОУ «СОШ № 7»" in html and "data-vision-slot" in html
    with client.get("/app/static/app.css") as response:
        css = response.get_data(as_text=True)
    assert "#3f51b5" in css and "-apple-system" in css


def test_the_limit_is_shared_by_every_worker_when_kept_in_redis(make_app):
    # Two apps stand for two gunicorn workers; with the default memory:// each would count alone.
    settings = {"RATELIMIT_ENABLED": True, "FORM_RATE_LIMIT": "2 per minute",
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
                "RATELIMIT_KEY_PREFIX": f"helpdesk-test-{secrets.token_hex(4)}"}  # fmt: skip
    first, second = make_app(**settings), make_app(**settings)
    assert post(first.test_client()).status_code == 303
    assert post(second.test_client()).status_code == 303
    assert post(first.test_client(), author_name="Третий Раз").status_code == 429
    assert post(second.test_client(), author_name="Третий Раз").status_code == 429
