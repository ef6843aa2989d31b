"""The hotline form: a request by phone, in person, from a class chat or by e-mail enters the same
register as the web form's — number, route, clocks, mail — with the channel and the real arrival."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import field_error, hotline_data as call, school_clock
from webapp.extensions import db
from webapp.models import OutboxMessage, SupportRequest
from webapp.school import DEMO_PROFILE

ZONE = ZoneInfo("Asia/Yekaterinburg")  # the demo school's time zone
URL = "/app/desk/hotline"


def stored(app) -> list[SupportRequest]:
    with app.app_context():
        found = db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()
        for req in found:
            req.history  # load before leaving the session
        db.session.expunge_all()
        return found


def test_a_phone_call_enters_the_register_with_its_channel_and_arrival(app, client):
    login(client, "sidorova")
    arrival = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) - dt.timedelta(minutes=20)
    response = client.post(URL, data=call(received_at=school_clock(arrival)))
    assert response.status_code == 302
    [req] = stored(app)
    assert response.location == f"/app/desk/r/{req.id}"
    assert (req.channel, req.received_at, req.recorded_by) == ("phone", arrival, "sidorova")
    assert req.consent_oral is True
    assert (req.class_name, req.contact_phone) == ("3Б", "+79126001122")
    assert (req.routed_role, req.status) == ("journal_admin", "new")
    assert req.number.endswith("-00001")
    assert req.history[0].actor == "sidorova"
    assert "по телефону" in req.history[0].text
    page = client.get(response.location).get_data(as_text=True)
    assert f"Обращение записано под номером {req.number}." in page


def test_the_clocks_run_from_the_real_arrival_not_from_the_recording(make_app, tmp_path, client):
    from tests.support.submissions import profile_variant

    app = make_app(SCHOOL_PROFILE=profile_variant(tmp_path, support__deadlines__clock="calendar"))
    client = app.test_client()
    login(client, "sidorova")
    arrival = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    client.post(URL, data=call(received_at=school_clock(arrival)))
    [req] = stored(app)
    assert req.assign_due == arrival + dt.timedelta(minutes=30)
    assert req.process_due == arrival + dt.timedelta(hours=24)


def test_the_routed_specialist_is_told_by_mail_like_for_the_web_form(app, client):
    login(client, "sidorova")
    client.post(URL, data=call())
    with app.app_context():
        recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert "kuznetsova@school7-zarechny.example.ru" in recipients


@pytest.mark.parametrize("channel", ["in_person", "class_chat", "email"])
def test_each_way_of_applying_is_recorded(app, client, channel):
    login(client, "orlova")
    assert client.post(URL, data=call(channel=channel, contact_email="parent@example.ru")).status_code == 302
    [req] = stored(app)
    assert req.channel == channel


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("received_at", {"received_at": school_clock(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))},
         "Время поступления не может быть в будущем."),
        ("received_at", {"received_at": "2020-01-01T10:00"}, "больше 30 дней назад"),
        ("received_at", {"received_at": ""}, "Укажите дату и время"),
        ("author_name", {"author_name": ""}, "Укажите фамилию, имя и отчество."),
        ("class_name", {"author_role": "teacher"}, "Учителю класс указывать не нужно"),
        ("contact_email", {"contact_phone": "", "contact_email": ""}, "Укажите телефон или электронную почту"),
        ("contact_phone", {"contact_phone": "12"}, "Проверьте номер телефона"),
        ("request_type", {"request_type": "weather"}, "Выберите вид обращения"),
        ("channel", {"channel": "web"}, "Выберите, как поступило обращение."),
        ("received_at", {"received_at": "завтра"}, "Укажите дату и время полностью"),
        ("consent", {"consent": None}, "Без согласия обращение записать нельзя"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(app, client, field, overrides, message):
    login(client, "sidorova")
    data = call(**overrides)
    response = client.post(URL, data=data)
    assert response.status_code == 400
    shown = field_error(response.get_data(as_text=True), field)
    assert shown is not None and message in shown, shown
    assert stored(app) == []
    if field != "author_name":
        assert "Кузьмина Ольга Петровна" in response.get_data(as_text=True)  # what was typed stays


def test_the_same_form_sent_twice_records_one_request(app, client):
    login(client, "sidorova")
    data = call()
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.location == second.location
    assert len(stored(app)) == 1


def test_the_form_starts_at_the_current_school_time(client):
    login(client, "sidorova")
    page = client.get(URL).get_data(as_text=True)
    shown = re.search(r'<input[^>]*id="received_at"[^>]*value="([^"]+)"', page).group(1)
    offered = dt.datetime.strptime(shown, "%Y-%m-%dT%H:%M").replace(tzinfo=ZONE)
    assert abs(offered - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=2)


def test_a_screenshot_sent_by_e_mail_can_be_attached(app, client):
    import io

    from tests.support.submissions import png_bytes

    login(client, "sidorova")
    data = call(channel="email", contact_email="parent@example.ru")
    data["attachments"] = [(io.BytesIO(png_bytes()), "screen.png")]
    response = client.post(URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        [req] = db.session.scalars(sa.select(SupportRequest)).all()
        assert [(a.original_name, a.content_type) for a in req.attachments] == [("screen.png", "image/png")]


SUPPORT_CHAT = {
    "id": "support_chat",
    "title": "Чат поддержки в системе дистанционного обучения",
    "details": "Напишите в чат поддержки в системе дистанционного обучения; ответ придёт туда же.",
}


def test_the_ways_to_record_are_the_profiles_channels_and_a_support_chat_can_be_recorded(make_app, tmp_path):
    """Seed 000: the main way to apply is the support chat of the school's distance-learning
    system. The hotline form offers exactly the profile's channels but the web form, and records
    a request that came by that chat under the chat's own title."""
    import yaml

    from tests.support.request_life import offered_channels
    from tests.support.submissions import profile_variant
    from webapp.school import load_profile

    demo = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    channels = [c for c in demo["channels"] if c["id"] != "class_chat"] + [SUPPORT_CHAT]
    path = profile_variant(tmp_path, channels=channels)
    profile = load_profile(path)
    app = make_app(SCHOOL_PROFILE=path)
    client = app.test_client()
    login(client, "sidorova")
    page = client.get(URL).get_data(as_text=True)
    assert offered_channels(page) == [c.id for c in profile.recorded_channels]
    assert "support_chat" in offered_channels(page) and "class_chat" not in offered_channels(page)
    assert SUPPORT_CHAT["title"] in page

    response = client.post(URL, data=call(channel="support_chat", contact_email="parent@example.ru"))
    assert response.status_code == 302
    [req] = stored(app)
    assert req.channel == "support_chat"
    assert SUPPORT_CHAT["title"].lower() in req.history[0].text.lower()
    assert SUPPORT_CHAT["title"].lower() in client.get(response.location).get_data(as_text=True).lower()

    refused = client.post(URL, data=call(channel="class_chat", contact_email="parent@example.ru"))
    assert field_error(refused.get_data(as_text=True), "channel") == "Выберите, как поступило обращение."
    assert len(stored(app)) == 1
