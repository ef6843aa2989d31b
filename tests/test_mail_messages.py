"""What the e-mails of a new request say: queued without words, written by the worker before
sending (`messages.write_message`, called here directly; delivery is in test_outbox)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.requests.notifications import write_message
from webapp.models import OutboxMessage
from webapp.requests.service import submit_request
from webapp.web.current import current_register

UTC = dt.timezone.utc
TUESDAY_MORNING = dt.datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # 10:00 in Yekaterinburg


def message_for(recipient: str) -> OutboxMessage:
    """The queued message to `recipient`, written as the worker writes it."""
    message = db.session.scalars(sa.select(OutboxMessage).filter_by(recipient=recipient)).one()
    assert (message.subject, message.body_text, message.body_html) == (None, None, None)  # not at the form
    write_message(current_register(), message)
    return message


def test_the_specialist_gets_everything_needed_to_act(app):
    with app.app_context():
        submit_request(current_register(), request_data(author_role="parent", class_name="3в"), received_at=TUESDAY_MORNING)
        db.session.commit()
        message = message_for("lebedev@school7-zarechny.example.ru")
        assert message.subject == "[№ 2026-00001] Новое обращение: Техническая проблема"
        for body in (message.body_text, message.body_html):
            assert "Лебедев Павел Сергеевич" in body
            assert "Смирнова Анна Сергеевна" in body and "родитель" in body and "3В" in body
            assert "+7 912 345-67-89" in body and "anna.smirnova@example.ru" in body
            assert "не включается камера" in body
            assert "3 марта 2026, 10:00" in body  # received, in the school's time
            assert "3 марта 2026, 10:30" in body  # to be assigned by
            assert "http://127.0.0.1:5000/app/desk/" in body
            assert "/app/desk/r/" in body  # where to answer: nothing reads replies without IMAP_HOST
            assert "ответьте на это письмо" not in body


def test_the_acknowledgement_explains_what_happens_next(app):
    with app.app_context():
        req = submit_request(current_register(), request_data(), received_at=TUESDAY_MORNING)
        db.session.commit()
        message = message_for("anna.smirnova@example.ru")
        for body in (message.body_text, message.body_html):
            assert "2026-00001" in body
            assert "передадут специалисту до 3 марта 2026, 10:30" in body
            assert "не позднее" in body
            assert f"/app/status/{req.status_token}" in body
            assert "8 (34377) 7-12-34" in body
            assert "нерабочее время" not in body  # it is open on Tuesday morning


def test_html_bodies_escape_what_the_author_typed(app):
    with app.app_context():
        submit_request(current_register(), request_data(author_name='Анна "Ас" & Co', description="5 > 3 & 2 < 4"))
        db.session.commit()
        html = message_for("belov@school7-zarechny.example.ru").body_html
        assert "Анна &#34;Ас&#34; &amp; Co" in html
        assert "5 &gt; 3 &amp; 2 &lt; 4" in html
