"""The life of a request (webapp/requests/lifecycle.py): each step, who may take it, what it records."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.support.submissions import request_data
from webapp.deadlines import add_service_time
from webapp.extensions import db
from webapp.models import HistoryEntry, OutboxMessage, SupportRequest
from webapp.requests import lifecycle
from webapp.requests.lifecycle import LifecycleError, NotPermitted
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def new_request(ctx):
    def make(**overrides) -> SupportRequest:
        req = submit_request(current_register(), request_data(**overrides))
        db.session.commit()
        return req

    return make


def history(req) -> list[tuple[str, str, bool]]:
    return [(e.actor, e.action, e.public) for e in req.history]


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).filter_by(kind=kind)))


def in_work(req, assignee="lebedev", by="sidorova"):
    lifecycle.assign(current_register(), req, by, assignee)
    lifecycle.take_into_work(current_register(), req, assignee)
    db.session.commit()
    return req


def test_assign_sets_the_specialist_and_starts_the_take_into_work_clock(new_request):
    req = new_request()
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    lifecycle.assign(current_register(), req, "sidorova", "lebedev", now=now)
    db.session.commit()
    profile = current_school()
    expected = add_service_time(profile, now, dt.timedelta(minutes=profile.support.deadlines.take_into_work_minutes))
    assert (req.status, req.assignee, req.assigned_at, req.take_due) == ("assigned", "lebedev", now, expected)
    entry = req.history[-1]
    assert (entry.actor, entry.action, entry.public, entry.target_staff) == ("sidorova", "assigned", True, "lebedev")


def test_assignment_tells_the_specialist_by_mail(new_request):
    req = new_request()
    lifecycle.assign(current_register(), req, "sidorova", "lebedev")
    db.session.commit()
    [mail] = mails("request_assigned")
    assert mail.recipient == "lebedev@school7-zarechny.example.ru"
    assert f"[№ {req.number}]" in mail.subject


def test_only_roles_with_the_assign_permission_may_assign(new_request):
    req = new_request()
    with pytest.raises(NotPermitted):
        lifecycle.assign(current_register(), req, "lebedev", "belov")
    assert req.status == "new" and req.assignee is None


def test_a_request_goes_only_to_someone_who_answers_requests(new_request):
    req = new_request()
    with pytest.raises(LifecycleError, match="нельзя передать"):
        lifecycle.assign(current_register(), req, "orlova", "sidorova")  # the hotline records, it does not answer
    assert req.assignee is None


def test_a_confidential_request_goes_only_to_those_who_may_see_it(new_request):
    req = new_request(request_type="psychologist")
    with pytest.raises(LifecycleError):
        lifecycle.assign(current_register(), req, "orlova", "lebedev")
    lifecycle.assign(current_register(), req, "orlova", "morozova")
    assert req.assignee == "morozova"


def test_the_assignee_takes_the_request_into_work(new_request):
    req = new_request()
    lifecycle.assign(current_register(), req, "sidorova", "lebedev")
    with pytest.raises(NotPermitted):
        lifecycle.take_into_work(current_register(), req, "belov")  # not the one it was handed to
    entry = lifecycle.take_into_work(current_register(), req, "lebedev")
    assert req.status == "in_work" and req.taken_at == entry.at
    assert (entry.action, entry.public) == ("taken", True)


def test_a_routed_specialist_may_pick_up_an_unassigned_request_and_both_steps_are_recorded(new_request):
    req = new_request()
    lifecycle.take_into_work(current_register(), req, "lebedev")
    assert (req.status, req.assignee) == ("in_work", "lebedev")
    assert history(req)[-2:] == [("lebedev", "assigned", True), ("lebedev", "taken", True)]


def test_reassigning_work_in_progress_restarts_the_take_clock(new_request):
    req = in_work(new_request())
    later = dt.datetime.now(UTC) + dt.timedelta(minutes=5)
    lifecycle.assign(current_register(), req, "orlova", "belov", now=later)
    assert (req.status, req.assignee, req.taken_at, req.assigned_at) == ("assigned", "belov", None, later)
    assert req.history[-1].text == "Обращение передано другому специалисту."


def test_an_illegal_step_is_refused_in_russian_and_changes_nothing(new_request):
    req = new_request()
    before = (req.status, len(req.history))
    with pytest.raises(LifecycleError) as refused:
        lifecycle.close(current_register(), req, "orlova")
    assert str(refused.value) == f"Нельзя закрыть обращение: обращение {req.number} сейчас «новое»."
    db.session.commit()
    assert (req.status, len(req.history)) == before


def test_an_internal_note_is_recorded_but_not_public(new_request):
    req = new_request()
    entry = lifecycle.add_note(current_register(), req, "belov", "Похоже на проблему с драйвером камеры.")
    assert (entry.actor, entry.action, entry.public) == ("belov", "note", False)


def test_an_empty_note_is_refused(new_request):
    req = new_request()
    with pytest.raises(LifecycleError, match="Напишите текст заметки"):
        lifecycle.add_note(current_register(), req, "belov", "   ")


def test_a_call_to_the_author_is_recorded_internally(new_request):
    req = in_work(new_request())
    entry = lifecycle.record_contact(current_register(), req, "lebedev", "phone", "Уточнил модель ноутбука.")
    assert (entry.action, entry.public, entry.text) == ("contact_call", False, "Уточнил модель ноутбука.")
    assert mails("question_to_author") == []


def test_a_question_by_mail_goes_to_the_author_through_the_outbox(new_request):
    req = in_work(new_request())
    entry = lifecycle.record_contact(current_register(), req, "lebedev", "email", "Какой у вас браузер?")
    db.session.commit()
    [mail] = mails("question_to_author")
    assert mail.recipient == "anna.smirnova@example.ru"
    assert mail.subject.startswith(f"[№ {req.number}]")
    assert "Какой у вас браузер?" in mail.body_text
    assert (entry.action, entry.public) == ("contact_email", False)


def test_the_answer_by_mail_goes_to_the_author_and_the_request_is_answered(new_request):
    req = in_work(new_request())
    entry = lifecycle.answer_by_email(current_register(), req, "lebedev", "Разрешите браузеру доступ к камере.")
    db.session.commit()
    [mail] = mails("answer_sent")
    assert mail.recipient == "anna.smirnova@example.ru"
    assert mail.subject == f"[№ {req.number}] Ответ на ваше обращение"
    assert mail.reply_to == current_school().support.email
    assert "Разрешите браузеру доступ к камере." in mail.body_text
    assert req.status == "answered" and req.answered_at == entry.at
    assert (entry.action, entry.public) == ("answer_email", True)


def test_answering_at_once_records_the_skipped_steps(new_request):
    req = new_request()
    lifecycle.answer_by_email(current_register(), req, "lebedev", "Перезагрузите роутер.")
    assert [a for _, a, _ in history(req)] == ["created", "assigned", "taken", "answer_email"]
    assert req.assignee == "lebedev" and req.taken_at is not None


def test_answering_by_mail_without_an_address_says_to_call(new_request):
    req = in_work(new_request(contact_email=None))
    with pytest.raises(LifecycleError, match="Позвоните по телефону"):
        lifecycle.answer_by_email(current_register(), req, "lebedev", "Ответ")
    assert req.status == "in_work"


def test_an_oral_answer_is_recorded_with_its_summary_for_the_author(new_request):
    req = in_work(new_request(contact_email=None))
    entry = lifecycle.record_oral_answer(current_register(), req, "lebedev", "Объяснил по телефону, как войти через Госуслуги.")
    assert req.status == "answered"
    assert (entry.action, entry.public) == ("answer_oral", True)
    assert mails("answer_sent") == []


def test_the_head_agrees_a_longer_term_and_the_processing_deadline_moves(new_request):
    req = in_work(new_request())
    new_due = req.process_due + dt.timedelta(days=2)
    asked = lifecycle.request_extension(current_register(), req, "lebedev", "Ждём ответа поставщика платформы.", new_due)
    db.session.commit()
    assert (asked.action, asked.public) == ("extension_requested", False)
    assert [m.recipient for m in mails("extension_requested")] == ["orlova@school7-zarechny.example.ru"]
    agreed = lifecycle.decide_extension(current_register(), req, "orlova", True)
    db.session.commit()
    assert req.process_due == new_due
    assert req.extension_due is None
    assert (agreed.action, agreed.public) == ("extension_agreed", True)


def test_the_head_declines_a_longer_term_and_the_deadline_stays(new_request):
    req = in_work(new_request())
    old_due = req.process_due
    lifecycle.request_extension(current_register(), req, "lebedev", "Много других обращений.", old_due + dt.timedelta(days=1))
    declined = lifecycle.decide_extension(current_register(), req, "orlova", False, "Справитесь в срок.")
    db.session.commit()
    assert req.process_due == old_due and req.extension_due is None
    assert (declined.action, declined.public) == ("extension_declined", False)
    assert "Справитесь в срок." in declined.text


def test_a_longer_term_must_be_later_than_the_current_one(new_request):
    req = in_work(new_request())
    with pytest.raises(LifecycleError, match="Новый срок должен быть позже"):
        lifecycle.request_extension(current_register(), req, "lebedev", "Причина", req.process_due - dt.timedelta(hours=1))
    assert req.extension_due is None


def test_only_the_head_decides_and_only_the_assignee_asks(new_request):
    req = in_work(new_request())
    with pytest.raises(NotPermitted):
        lifecycle.request_extension(current_register(), req, "belov", "Причина", req.process_due + dt.timedelta(days=1))
    lifecycle.request_extension(current_register(), req, "lebedev", "Причина", req.process_due + dt.timedelta(days=1))
    with pytest.raises(LifecycleError, match="уже ждёт решения"):
        lifecycle.request_extension(current_register(), req, "lebedev", "Ещё", req.process_due + dt.timedelta(days=2))
    with pytest.raises(NotPermitted):
        lifecycle.decide_extension(current_register(), req, "sidorova", True)


def test_deciding_without_a_pending_request_is_refused(new_request):
    req = in_work(new_request())
    with pytest.raises(LifecycleError, match="решать нечего"):
        lifecycle.decide_extension(current_register(), req, "orlova", True)


def test_close_then_reopen_returns_the_request_to_its_specialist(new_request):
    req = in_work(new_request())
    lifecycle.record_oral_answer(current_register(), req, "lebedev", "Помог по телефону.")
    closed = lifecycle.close(current_register(), req, "orlova")
    assert req.status == "closed" and req.closed_at == closed.at
    reopened = lifecycle.reopen(current_register(), req, "orlova", "Автор перезвонил: камера снова не работает.")
    assert (req.status, req.assignee, req.answered_at, req.closed_at) == ("in_work", "lebedev", None, None)
    assert (reopened.action, reopened.public) == ("reopened", True)


def test_only_the_assignee_or_the_head_closes(new_request):
    req = in_work(new_request())
    lifecycle.record_oral_answer(current_register(), req, "lebedev", "Помог.")
    with pytest.raises(NotPermitted):
        lifecycle.close(current_register(), req, "sidorova")
    lifecycle.close(current_register(), req, "lebedev")
    assert req.status == "closed"


def test_history_is_only_ever_appended(new_request):
    req = in_work(new_request())
    lifecycle.add_note(current_register(), req, "lebedev", "Первая заметка")
    db.session.commit()
    first_ids = [e.id for e in req.history]
    lifecycle.record_oral_answer(current_register(), req, "lebedev", "Ответил.")
    lifecycle.close(current_register(), req, "lebedev")
    db.session.commit()
    stored = db.session.scalars(sa.select(HistoryEntry).filter_by(request_id=req.id).order_by(HistoryEntry.id)).all()
    assert [e.id for e in stored][: len(first_ids)] == first_ids
    assert [e.action for e in stored][-2:] == ["answer_oral", "closed"]


def test_available_actions_follow_role_and_status(new_request):
    req = new_request()
    assert lifecycle.available_actions(current_school(), "sidorova", req) == {"assign", "note", "close_duplicate"}
    assert lifecycle.available_actions(current_school(), "lebedev", req) == {"take", "note", "answer"}
    in_work(req)
    # Before an answer, closing is offered for "no contact with the author" only (lifecycle.close).
    assert lifecycle.available_actions(current_school(), "lebedev", req) == {
        "note", "contact", "answer", "request_extension", "close", "close_duplicate"}
    assert lifecycle.available_actions(current_school(), "orlova", req) == {"assign", "note", "close", "close_duplicate"}
