"""Letters claim only what is true for the school and the moment (issue 14, the newcomer's trial
of the five real schools' profiles in tests/profiles/).

- A letter asks to be answered by e-mail only where `mailbox fetch` reads the answers (IMAP_HOST
  is set); otherwise the author is given the phones and e-mail of the profile, and staff the desk.
- «Closed now» is said of the moment the letter is written, never of a request recorded later
  than it came; the confirmation page says the same of the moment the request came.
- No «служба» where the school has another kind of body; role titles read as names.
- A request handed to the author's own teacher at registration is not promised to be handed.
- A missed deadline reaches everyone of the control role.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.requests import notifications
from webapp.requests.escalation import check_breaches
from webapp.requests.notifications import write_message
from webapp.requests.service import submit_request
from webapp.school import load_profile
from webapp.vocabulary import ClosingOutcome, MailKind, RequestStatus
from webapp.web.current import current_register

PROFILES = Path(__file__).resolve().parent / "profiles"
SCHOOLS = {path.stem[7:10]: path for path in sorted(PROFILES.glob("school_00*.yaml"))}
SENDER = "Письма школы <noreply@example.org>"  # for profiles without a support e-mail
AUTHOR = "anna.smirnova@example.ru"
# A type of each school that goes to a role (003's consultations go to a teacher).
PLAIN_TYPE = {"000": "technical", "001": "technical", "002": "technical",
              "003": "administration_question", "004": "technical"}  # fmt: skip
CONSULTATION = {"consultation_form": "individual", "consultation_mode": "online"}
REPLY_WORDS = re.compile(r"на это письмо|из почты", re.IGNORECASE)
# What the author is told to do instead of replying, from what each act gives.
INSTEAD_OF_REPLYING = {
    "000": "позвоните (секретарь: 8 (34398) 2-19-36) или напишите на 163101@mail.ru и назовите номер обращения",
    "001": "позвоните (телефон школы: 8 (47244) 4-24-41, 8 (47244) 4-24-80) и назовите номер обращения",
    "002": "позвоните (горячая линия: 8 (34300) 2-22-22) и назовите номер обращения",
    "003": "обратитесь снова и назовите номер обращения",  # no phone or e-mail in the act
    "004": "обратитесь снова и назовите номер обращения",
}


def plain_request(school: str, **changes):
    """A pupil's request of the school's type that goes to a role."""
    extra = CONSULTATION if school == "003" else {}  # its administration takes consultations
    return request_data(request_type=PLAIN_TYPE[school], **extra, **changes)


def school_app(make_app, school: str, **settings):
    profile = load_profile(SCHOOLS[school])
    if not profile.support.email:
        settings.setdefault("MAIL_DEFAULT_SENDER", SENDER)
    return make_app(SCHOOL_PROFILE=str(SCHOOLS[school]), **settings), profile


def local(profile, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(profile.school.timezone)).astimezone(dt.timezone.utc)


def text_of(message: OutboxMessage, now: dt.datetime | None = None) -> str:
    """The letter's plain text and HTML, written as the worker writes them (at `now`)."""
    if message.body_text is None:
        write_message(current_register(), message, now)
    return message.body_text + "\n" + message.body_html


def every_letter(profile, school: str) -> dict[str, str]:
    """Each kind of letter about one request of the school, by kind: the acknowledgement, the
    specialists', the answer, the question, the closing, a resolved problem, the author's reply,
    the assignment and a missed deadline."""
    reg = current_register()
    req = submit_request(reg, plain_request(school, contact_email=AUTHOR))
    db.session.flush()
    notifications.question_to_author(reg, req, "Какой у вас браузер?")
    notifications.answer_sent(reg, req, "Разрешите камеру в настройках браузера.")
    req.assignee = next(s.id for s in profile.staff if s.id != profile.controller.id)
    req.status, req.closing_outcome = RequestStatus.CLOSED, ClosingOutcome.RESOLVED
    notifications.request_assigned(reg, req)
    notifications.request_closed(reg, req)
    problem = SimpleNamespace(title="Не открывается платформа", resolution_text="Всё снова работает.")
    req.status = RequestStatus.ANSWERED
    notifications.problem_resolved(reg, problem, [req])
    notifications.author_replied(reg, req, "Спасибо, получилось.", reopened=False)
    notifications.sla_breach(reg, req, "process", req.received_at)
    db.session.flush()
    letters: dict[str, str] = {}
    for message in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)):
        letters.setdefault(f"{message.kind} to {message.recipient}", text_of(message))
    return letters


def without_profile_names(profile, text: str) -> str:
    """The letter's own words: the school's names of things (its body, its roles) taken out."""
    for name in sorted([profile.support.name, *(r.title for r in profile.roles)], key=len, reverse=True):
        text = text.replace(name, " ")
    return text


# Finding 1: a reply by e-mail is asked for only where replies are read.


@pytest.mark.parametrize("school", sorted(SCHOOLS))
def test_without_imap_no_letter_invites_a_reply_and_each_says_what_to_do_instead(make_app, school):
    app, profile = school_app(make_app, school)
    with app.app_context():
        letters = every_letter(profile, school)
    invitations = {kind: REPLY_WORDS.findall(text) for kind, text in letters.items()}
    assert {kind: found for kind, found in invitations.items() if found} == {}
    for kind in ("answer_sent", "question_to_author", "request_closed", "problem_resolved"):
        [text] = [t for k, t in letters.items() if k == f"{kind} to {AUTHOR}"]
        assert text.count(INSTEAD_OF_REPLYING[school]) == 2, kind  # the text and the HTML
    [routed] = [t for k, t in letters.items() if k.startswith(MailKind.REQUEST_ROUTED)][:1]
    assert "Ответьте автору в рабочем месте" in routed and "/app/desk/r/" in routed
    [assigned] = [t for k, t in letters.items() if k.startswith(MailKind.REQUEST_ASSIGNED)]
    assert "Ответ автору напишите в рабочем месте" in assigned


@pytest.mark.parametrize("school", sorted(SCHOOLS))
def test_with_imap_the_letters_invite_a_reply_by_email(make_app, school):
    app, profile = school_app(make_app, school, IMAP_HOST="imap.example.ru")
    with app.app_context():
        assert current_register().replies_read
        letters = every_letter(profile, school)
    for kind in ("answer_sent", "request_closed", "problem_resolved"):
        [text] = [t for k, t in letters.items() if k.startswith(kind)]
        assert "ответьте на это письмо, не меняя номер в теме" in text, kind
    [question] = [t for k, t in letters.items() if k.startswith("question_to_author")]
    assert "Ответьте, пожалуйста, на это письмо" in question
    [routed] = [t for k, t in letters.items() if k.startswith(MailKind.REQUEST_ROUTED)][:1]
    assert "Ответить автору можно прямо из почты" in routed
    assert "почтовый ящик службы" not in routed


def test_the_register_learns_from_the_settings_whether_replies_are_read(make_app):
    assert make_app().extensions["register"].replies_read is False
    assert make_app(IMAP_HOST="imap.mail.ru").extensions["register"].replies_read is True


# Finding 4: no «служба» where the school has another kind of body.


@pytest.mark.parametrize("school", sorted(SCHOOLS))
def test_no_letter_calls_the_schools_body_a_service_in_its_own_words(make_app, school):
    app, profile = school_app(make_app, school)
    with app.app_context():
        letters = every_letter(profile, school)
    assert len(letters) >= 9
    found = {kind: re.findall(r"\w*служб\w*", without_profile_names(profile, text), re.IGNORECASE)
             for kind, text in letters.items()}  # fmt: skip
    assert {kind: words for kind, words in found.items() if words} == {}


# Finding 2: «closed now» is about the moment of writing; never an opening already past.


def test_a_call_from_saturday_recorded_on_monday_morning_says_nothing_of_being_closed(make_app):
    app, profile = school_app(make_app, "000")
    saturday_night = local(profile, 2026, 11, 28, 22, 0)
    monday = local(profile, 2026, 11, 30, 9, 36)
    with app.app_context():
        channel = profile.recorded_channels[0].id
        submit_request(current_register(), request_data(), channel=channel, recorded_by="secretary",
                       received_at=saturday_night, now=monday)  # fmt: skip
        db.session.flush()
        [ack] = db.session.scalars(sa.select(OutboxMessage).filter_by(kind=MailKind.REQUEST_RECEIVED))
        text = text_of(ack, now=monday + dt.timedelta(minutes=1))
    assert "28 ноября 2026, 22:00" in text  # when it came, in the school's time
    assert "нерабочее время" not in text and "не работает" not in text
    assert "30 ноября 2026, 08:00" not in text  # the opening that had passed
    assert "служб" not in text.lower()


def test_a_request_written_to_while_closed_says_when_work_starts_as_the_page_does(make_app):
    app, profile = school_app(make_app, "000")
    saturday_night = local(profile, 2026, 11, 28, 22, 0)
    with app.app_context():
        req = submit_request(current_register(), request_data(), received_at=saturday_night, now=saturday_night)
        db.session.commit()
        token = req.status_token
        [ack] = db.session.scalars(sa.select(OutboxMessage).filter_by(kind=MailKind.REQUEST_RECEIVED))
        letter = text_of(ack, now=saturday_night + dt.timedelta(minutes=1))
    page = re.sub(r"\s+", " ", app.test_client().get(f"/app/form/done/{token}").get_data(as_text=True))
    hours = "нерабочее время (понедельник–пятница, 08:00–17:00)"
    starts = "в рабочее время, начиная с 30 ноября 2026, 08:00"
    assert f"Сейчас {hours}" in letter and starts in letter
    assert f"Обращение поступило в {hours}" in page and starts in re.sub(r"<[^>]+>", "", page)
    for text in (letter, page):
        assert "служба не работает" not in text and "откроется" not in text


# Finding 9: a role's title reads as a name in the specialist's letter.


@pytest.mark.parametrize(("school", "role_title"), [
    ("000", "«Группа технической поддержки (учителя информатики, учителя дополнительного образования, техник-программист)»"),
    ("003", "«Администрация школы»"),
])  # fmt: skip
def test_the_specialist_is_told_the_role_by_its_title_in_quotes(make_app, school, role_title):
    app, profile = school_app(make_app, school)
    with app.app_context():
        submit_request(current_register(), plain_request(school))
        db.session.flush()
        routed = db.session.scalars(sa.select(OutboxMessage).filter_by(kind=MailKind.REQUEST_ROUTED)).first()
        text = text_of(routed)
    assert f"направлено вам как сотруднику с ролью {role_title}." in text.replace("&#34;", '"')
    assert "как специалисту:" not in text


def test_a_title_with_quotes_of_its_own_gets_inner_quotes():
    from webapp.school.wording import quoted

    assert quoted("Поддержка «Сферума»") == "«Поддержка „Сферума“»"


# Finding 12: a request handed to a teacher at registration is not promised to be handed.


def test_the_acknowledgement_of_a_consultation_handed_to_the_teacher_says_so(make_app):
    app, _profile = school_app(make_app, "003")
    consultation = {"request_type": "subject_consultation", **CONSULTATION, "contact_email": AUTHOR}
    with app.app_context():
        handed = submit_request(current_register(), request_data(subject="Физика", **consultation))
        not_taught = submit_request(current_register(), request_data(subject="Физика", class_name="11В",
                                                                      **consultation))  # not taught there
        db.session.flush()
        acks = {m.request_id: text_of(m) for m in db.session.scalars(
            sa.select(OutboxMessage).filter_by(kind=MailKind.REQUEST_RECEIVED))}  # fmt: skip
        assert handed.assignee == "physics_teacher"
        handed_text, fallback_text = acks[handed.id], acks[not_taught.id]
    assert "Обращение сразу передано: учитель предмета «Физика», класс 7А." in handed_text
    assert "передадут специалисту" not in handed_text
    assert "Корепанов" not in handed_text  # the author learns who, not the teacher's name
    assert "Обращение передадут специалисту" in fallback_text  # to the administration, by hand


# Finding 14: a missed deadline reaches everyone of the control role.


def test_a_missed_deadline_of_000_reaches_all_three_members_of_the_support_group(make_app):
    app, profile = school_app(make_app, "000")
    monday = local(profile, 2026, 11, 23, 10, 0)
    with app.app_context():
        req = submit_request(current_register(), request_data(), received_at=monday, now=monday)
        db.session.commit()
        [breach] = check_breaches(current_register(), monday + dt.timedelta(days=7))
        db.session.commit()
        letters = db.session.scalars(sa.select(OutboxMessage).filter_by(kind=MailKind.SLA_BREACH)).all()
        texts = {m.recipient: m.body_text for m in letters}
        assert breach.request.id == req.id
    group = profile.staff_with_role(profile.control_role_id)
    assert len(group) == 3
    assert sorted(texts) == sorted(m.email for m in group)
    for member in group:
        assert f"Здравствуйте, {member.name}!" in texts[member.email]
        assert "пропущен срок" in texts[member.email]


def test_the_monthly_report_of_000_reaches_all_three_members_of_the_support_group(make_app):
    from webapp.reports.mailing import mail_month
    from webapp.reports.period import month_of

    app, profile = school_app(make_app, "000")
    now = local(profile, 2026, 12, 1, 9, 0)
    with app.app_context():
        readers = mail_month(current_register(), month_of(2026, 11), now)
        db.session.commit()
        letters = db.session.scalars(sa.select(OutboxMessage).filter_by(kind=MailKind.MONTHLY_REPORT)).all()
    group = {m.email for m in profile.staff_with_role(profile.control_role_id)}
    assert len(group) == 3 and set(readers) == group == {m.recipient for m in letters}
