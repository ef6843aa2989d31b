"""What one submission does: store, route, set the deadlines, write history, queue the e-mails."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from tests.support.submissions import (
    RESPONSIBLE,
    SERVICE_MAILBOX,
    TECH_SPECIALISTS,
    first_number,
    profile_variant,
    request_data,
)
from webapp.extensions import db
from webapp.requests.notifications import write_message
from webapp.models import HistoryEntry, OutboxMessage, SupportRequest
from webapp.requests.service import InvalidRequest, submit_request
from webapp.school.confidentiality import readers_text
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc
# A Tuesday, 10:00 in Yekaterinburg (UTC+5): the demo service is open.
TUESDAY_MORNING = dt.datetime(2026, 3, 3, 5, 0, tzinfo=UTC)


def outbox_rows() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def written(message: OutboxMessage, now: dt.datetime | None = None) -> OutboxMessage:
    """The message with its subject and text, as the outbox worker writes them before sending."""
    write_message(current_register(), message, now)
    return message


def test_a_request_is_stored_with_its_route_deadlines_and_consent(app):
    with app.app_context():
        req = submit_request(current_register(), request_data(class_name="10б", contact_phone="8 (912) 345-67-89"),
                             received_at=TUESDAY_MORNING)  # fmt: skip
        db.session.commit()
        assert req.number == "2026-00001"
        assert req.status == "new"
        assert req.routed_role == "tech"
        assert req.class_name == "10Б"
        assert req.contact_phone == "+79123456789"
        assert req.consent_version == "2026-11-30"
        assert req.consent_at is not None and not req.consent_oral
        assert len(req.status_token) >= 43
        assert req.assign_due == TUESDAY_MORNING + dt.timedelta(minutes=30)
        assert req.take_due is None  # starts when someone is assigned
        assert req.process_due > req.assign_due


def test_deadlines_in_calendar_time_follow_the_profile(make_app, tmp_path):
    profile = profile_variant(
        tmp_path, support__deadlines__clock="calendar", support__deadlines__assign_minutes=45,
        support__deadlines__process_hours=48,
    )  # fmt: skip
    app = make_app(SCHOOL_PROFILE=profile)
    saturday_night = dt.datetime(2026, 3, 7, 18, 0, tzinfo=UTC)
    with app.app_context():
        req = submit_request(current_register(), request_data(), received_at=saturday_night)
        db.session.commit()
        assert req.assign_due == saturday_night + dt.timedelta(minutes=45)
        assert req.process_due == saturday_night + dt.timedelta(hours=48)


def test_every_specialist_with_the_routed_role_and_the_responsible_person_are_notified(app):
    with app.app_context():
        req = submit_request(current_register(), request_data(contact_email=None), received_at=TUESDAY_MORNING)
        db.session.commit()
        rows = outbox_rows()
        assert sorted((m.kind, m.recipient) for m in rows) == sorted(
            [("request_routed", a) for a in TECH_SPECIALISTS] + [("request_copy", RESPONSIBLE)]
        )
        assert all(m.request_id == req.id and m.status == "pending" for m in rows)
        assert all(m.subject is None for m in rows)  # written by the worker, not at the form
        assert all(written(m).subject.startswith("[№ 2026-00001] ") for m in rows)
        assert all(m.reply_to == SERVICE_MAILBOX for m in rows)
        assert len({m.message_id for m in rows}) == len(rows)


def test_the_author_gets_an_acknowledgement_only_when_they_gave_an_email(app):
    with app.app_context():
        submit_request(current_register(), request_data(contact_email=None))
        submit_request(current_register(), request_data(contact_email="Parent@Example.ru", contact_phone=None))
        db.session.commit()
        acks = [m for m in outbox_rows() if m.kind == "request_received"]
        assert [m.recipient for m in acks] == ["Parent@example.ru"]


def test_the_responsible_person_is_not_notified_twice_when_also_the_specialist(make_app, tmp_path):
    app = make_app(SCHOOL_PROFILE=profile_variant(tmp_path, responsible__staff="lebedev"))
    with app.app_context():
        submit_request(current_register(), request_data(contact_email=None))
        db.session.commit()
        assert sorted(m.recipient for m in outbox_rows()) == sorted(TECH_SPECIALISTS)


def test_the_responsible_person_gets_only_the_types_the_profile_lists(make_app, tmp_path):
    app = make_app(SCHOOL_PROFILE=profile_variant(tmp_path, responsible__notify=["journal"]))
    with app.app_context():
        submit_request(current_register(), request_data(contact_email=None, request_type="technical"))
        submit_request(current_register(), request_data(contact_email=None, request_type="journal"))
        db.session.commit()
        copies = [m for m in outbox_rows() if m.recipient == RESPONSIBLE]
        year = first_number()[:4]
        assert [written(m).subject for m in copies] == [f"[№ {year}-00002] Копия: Проблема с электронным журналом (ЭЖД)"]


def test_a_confidential_request_is_flagged_and_its_copy_tells_nothing_personal(app):
    description = "Ребёнок очень тревожится перед уроками"
    with app.app_context():
        req = submit_request(current_register(), request_data(request_type="psychologist", description=description,
                                          contact_email=None))  # fmt: skip
        db.session.commit()
        assert req.confidential and req.routed_role == "psychologist"
        by_recipient = {m.recipient: written(m) for m in outbox_rows()}
        psychologist = by_recipient["psy@school7-zarechny.example.ru"]
        copy = by_recipient[RESPONSIBLE]
        assert description in psychologist.body_text and "Смирнова" in psychologist.body_text
        for body in (copy.body_text, copy.body_html):
            assert description not in body and "Смирнова" not in body and "+7" not in body
        assert "конфиденциальное" in copy.body_text
        # Who reads it is said from the access rules, not typed: the routed role and the roles
        # with view_confidential, as the form and the site say it.
        readers = readers_text(current_school(), "psychologist")
        for body in (copy.body_text, copy.body_html):
            assert f"видят только {readers}" in " ".join(body.split())


def test_the_first_history_entry_is_public(app):
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        [entry] = req.history
        assert (entry.action, entry.actor, entry.public) == ("created", "author", True)


def test_a_rolled_back_submission_leaves_no_history_and_no_mail(app):
    with app.app_context():
        submit_request(current_register(), request_data())
        db.session.rollback()
        assert db.session.scalars(sa.select(SupportRequest)).all() == []
        assert db.session.scalars(sa.select(HistoryEntry)).all() == []
        assert outbox_rows() == []


def test_the_log_line_names_number_type_and_route_but_no_person(app, caplog):
    with app.app_context(), caplog.at_level(logging.INFO, logger="webapp.requests.service"):
        submit_request(current_register(), request_data())
        db.session.commit()
    [line] = [r.getMessage() for r in caplog.records if r.name == "webapp.requests.service"]
    assert first_number() in line and "type=technical" in line and "route=tech" in line
    for personal in ("Смирнова", "anna.smirnova", "79123456789", "камера", "7А"):
        assert personal not in line


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"author_role": "teacher"}, "class_name"),
        ({"class_name": None}, "class_name"),
        ({"request_type": "weather"}, "request_type"),
        ({"contact_phone": None, "contact_email": None}, "contact_phone"),
        ({"description": "<script>alert(1)</script>"}, "description"),
        ({"author_name": "Иванов\r\nBcc: x@example.ru"}, "author_name"),
    ],
)
def test_the_service_refuses_bad_data_from_any_channel(app, changes, field):
    with app.app_context():
        with pytest.raises(InvalidRequest) as refused:
            submit_request(current_register(), request_data(**changes), channel="phone", recorded_by="sidorova")
        db.session.rollback()
        assert field in refused.value.errors
        assert outbox_rows() == []


def test_a_request_outside_working_hours_says_when_work_on_it_starts(app):
    saturday = dt.datetime(2026, 3, 14, 10, 0, tzinfo=UTC)  # 15:00 Saturday in Yekaterinburg
    with app.app_context():
        submit_request(current_register(), request_data(), received_at=saturday, now=saturday)
        db.session.commit()
        [ack] = [written(m, now=saturday) for m in outbox_rows() if m.kind == "request_received"]
        assert "Сейчас нерабочее время (понедельник–пятница, 08:00–17:00)" in ack.body_text
        assert "служб" not in ack.body_text.split("\n--\n")[0]  # the signature names the service
        assert "16 марта 2026, 08:00" in ack.body_text  # Monday morning, school time
