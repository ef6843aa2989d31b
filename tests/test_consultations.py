"""Consultation requests (issue 14, seed 003): a request type asks the consultation's form, mode
and subject, and goes to the author's own class teacher or subject teacher, not to every teacher.

The school here is the demo school with teachers, classes and subjects added (written to the
test's folder): Иванова is the class teacher of 5А and teaches Russian in 5А, Петрова teaches
mathematics in 5А and 6Б, Соколов is the class teacher of 6Б and teaches physics everywhere.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
import yaml

from tests.support.staff import login
from tests.support.submissions import field_error, form_data, hotline_data, stored_counts
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import HistoryEntry, OutboxMessage, SupportRequest
from webapp.requests.routing import route
from webapp.school import DEMO_PROFILE, ProfileError, load_profile
from webapp.vocabulary import MailKind

DOMAIN = "school7-zarechny.example.ru"
IVANOVA, PETROVA, SOKOLOV = (f"{who}@{DOMAIN}" for who in ("ivanova", "petrova", "sokolov"))
HEAD = f"orlova@{DOMAIN}"  # the demo school's head of service: the fallback role `head`
TEACHERS = {IVANOVA, PETROVA, SOKOLOV}


def consultation_school(**changes) -> dict:
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    for role in data["roles"]:
        if role["id"] in ("teacher", "class_teacher"):
            role["permissions"] = sorted({*role["permissions"], "answer"})
    data["staff"] += [
        {"id": "ivanova", "name": "Иванова Ольга Петровна", "position": "Учитель русского языка",
         "roles": ["teacher", "class_teacher"], "email": IVANOVA},
        {"id": "petrova", "name": "Петрова Нина Андреевна", "position": "Учитель математики",
         "roles": ["teacher"], "email": PETROVA},
        {"id": "sokolov", "name": "Соколов Игорь Викторович", "position": "Учитель физики",
         "roles": ["teacher", "class_teacher"], "email": SOKOLOV},
    ]  # fmt: skip
    data["classes"] = [{"name": "5А", "class_teacher": "ivanova"}, {"name": "6Б", "class_teacher": "sokolov"}]
    data["subjects"] = [
        {"title": "Математика", "teachers": ["petrova"], "classes": ["5А", "6Б"]},
        {"title": "Русский язык", "teachers": ["ivanova"], "classes": ["5А"]},
        {"title": "Физика", "teachers": ["sokolov"]},
    ]
    data["request_types"] += [
        {"id": "class_consultation", "title": "Консультация классного руководителя",
         "consultation": True, "route_by": "class_teacher", "route_to": "head"},
        {"id": "subject_consultation", "title": "Консультация учителя по предмету",
         "consultation": True, "route_by": "subject_teacher", "route_to": "head"},
    ]  # fmt: skip
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return data


def write_profile(tmp_path, data: dict, name: str = "consultations.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def school_app(make_app, tmp_path):
    return make_app(SCHOOL_PROFILE=write_profile(tmp_path, consultation_school()))


@pytest.fixture
def school_client(school_app):
    return school_app.test_client()


def consultation(**overrides) -> dict:
    """A 5А student asks their class teacher for an individual online consultation."""
    return form_data(**{
        "author_role": "student", "class_name": "5А", "request_type": "class_consultation",
        "consultation_form": "individual", "consultation_mode": "online", "subject": "",
        "description": "Не понимаю, как сдавать задания на платформе.", **overrides,
    })  # fmt: skip


def the_request(app) -> SupportRequest:
    with app.app_context():
        req = db.session.scalars(sa.select(SupportRequest)).one()
        req.history  # loaded before the session ends
        db.session.expunge_all()
        return req


def routed_to(app) -> set[str]:
    """Who got the new request's letter (not the author's acknowledgement)."""
    with app.app_context():
        query = sa.select(OutboxMessage.recipient).where(
            OutboxMessage.kind.in_((MailKind.REQUEST_ROUTED, MailKind.REQUEST_COPY))
        )
        return set(db.session.scalars(query))


# The form.


def test_the_form_asks_form_mode_and_subject_with_a_note_naming_the_types(school_client):
    page = school_client.get("/app/form").get_data(as_text=True)
    for label in ("Форма консультации", "Как провести консультацию", "Предмет"):
        assert label in page
    for choice in ("Индивидуальная", "Групповая", "Фронтальная", "Онлайн", "Офлайн"):
        assert choice in page
    # Without JavaScript the fields are visible and say which types they belong to.
    assert "Только для видов обращения: «Консультация классного руководителя», «Консультация учителя по предмету»." in page
    assert re.search(r'data-shown-for-types="class_consultation subject_consultation"', page)
    # The profile lists subjects: a select of them, not free text.
    select = re.search(r'<select name="subject" id="subject"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "Математика", "Русский язык", "Физика"]


def test_a_school_without_consultations_shows_no_such_fields(client):
    page = client.get("/app/form").get_data(as_text=True)
    assert "Форма консультации" not in page and 'name="subject"' not in page


def test_without_a_subject_list_the_subject_is_typed(make_app, tmp_path):
    data = consultation_school(subjects=[])
    data["request_types"] = [t for t in data["request_types"] if t["id"] != "subject_consultation"]
    app = make_app(SCHOOL_PROFILE=write_profile(tmp_path, data))
    client = app.test_client()
    page = client.get("/app/form").get_data(as_text=True)
    assert re.search(r'<input [^>]*id="subject"[^>]*maxlength="120"', page)
    assert "<select name=\"subject\"" not in page
    sent = client.post("/app/form", data=consultation(subject="  Окружающий   мир "))
    assert sent.status_code == 303
    assert the_request(app).subject == "Окружающий мир"


def test_a_subject_longer_than_120_characters_is_refused(make_app, tmp_path):
    data = consultation_school(subjects=[])
    data["request_types"] = [t for t in data["request_types"] if t["id"] != "subject_consultation"]
    app = make_app(SCHOOL_PROFILE=write_profile(tmp_path, data))
    response = app.test_client().post("/app/form", data=consultation(subject="М" * 121))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "subject") == "Слишком длинно: не больше 120 знаков (сейчас 121)."
    assert stored_counts(app) == (0, 0)


# Routing.


def test_a_class_consultation_goes_to_the_class_teacher_only(school_app, school_client):
    response = school_client.post("/app/form", data=consultation())
    assert response.status_code == 303
    req = the_request(school_app)
    assert (req.consultation_form, req.consultation_mode, req.subject) == ("individual", "online", None)
    assert (req.assignee, req.status, req.routed_role) == ("ivanova", "assigned", "head")
    assert req.assigned_at is not None and req.assign_done_at is not None
    assert routed_to(school_app) == {IVANOVA, f"gromov@{DOMAIN}"}  # and the responsible person's copy
    handed = [e for e in req.history if e.action == "assigned"]
    assert [(e.actor, e.target_staff) for e in handed] == [("system", "ivanova")]
    assert handed[0].text == "Обращение передано: классный руководитель 5А."


def test_a_subject_consultation_goes_to_that_subjects_teacher_for_the_class(school_app, school_client):
    sent = school_client.post("/app/form", data=consultation(
        request_type="subject_consultation", subject="Математика", consultation_form="group",
        consultation_mode="offline"))  # fmt: skip
    assert sent.status_code == 303
    req = the_request(school_app)
    assert (req.assignee, req.subject, req.consultation_form, req.consultation_mode) == (
        "petrova", "Математика", "group", "offline")  # fmt: skip
    assert routed_to(school_app) & TEACHERS == {PETROVA}


def test_the_subject_is_matched_whatever_its_case(school_app, school_client):
    school_client.post("/app/form", data=consultation(request_type="subject_consultation", subject="физика"))
    req = the_request(school_app)
    assert (req.subject, req.assignee) == ("Физика", "sokolov")


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"class_name": "9В"}, "a class the profile does not list"),
        ({"request_type": "subject_consultation", "subject": "Математика", "class_name": "9В"},
         "a subject nobody teaches in that class"),
        ({"request_type": "subject_consultation", "subject": "Русский язык", "class_name": "6Б"},
         "a subject taught in other classes only"),
    ],
)
def test_without_the_authors_teacher_the_request_goes_to_the_role(school_app, school_client, overrides, why):
    assert school_client.post("/app/form", data=consultation(**overrides)).status_code == 303
    req = the_request(school_app)
    assert (req.assignee, req.status, req.routed_role) == (None, "new", "head"), why
    assert HEAD in routed_to(school_app) and not routed_to(school_app) & TEACHERS, why


def test_routing_by_the_schools_own_profile_003(tmp_path):
    """МБОУ «СОШ № 57» as its profile describes it (tests/profiles)."""
    profile = load_profile("tests/profiles/school_003_sosh57.yaml")
    by_subject = route(profile, "subject_consultation", class_name="7А", subject="Математика")
    assert by_subject.assignee.id == "math_teacher" and [s.id for s in by_subject.specialists] == ["math_teacher"]
    by_class = route(profile, "study_help", class_name="9Б")
    assert by_class.assignee.id == "russian_teacher"
    unknown = route(profile, "study_help", class_name="11А")
    assert unknown.assignee is None and {s.id for s in unknown.specialists} == {"zavuch"}
    assert route(profile, "psych_consultation").responsible is None  # nobody appointed by order


def test_a_student_of_sosh57_reaches_the_math_teacher_of_7a(make_app, smtp):
    """The same through the app of МБОУ «СОШ № 57» (tests/profiles/school_003_sosh57.yaml)."""
    # The act gives no support e-mail: the school's server names the sender.
    app = make_app(SCHOOL_PROFILE="tests/profiles/school_003_sosh57.yaml", MAIL_DEFAULT_SENDER="help@sosh57.example.ru")
    sent = app.test_client().post("/app/form", data=consultation(
        class_name="7а", request_type="subject_consultation", subject="Математика"))  # fmt: skip
    assert sent.status_code == 303
    req = the_request(app)
    assert (req.assignee, req.status, req.subject) == ("math_teacher", "assigned", "Математика")
    deliver_due(app)
    [letter] = smtp.to("lozhkin@sosh57.example.ru")
    assert "Консультация: индивидуальная, онлайн (видеосвязь)" in letter.get_body(("plain",)).get_content()
    teachers = ("vakhrusheva", "korepanov", "shutova")
    assert not any(smtp.to(f"{who}@sosh57.example.ru") for who in teachers)


# The teacher: the letter, the desk.


def test_the_teacher_gets_the_letter_with_form_mode_and_subject(school_app, school_client, smtp):
    school_client.post("/app/form", data=consultation(
        request_type="subject_consultation", subject="Математика", consultation_form="frontal",
        consultation_mode="offline"))  # fmt: skip
    deliver_due(school_app)
    [letter] = smtp.to(PETROVA)
    assert "Новое обращение: Консультация учителя по предмету" in letter["Subject"]
    text = letter.get_body(("plain",)).get_content()
    html = letter.get_body(("html",)).get_content()
    assert "Оно передано прямо вам (учитель предмета «Математика», класс 5А)" in text
    assert "Консультация: фронтальная (со всем классом), офлайн (почта или чат)" in text
    assert "Предмет: Математика" in text
    assert "Исполнителя назначат" not in text
    for words in ("передано прямо вам", "фронтальная (со всем классом), офлайн (почта или чат)", "Математика"):
        assert words in html
    assert smtp.to(IVANOVA) == [] and smtp.to(SOKOLOV) == []
    [acknowledgement] = smtp.to("anna.smirnova@example.ru")
    assert "Предмет: Математика" in acknowledgement.get_body(("plain",)).get_content()


def test_the_teacher_opens_and_answers_it_on_the_desk(school_app, school_client, smtp):
    school_client.post("/app/form", data=consultation(consultation_form="group"))
    req = the_request(school_app)
    teacher = school_app.test_client()
    login(teacher, "ivanova")
    queue = teacher.get("/app/desk/").get_data(as_text=True)
    assert req.number in queue
    page = teacher.get(f"/app/desk/r/{req.id}").get_data(as_text=True)
    assert "Групповая, онлайн (видеосвязь)" in page
    answered = teacher.post(f"/app/desk/r/{req.id}/answer",
                            data={"answer-text": "Давайте созвонимся в среду в 15:00."})  # fmt: skip
    assert answered.status_code == 302
    assert the_request(school_app).status == "answered"
    deliver_due(school_app)
    assert any("Ответ на ваше обращение" in m["Subject"] for m in smtp.to("anna.smirnova@example.ru"))


def test_another_teacher_does_not_see_it(school_app, school_client):
    school_client.post("/app/form", data=consultation())
    req = the_request(school_app)
    other = school_app.test_client()
    login(other, "petrova")
    assert other.get(f"/app/desk/r/{req.id}").status_code == 404
    assert req.number not in other.get("/app/desk/").get_data(as_text=True)


def test_the_register_export_lists_the_consultation(school_app, school_client):
    school_client.post("/app/form", data=consultation(
        request_type="subject_consultation", subject="Физика", class_name="6Б"))  # fmt: skip
    head = school_app.test_client()
    login(head, "orlova")
    response = head.get("/app/desk/reports/export?what=register&format=csv")  # this month
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["Форма консультации"], r["Режим консультации"], r["Предмет"]) for r in rows] == [
        ("индивидуальная", "онлайн (видеосвязь)", "Физика")]  # fmt: skip


# What is stored, and what is refused.


def test_another_type_stores_no_consultation_fields(school_app, school_client):
    sent = school_client.post("/app/form", data=consultation(
        request_type="technical", consultation_form="group", consultation_mode="online",
        subject="Математика"))  # fmt: skip
    assert sent.status_code == 303
    req = the_request(school_app)
    assert (req.consultation_form, req.consultation_mode, req.subject) == (None, None, None)
    assert (req.routed_role, req.assignee) == ("tech", None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consultation_form": None}, "consultation_form",
         "Выберите форму консультации: индивидуальная, групповая, фронтальная."),
        ({"consultation_form": "weekly"}, "consultation_form",
         "Выберите форму консультации: индивидуальная, групповая, фронтальная."),
        ({"consultation_mode": ""}, "consultation_mode", "Выберите, как провести консультацию: онлайн или офлайн."),
        ({"consultation_mode": "by_pigeon"}, "consultation_mode",
         "Выберите, как провести консультацию: онлайн или офлайн."),
        ({"request_type": "subject_consultation", "subject": ""}, "subject",
         "Выберите предмет — вопрос получит его учитель."),
        ({"request_type": "subject_consultation", "subject": "Химия"}, "subject", "Выберите предмет из списка."),
        ({"request_type": "subject_consultation", "subject": "<b>Физика</b>"}, "subject",
         "Уберите HTML-разметку (теги в угловых скобках, коды с «&»): нужен обычный текст."),
    ],
)
def test_bad_consultation_input_is_refused_next_to_the_field(school_app, school_client, overrides, field, message):
    response = school_client.post("/app/form", data=consultation(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert stored_counts(school_app) == (0, 0)


# The hotline form.


def test_the_hotline_records_a_consultation_to_the_class_teacher(school_app):
    desk = school_app.test_client()
    login(desk, "sidorova")
    page = desk.get("/app/desk/hotline").get_data(as_text=True)
    assert "Форма консультации" in page and '<select name="subject"' in page
    assert "consultation.js" in page
    call = hotline_data(class_name="6Б", request_type="subject_consultation", subject="Физика",
                        consultation_form="individual", consultation_mode="offline")  # fmt: skip
    assert desk.post("/app/desk/hotline", data=call).status_code == 302
    req = the_request(school_app)
    assert (req.assignee, req.subject, req.consultation_mode, req.recorded_by) == (
        "sokolov", "Физика", "offline", "sidorova")  # fmt: skip
    page = desk.get(f"/app/desk/r/{req.id}").get_data(as_text=True)
    assert "Индивидуальная, офлайн (почта или чат)" in page and "<dd>Физика</dd>" in page


def test_the_hotline_refuses_a_consultation_without_its_mode(school_app):
    desk = school_app.test_client()
    login(desk, "sidorova")
    call = hotline_data(request_type="class_consultation", class_name="5А", consultation_form="individual")
    response = desk.post("/app/desk/hotline", data=call)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "consultation_mode") == (
        "Выберите, как провести консультацию: онлайн или офлайн.")  # fmt: skip
    assert stored_counts(school_app) == (0, 0)


# The profile.


def test_a_profile_whose_class_teacher_cannot_answer_is_refused(tmp_path):
    data = consultation_school()
    for role in data["roles"]:
        if role["id"] in ("teacher", "class_teacher"):
            role["permissions"] = [p for p in role["permissions"] if p != "answer"]
    with pytest.raises(ProfileError) as refused:
        load_profile(write_profile(tmp_path, data))
    assert "classes[0].class_teacher: сотруднику «ivanova» передаются обращения вида «class_consultation»" in str(refused.value)
    assert "нет права answer" in str(refused.value)


def test_a_methodical_school_asks_about_the_subject_not_the_platform(make_app, smtp):
    """Seed 003 gives educational-methodical help only: the description's hint asks about the
    subject and the topic, not about platforms and devices."""
    app = make_app(SCHOOL_PROFILE="tests/profiles/school_003_sosh57.yaml")
    page = " ".join(app.test_client().get("/app/form").get_data(as_text=True).split())
    assert "Какой предмет и тема, что именно непонятно" in page
    assert "на какой платформе" not in page
