"""Issue 11, the form's input kinds: each fault's whole kind and its neighbours.

Phone extensions in every common spelling, PDFs as their readers accept them (and forged files
refused), oversized attachments that keep what was typed, the same filled form sent again with a
new key, CSRF without a Referer over HTTPS, required-when fields marked, and confidentiality
promises written from the access rules.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.site import PROFILES
from tests.support.submissions import field_error, form_data, jpeg_bytes, pdf_bytes, png_bytes, stored_counts
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import validation as v
from webapp.requests.access import can_view
from webapp.requests.attachments import AttachmentError, inspect_upload
from webapp.school import load_profile
from webapp.school.confidentiality import confidential_readers, confidentiality_promise

SIX_MB = 6 * 1024 * 1024


def post(client, files=(), **overrides):
    data = MultiDict(form_data(**overrides))
    for name, content in files:
        data.add("attachments", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(data)
    return client.post("/app/form", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored_requests(app) -> list[SupportRequest]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)))
        db.session.expunge_all()
        db.session.remove()
        return rows


# --- Phone extensions --------------------------------------------------------------------------

EXTENSION_SPELLINGS = [
    "8 (343) 123-45-67 доб. 123",
    "8 (343) 123-45-67 доб.123",
    "8 (343) 123-45-67 доб 123",
    "8 (343) 123-45-67 добавочный 123",
    "8 (343) 123-45-67 доп. 123",
    "8 (343) 123-45-67 вн. 123",
    "8 (343) 123-45-67 ext. 123",
    "8 (343) 123-45-67 EXT 123",
    "8 (343) 123-45-67 x123",
    "8 (343) 123-45-67 х 123",  # Cyrillic х
    "8 (343) 123-45-67 #123",
    "8 (343) 123-45-67, доб. 123",
    "8 (343) 123-45-67 (доб. 123)",
    "+7 343 123 45 67 доб. 123",
]


@pytest.mark.parametrize("typed", EXTENSION_SPELLINGS)
def test_phone_extension_is_kept_in_every_common_spelling(typed):
    assert v.clean_phone(typed) == "+73431234567;ext=123"
    assert v.format_phone(v.clean_phone(typed)) == "+7 343 123-45-67 доб. 123"


@pytest.mark.parametrize("typed", ["доб. 123", "8 (343) 123-45 доб. 12", "8 (343) 123-45-67 доб. 1234567",
                                   "8 (343) 123-45-67 доб. абв"])
def test_an_extension_does_not_make_a_wrong_number_right(typed):
    with pytest.raises(v.InvalidInput, match="Проверьте номер телефона"):
        v.clean_phone(typed)


def test_a_number_without_extension_is_stored_as_before():
    assert v.clean_phone("8 912 345-67-89") == "+79123456789"
    assert v.format_phone("+79123456789") == "+7 912 345-67-89"


@pytest.mark.parametrize("typed", ["8 (343) 123-45-67 доб. 123", "8 (343) 123-45-67 x123", "8 (343) 123-45-67 #123"])
def test_the_form_stores_the_extension_and_shows_it_to_staff_and_in_mail(app, client, typed):
    response = post(client, contact_phone=typed)
    assert response.status_code == 303
    [req] = stored_requests(app)
    assert req.contact_phone == "+73431234567;ext=123"
    assert v.format_phone(req.contact_phone) == "+7 343 123-45-67 доб. 123"  # desk pages and letters


# --- PDFs as readers take them -------------------------------------------------------------------

@pytest.mark.parametrize("prefix", [b"\n", b"\r\n", b"   ", b"\t\n", b"\r\n\r\n", b"\x00\n", b"\n" * 1024, b" " * 1024])
def test_a_pdf_with_whitespace_before_its_header_is_accepted(prefix):
    upload = inspect_upload("справка.pdf", prefix + pdf_bytes())
    assert upload.content_type == "application/pdf"


@pytest.mark.parametrize("name, data, message", [
    ("a.pdf", b"\n" * 1025 + pdf_bytes(), "не подходит"),  # beyond the 1024 bytes readers search
    ("a.pdf", b"<html><script>alert(1)</script>\n" + pdf_bytes(), "не подходит"),  # HTML polyglot
    ("a.pdf", b"GIF89a\n" + pdf_bytes(), "не подходит"),  # an image with a PDF inside
    ("a.pdf", jpeg_bytes() + b"\n" + pdf_bytes(), "на самом деле это JPEG"),
    ("a.pdf", png_bytes(), "на самом деле это PNG"),
    ("a.pdf", b"PK\x03\x04" + b"\x00" * 26 + pdf_bytes(), "не подходит"),  # a ZIP first
    ("a.png", b"\n" + pdf_bytes(), "на самом деле это PDF"),  # a name that lies
    ("a.pdf", b"\n\n%PDX-1.4 not a pdf", "не подходит"),
])
def test_forged_and_polyglot_files_stay_refused(name, data, message):
    with pytest.raises(AttachmentError, match=message):
        inspect_upload(name, data)


def test_a_pdf_with_a_leading_line_feed_is_stored_through_the_form(app, client):
    response = post(client, files=[("скан.pdf", b"\r\n" + pdf_bytes())])
    assert response.status_code == 303
    [req] = stored_requests(app)
    with app.app_context():
        req = db.session.get(SupportRequest, req.id)
        assert [a.content_type for a in req.attachments] == ["application/pdf"]
        db.session.remove()


# --- Oversized attachments -----------------------------------------------------------------------

def test_three_six_megabyte_photos_bring_back_the_filled_form_with_a_message(app, client):
    photo = jpeg_bytes() + b"\x00" * SIX_MB
    response = post(client, files=[(f"IMG_{i}.jpg", photo) for i in range(3)],
                    description="Не открывается урок, прикладываю фото экрана.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "больше 5 МБ" in field_error(html, "attachments")
    assert 'value="Смирнова Анна Сергеевна"' in html
    assert "Не открывается урок, прикладываю фото экрана.</textarea>" in html
    assert stored_counts(app) == (0, 0)


def test_too_many_files_bring_back_the_filled_form_with_a_message(app, client):
    response = post(client, files=[(f"s{i}.png", png_bytes()) for i in range(4)])
    assert response.status_code == 422
    assert "не больше 3 файлов" in field_error(response.get_data(as_text=True), "attachments")
    assert stored_counts(app) == (0, 0)


def test_a_body_beyond_every_limit_gets_a_russian_page_with_a_way_back(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    response = post(app.test_client(), files=[("big.jpg", jpeg_bytes() + b"\x00" * (2 * 1024 * 1024))])
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "файлы слишком большие" in html
    assert "кнопкой «Назад»" in html
    assert re.search(r'<a class="button" href="/app/form" data-history-back>Вернуться к заполненной форме</a>', html)
    assert stored_counts(app) == (0, 0)


def test_the_form_tells_the_browser_the_attachment_limits(client):
    html = client.get("/app/form").get_data(as_text=True)
    assert f'data-max-files="3" data-max-bytes="{5 * 1024 * 1024}"' in html


# --- The same filled form sent again with a new key ------------------------------------------

def test_the_same_filled_form_sent_again_with_a_new_key_is_one_request(app, client):
    data = form_data()
    first = post(client, **{k: v for k, v in data.items() if k != "submission_key"})
    again = post(client, **{k: v for k, v in data.items() if k != "submission_key"})  # a new key
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert len(stored_requests(app)) == 1
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "уже принято" in page


def test_a_different_form_from_the_same_person_is_a_new_request(app, client):
    assert post(client).status_code == 303
    assert post(client, description="А теперь ещё и звук пропал.").status_code == 303
    assert len(stored_requests(app)) == 2


# --- CSRF without Referer over HTTPS ------------------------------------------------------------

@pytest.fixture
def https_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, PUBLIC_BASE_URL="https://help.school.example")
    return app, app.test_client()


def csrf_token(client) -> str:
    html = client.get("/app/form", base_url="https://help.school.example").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def post_https(client, token, headers):
    data = MultiDict(form_data(csrf_token=token))
    boundary, body = encode_multipart(data)
    return client.post("/app/form", data=body, base_url="https://help.school.example", headers=headers,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://help.school.example"}, {"Origin": "null"},
                                     {"Origin": "https://HELP.school.example:443"}])
def test_a_browser_that_sends_no_referer_can_send_the_form_over_https(https_client, headers):
    app, client = https_client
    response = post_https(client, csrf_token(client), headers)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert stored_counts(app)[0] == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "http://help.school.example",
                                    "https://help.school.example.evil.example", "https://help.school.example:8443"])
def test_a_form_posted_from_another_origin_is_refused(https_client, origin):
    app, client = https_client
    response = post_https(client, csrf_token(client), {"Origin": origin})
    assert response.status_code == 400
    assert "Страница с формой устарела" in response.get_data(as_text=True)
    assert stored_counts(app)[0] == 0


def test_behind_a_proxy_that_drops_the_port_the_sites_own_origin_is_accepted(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, PUBLIC_BASE_URL="https://help.school.example:8443")
    client = app.test_client()
    response = post_https(client, csrf_token(client), {"Origin": "https://help.school.example:8443"})
    assert response.status_code == 303
    assert stored_counts(app)[0] == 1


def test_without_a_valid_token_no_referer_still_means_refused(https_client):
    app, client = https_client
    csrf_token(client)
    response = post_https(client, "forged-token", {})
    assert response.status_code == 400
    assert stored_counts(app)[0] == 0


# --- Required-when fields, confidentiality, what the form is -------------------------------

def test_the_class_field_is_marked_required_and_says_for_whom(client):
    html = client.get("/app/form").get_data(as_text=True)
    label = re.search(r'<label for="class_name">(.*?)</label>', html, re.S).group(1)
    assert '<span class="req" aria-hidden="true">*</span>' in label
    assert re.search(r'<input[^>]*aria-required="true"[^>]*id="class_name"|<input[^>]*id="class_name"[^>]*aria-required="true"', html)
    assert "Обязательно для ученика" in html


def test_the_consent_label_holds_no_link_and_the_text_is_a_separate_link(client):
    html = client.get("/app/form").get_data(as_text=True)
    label = re.search(r'<label for="consent">(.*?)</label>', html, re.S).group(1)
    assert "<a" not in label
    assert re.search(r'<a href="/soglasie/"[^>]*>Прочитать текст согласия</a>', html)


def test_the_form_says_it_is_a_help_request_not_a_citizens_appeal(client):
    html = " ".join(client.get("/app/form").get_data(as_text=True).split())
    assert 'href="/acts/polozhenie-sluzhba/"' in html
    assert "не официальное обращение гражданина" in html
    assert "Госуслуги" not in html and "2025" not in html  # a legal claim no school's act makes


def _readers_by_rule(profile, route_to) -> set[str]:
    req = SimpleNamespace(confidential=True, routed_role=route_to, assignee=None, recorded_by=None)
    return {m.id for m in profile.staff if can_view(profile, m.id, req)}


@pytest.mark.parametrize("profile_name", ["demo", "other_school"])
def test_every_confidentiality_promise_names_exactly_who_may_read(profile_name):
    profile = load_profile(PROFILES[profile_name])
    secret = [t for t in profile.request_types if t.confidential]
    assert secret
    for rtype in secret:
        promised_roles = {r.id for r in confidential_readers(profile, rtype.route_to)}
        promised_staff = {m.id for m in profile.staff if promised_roles & set(m.roles)}
        assert promised_staff == _readers_by_rule(profile, rtype.route_to)
        text = confidentiality_promise(profile, rtype.route_to)
        for role_id in promised_roles:
            title = profile.role(role_id).title
            assert title[1:] in text


def test_the_form_promises_what_the_rules_do(client, app):
    html = " ".join(client.get("/app/form").get_data(as_text=True).split())
    assert "увидит только психолог" not in html
    profile = load_profile(PROFILES["demo"])
    assert confidentiality_promise(profile, "psychologist") in html
    assert "руководитель службы сопровождения" in confidentiality_promise(profile, "psychologist")
