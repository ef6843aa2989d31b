"""Known problems: declared once, shown to families, linked requests keep their terms, one answer."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.support.request_life import cast_of
from tests.support.staff import login
from tests.support.submissions import form_data, request_data
from webapp.deadlines.clock import service_time_between
from webapp.deadlines.outcomes import outcome
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import HistoryEntry, KnownProblem, OutboxMessage, SlaAlert, SupportRequest
from webapp.models.types import utc_now
from webapp.reports.compute import build_report
from webapp.reports.period import Period, school_today
from webapp.requests import lifecycle, problems
from webapp.requests.escalation import check_breaches
from webapp.requests.service import submit_request
from webapp.requests.similar import similar_earlier
from webapp.vocabulary import Clock, ClockOutcome, Event, MailKind, RequestStatus
from webapp.web.current import current_register, current_school

TITLE = "Не открывается Сферум"
TEXT = "Сферум недоступен во всём регионе. Школа сообщила оператору; уроки перенесены в ИСОУ."
ANSWER = "Сферум снова работает. Если звонок не соединяется, перезапустите приложение."


def head_of(app):
    with app.app_context():
        return cast_of(current_school()).head


def declare(client, **fields):
    data = {"title": TITLE, "public_text": TEXT, "request_types": ["technical"], "platform": "", **fields}
    return client.post("/app/desk/problems", data=data)


def problem_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_a_declared_problem_is_shown_to_families_until_it_is_resolved(app):
    client = app.test_client()
    assert client.get("/app/problems.json").get_json() == {"problems": []}
    login(client, head_of(app).id)
    pid = problem_id(declare(client, platform="sferum"))
    listed = client.get("/app/problems.json")
    assert listed.headers["Cache-Control"] in ("public, max-age=30", "max-age=30, public")
    [shown] = listed.get_json()["problems"]
    assert shown["title"] == TITLE and shown["text"] == TEXT and shown["types"] == ["technical"]
    assert shown["platform"] == "Сферум / VK Мессенджер"  # the profile's name for it
    assert head_of(app).name not in listed.get_data(as_text=True)  # nothing about staff
    page = client.get(f"/app/desk/problems/{pid}").get_data(as_text=True)
    assert TITLE in page and "открыта" in page
    done = client.post(f"/app/desk/problems/{pid}/resolve", data={"message": ANSWER})
    assert done.status_code == 303
    assert client.get("/app/problems.json").get_json() == {"problems": []}


def test_50_requests_during_a_problem_are_linked_and_none_breaks_a_term(app):
    client = app.test_client()
    login(client, head_of(app).id)
    pid = problem_id(declare(client))
    with app.app_context():
        reg = current_register()
        for n in range(50):
            submit_request(reg, request_data(author_name=f"Ученик {n}"))
        other = submit_request(reg, request_data(request_type="other", author_name="Другой Вопрос"))
        db.session.commit()
        other_id = other.id
        later = utc_now() + dt.timedelta(days=3)  # every term of the act long gone
        breaches = check_breaches(reg, later)
        db.session.commit()
        linked = db.session.scalars(sa.select(SupportRequest).where(SupportRequest.known_problem_id == pid)).all()
        assert len(linked) == 50
        assert [b.request.id for b in breaches] == [other_id] * len(breaches) and breaches  # only the unlinked one
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(SlaAlert).where(
            SlaAlert.request_id.in_([r.id for r in linked])))  # fmt: skip
        assert all(not r.missed for r in linked)
        events = db.session.scalars(sa.select(HistoryEntry.action).where(HistoryEntry.request_id == linked[0].id)).all()
        assert Event.PROBLEM_LINKED in events
        db.session.remove()


def test_resolving_answers_every_linked_request_with_one_letter_per_author(app, smtp):
    client = app.test_client()
    for name, email, phone in [("Петрова Алина", "alina@example.ru", None), ("Петров Олег", "ALINA@example.ru", None),
                               ("Сидоров Иван", "ivan@example.ru", None), ("Без Почты", None, "+7 912 000-00-01")]:  # fmt: skip
        client.post("/app/form", data=form_data(author_name=name, contact_email=email, contact_phone=phone))
    login(client, head_of(app).id)
    pid = problem_id(declare(client, started_at=school_input(app, utc_now() - dt.timedelta(hours=1))))
    # declared after they wrote, as having started before: they are linked too
    with app.app_context():
        deliver_due(app)
    smtp.clear()
    result = app.test_cli_runner().invoke(args=["incident", "resolve", str(pid), "--message", ANSWER, "--close"])
    assert result.exit_code == 0, result.output
    assert "Отвечено обращений: 4, писем поставлено в очередь: 2" in result.output
    report = deliver_due(app)
    assert report.sent == 2
    letters = [m for _, m in smtp.messages]
    assert sorted(m["To"] for m in letters) == ["alina@example.ru", "ivan@example.ru"]
    for letter in letters:
        body = letter.get_body(("plain",)).get_content()
        assert ANSWER in body and TITLE in letter["Subject"]
    shared = next(m for m in letters if m["To"] == "alina@example.ru").get_body(("plain",)).get_content()
    assert len(re.findall(r"\d{4}-\d{5}", shared.split("Ход обращения")[0])) == 2  # both her requests
    with app.app_context():
        rows = db.session.scalars(sa.select(SupportRequest).where(SupportRequest.known_problem_id == pid)).all()
        assert len(rows) == 4 and {r.status for r in rows} == {RequestStatus.CLOSED}
        for r in rows:
            answers = [h.text for h in r.history if h.action == Event.PROBLEM_ANSWER]
            assert answers == [ANSWER]
            assert r.process_late in (0, None)
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.kind == MailKind.PROBLEM_RESOLVED)).all()
        assert len(kinds) == 2
        assert db.session.get(KnownProblem, pid).resolved_at is not None
        db.session.remove()
    again = app.test_cli_runner().invoke(args=["incident", "resolve", str(pid), "--message", ANSWER])
    assert again.exit_code != 0 and "уже решена" in again.output


def test_the_acknowledgement_says_the_school_already_knows(app, smtp):
    client = app.test_client()
    login(client, head_of(app).id)
    problem_id(declare(client, expected_at=""))
    client.post("/app/form", data=form_data(contact_email="parent@example.ru"))
    deliver_due(app)
    [ack] = smtp.to("parent@example.ru")
    body = ack.get_body(("plain",)).get_content()
    assert "Школа уже знает об этой проблеме" in body and TEXT in body
    assert "Ответ придёт не позднее" not in body


def test_the_command_line_opens_lists_and_resolves(app):
    runner = app.test_cli_runner()
    opened = runner.invoke(args=["incident", "open", "--title", TITLE, "--types", "technical,journal", "--hours", "3"])
    assert opened.exit_code == 0, opened.output
    pid = int(opened.stdout.strip().splitlines()[0])
    listed = runner.invoke(args=["incident", "list"])
    assert f"№ {pid}  {TITLE}" in listed.output and "technical, journal" in listed.output
    wrong = runner.invoke(args=["incident", "open", "--title", TITLE, "--types", "nonsense"])
    assert wrong.exit_code != 0 and "Выберите виды обращений из списка" in wrong.output
    done = runner.invoke(args=["incident", "resolve", str(pid), "--message", ANSWER])
    assert done.exit_code == 0 and "решена" in done.output
    assert "Открытых известных проблем нет" in runner.invoke(args=["incident", "list"]).output
    assert runner.invoke(args=["incident", "resolve", "999", "--message", ANSWER]).exit_code != 0


def test_bad_problem_input_is_refused_with_a_message_and_stores_nothing(app):
    client = app.test_client()
    login(client, head_of(app).id)
    for fields, message in [
        ({"title": ""}, "Заголовок"),
        ({"public_text": " "}, "Напишите для семей"),
        ({"request_types": []}, "хотя бы один вид"),
        ({"request_types": ["no-such-type"]}, "из списка"),
        ({"platform": "no-such-platform"}, "платформу из списка"),
        ({"started_at": "2001-01-01T10:00"}, "не раньше чем 30 дней назад"),
        ({"started_at": "9999-01-01T10:00"}, "Проверьте год"),
    ]:
        response = declare(client, **fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(KnownProblem)) == 0


def test_only_the_head_declares_and_anyone_who_sees_a_request_can_unlink_it(app):
    cast = cast_of(current_school_of(app))
    specialist = app.test_client()
    login(specialist, cast.specialist.id)
    assert declare(specialist).status_code == 403
    assert specialist.get("/app/desk/problems").status_code == 200  # everyone sees what is open
    head = app.test_client()
    login(head, cast.head.id)
    pid = problem_id(declare(head))
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        request_id = req.id
        assert req.known_problem_id == pid
        db.session.remove()
    now = utc_now()
    assert head.post(f"/app/desk/problems/unlink/{request_id}").status_code == 303
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        assert req.known_problem_id is None
        assert req.process_due >= now + dt.timedelta(hours=23)  # its clocks run again from now
        db.session.remove()
    relink = head.post(f"/app/desk/problems/{pid}/link", data={"number": "0000-00000"})
    assert relink.status_code == 400 and "Обращения с таким номером нет" in relink.get_data(as_text=True)


def school_input(app, moment: dt.datetime) -> str:
    """A moment as the desk's datetime-local field takes it (the school's clock)."""
    with app.app_context():
        return moment.astimezone(ZoneInfo(current_school().school.timezone)).strftime("%Y-%m-%dT%H:%M")


def current_school_of(app):
    with app.app_context():
        return current_school()


def test_declaring_links_the_open_requests_already_about_it(app):
    with app.app_context():
        reg = current_register()
        earlier = submit_request(reg, request_data())
        db.session.commit()
        problem = problems.declare(reg, cast_of(current_school()).head.id, problems.ProblemFacts(
            title=TITLE, public_text=TEXT, request_types=("technical",), platform=None,
            started_at=utc_now() - dt.timedelta(hours=1)))  # fmt: skip
        db.session.commit()
        assert db.session.get(SupportRequest, earlier.id).known_problem_id == problem.id
        db.session.remove()


def test_a_merged_request_gets_the_answer_of_the_one_it_was_merged_into(app, smtp):
    """A parent and the child write about the same fault: staff merge the child's request into
    the parent's; the child's address gets the parent's answer, before or after the merge."""
    with app.app_context():
        reg = current_register()
        main = submit_request(reg, request_data(author_name="Петрова Алина", contact_email="mother@example.ru"))
        child = submit_request(reg, request_data(author_name="Петров Миша", author_role="student",
                                                 contact_email="misha@example.ru"))  # fmt: skip
        late = submit_request(reg, request_data(author_name="Петров Миша", author_role="student",
                                                contact_email="misha.second@example.ru"))  # fmt: skip
        db.session.commit()
        lifecycle.assign(reg, main, "orlova", "lebedev")
        lifecycle.close_as_duplicate(reg, child, "orlova", main)  # merged before the answer
        lifecycle.answer_by_email(reg, main, "lebedev", ANSWER)
        lifecycle.close_as_duplicate(reg, late, "orlova", main)  # merged after it
        db.session.commit()
        numbers = {main.number, child.number, late.number}
        child_history = [(h.action, h.text) for h in db.session.get(SupportRequest, child.id).history]
        db.session.remove()
    deliver_due(app)
    for address in ("mother@example.ru", "misha@example.ru", "misha.second@example.ru"):
        answers = [m for m in smtp.to(address) if "Ответ на ваше обращение" in m["Subject"]]
        assert len(answers) == 1, address
        assert ANSWER in answers[0].get_body(("plain",)).get_content()
    assert len(numbers) == 3
    assert (Event.ANSWER_OF_MAIN, f"Ответ по обращению {main.number}: {ANSWER}") in child_history


def test_reports_count_linked_requests_and_list_the_problem_with_its_duration(app):
    started = utc_now() - dt.timedelta(hours=2, minutes=5)
    with app.app_context():
        reg, profile = current_register(), current_school()
        head = cast_of(profile).head.id
        problem = problems.declare(reg, head, problems.ProblemFacts(
            title=TITLE, public_text=TEXT, request_types=("technical",), platform=None, started_at=started))  # fmt: skip
        for n in range(3):
            submit_request(reg, request_data(author_name=f"Ученик {n}"))
        submit_request(reg, request_data(request_type="other"))
        db.session.commit()
        resolved = utc_now()
        problems.resolve(reg, problem, head, ANSWER, close=False, now=resolved)
        db.session.commit()
        today = school_today(profile, resolved)
        report = build_report(profile, Period(today - dt.timedelta(days=1), today), utc_now())
        pid = problem.id
        db.session.remove()
    assert report.total == 4 and report.linked == 3
    [line] = report.problems
    assert (line.id, line.title, line.linked) == (pid, TITLE, 3)
    assert line.seconds == int((resolved - started).total_seconds())
    client = app.test_client()
    login(client, head_of(app).id)
    page = client.get("/app/desk/reports?period=week").get_data(as_text=True)
    assert f"№ {pid}. {TITLE}" in page and "2 ч 05 мин" in page


def test_a_similar_request_from_the_same_contact_is_taken_and_pointed_out(app):
    client = app.test_client()
    first = "Не включается камера на уроке в Сферуме, звук есть."
    client.post("/app/form", data=form_data(description=first, contact_email="anna@example.ru"))
    again = client.post("/app/form", data=form_data(
        description="не включается камера на уроке в сферуме, а звук есть!", contact_email="ANNA@example.ru"))  # fmt: skip
    assert again.status_code == 303  # taken, not refused
    other = client.post("/app/form", data=form_data(description="Забыли пароль от электронного дневника.",
                                                    contact_email="anna@example.ru"))  # fmt: skip
    assert other.status_code == 303
    with app.app_context():
        rows = db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()
        assert len(rows) == 3
        assert similar_earlier(rows[1]).id == rows[0].id
        assert similar_earlier(rows[2]) is None  # another matter
        assert similar_earlier(rows[0]) is None  # nothing before it
        numbers = [r.number for r in rows]
        db.session.remove()
    done = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Похоже, вы уже писали об этом" in done and numbers[0] in done
    login(client, head_of(app).id)
    with app.app_context():
        second_id = db.session.scalar(sa.select(SupportRequest.id).where(SupportRequest.number == numbers[1]))
    page = client.get(f"/app/desk/r/{second_id}").get_data(as_text=True)
    assert "Похоже на обращение" in page and numbers[0] in page


def test_linked_deadlines_follow_the_problem_in_working_hours_and_skipped_steps_say_so(app):
    with app.app_context():
        profile = current_school()
        zone = ZoneInfo(profile.school.timezone)
        day = (utc_now() + dt.timedelta(days=2)).astimezone(zone).date()
        while day.weekday() != 4:  # a Friday, ten minutes before the service closes at 17:00
            day += dt.timedelta(days=1)
        expected = dt.datetime.combine(day, dt.time(16, 50), tzinfo=zone).astimezone(dt.timezone.utc)
        reg = current_register()
        problem = problems.declare(reg, cast_of(profile).head.id, problems.ProblemFacts(
            title=TITLE, public_text=TEXT, request_types=("technical",), platform=None,
            started_at=utc_now(), expected_at=expected))  # fmt: skip
        req = submit_request(reg, request_data())
        db.session.commit()
        for clock, due, minutes in ((Clock.ASSIGN, req.assign_due, 30), (Clock.PROCESS, req.process_due, 24 * 60)):
            local = due.astimezone(zone)
            assert local.weekday() < 5 and dt.time(8) <= local.time() <= dt.time(17), (clock, local)
            assert service_time_between(profile, expected, due) == dt.timedelta(minutes=minutes), clock
        problems.resolve(reg, problem, cast_of(profile).head.id, ANSWER, close=True)
        db.session.commit()
        assert outcome(profile, req, Clock.ASSIGN, utc_now()).outcome == ClockOutcome.SKIPPED
        assert outcome(profile, req, Clock.PROCESS, utc_now()).outcome == ClockOutcome.MET
        db.session.remove()


def test_a_refused_resolution_keeps_the_problem_as_it_stands_in_the_edit_form(app):
    client = app.test_client()
    login(client, head_of(app).id)
    expected = school_input(app, utc_now() + dt.timedelta(hours=5))
    pid = problem_id(declare(client, platform="sferum", expected_at=expected))
    refused = client.post(f"/app/desk/problems/{pid}/resolve", data={"message": " "})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Напишите текст письма семьям" in page
    assert f'id="expected_at" name="expected_at" type="datetime-local" value="{expected}"' in page  # school time
    assert re.search(r'<option selected value="sferum">|<option value="sferum" selected>', page)
