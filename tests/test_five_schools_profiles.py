"""The five schools of ../shared/seeds/, each described by its own act (issue 14), at the domain level.

For each profile in tests/profiles/school_00N_*.yaml: it loads; a request of each type goes to the
role (or the teacher) its act names; the deadlines are the act's — or there are none where the act
sets none; and the facts the act does not have (a head, an appointed person, a hotline, a support
e-mail, hours, platforms…) are absent. Every expected value below is written from the act (or, for
values the act does not give, from the «not in the act» comment of the profile), never read back
from the profile. No browser, no database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from webapp.deadlines import due_for
from webapp.requests.routing import route
from webapp.school import load_profile
from webapp.vocabulary import Clock, ClockMode

PROFILES = Path(__file__).resolve().parent / "profiles"

FILES = {
    "000": "school_000_nizhnie_sergi.yaml",
    "001": "school_001_kustovskaya.yaml",
    "002": "school_002_support_service.yaml",
    "003": "school_003_sosh57.yaml",
    "004": "school_004_kaliningrad11.yaml",
}

# Request type → (the role it is routed to, a word of that role's title from the act).
# For a type routed by class or subject teacher, the role is the fallback (see the 003 tests).
ROUTES = {
    "000": {
        # p. 2.1–2.2: technical help is given by the support group.
        "technical": ("support_group", "Группа технической поддержки"),
    },
    "001": {
        # p. 3.4: the worker appointed responsible for technical support.
        "technical": ("responsible", "Ответственный за техническую поддержку"),
    },
    "002": {
        # p. 3.1.3 (clean reading).
        "technical": ("tech", "Технический специалист"),
        "journal": ("journal_admin", "электронного журнала"),
        "lesson_quality": ("head", "Руководитель службы"),
        "psychologist": ("psychologist", "Педагог-психолог"),
        "other": ("head", "Руководитель службы"),
    },
    "003": {
        # p. 9: help by the teacher, the psycho-pedagogical service, the administration.
        "subject_consultation": ("administration", "Администрация"),
        "study_help": ("administration", "Администрация"),
        "psych_consultation": ("psych_service", "психолого-педагогического"),
        "administration_question": ("administration", "Администрация"),
    },
    "004": {
        # p. 5.1: the system administrator solves users' problems; the IT coordinator answers
        # for the choice of services; teachers answer questions on the material (p. 3.1).
        "technical": ("system_admin", "Системный администратор"),
        "services": ("it_coordinator", "Координатор по ИТ"),
        "lesson_question": ("teacher", "Преподаватель"),
    },
}

# The role that controls execution, and whether the act has a head of the service.
CONTROL = {
    "000": ("support_group", False),  # the act names no controller (see the profile's comment)
    "001": ("responsible", False),
    "002": ("head", True),  # p. 3.3.1: the head of the service controls
    "003": ("administration", False),
    "004": ("it_coordinator", False),  # order № 149/5-д p. 2: control on the IT coordinator
}

TIMEZONES = {
    "000": "Asia/Yekaterinburg",
    "001": "Europe/Moscow",
    "002": "Asia/Yekaterinburg",
    "003": "Europe/Samara",
    "004": "Europe/Kaliningrad",
}

# Which deadline clocks each act sets: (length, mode), or None where the act sets none.
CLOCKS = {
    "000": {Clock.ASSIGN: None, Clock.TAKE: None,
            Clock.PROCESS: (dt.timedelta(hours=24), ClockMode.WORKING_DAYS)},
    "001": {Clock.ASSIGN: None, Clock.TAKE: None, Clock.PROCESS: None},
    "002": {Clock.ASSIGN: (dt.timedelta(minutes=30), ClockMode.CALENDAR),
            Clock.TAKE: (dt.timedelta(minutes=30), ClockMode.CALENDAR),
            Clock.PROCESS: (dt.timedelta(hours=24), ClockMode.CALENDAR)},
    "003": {Clock.ASSIGN: None, Clock.TAKE: None, Clock.PROCESS: None},
    "004": {Clock.ASSIGN: None, Clock.TAKE: None, Clock.PROCESS: None},
}  # fmt: skip


def profile_of(school: str):
    return load_profile(PROFILES / FILES[school])


def local(school: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(TIMEZONES[school]))


SCHOOLS = sorted(FILES)


@pytest.mark.parametrize("school", SCHOOLS)
def test_the_profile_loads(school):
    profile = profile_of(school)
    assert profile.school.timezone == TIMEZONES[school]


@pytest.mark.parametrize("school", SCHOOLS)
def test_the_request_types_are_the_acts(school):
    assert {t.id for t in profile_of(school).request_types} == set(ROUTES[school])


@pytest.mark.parametrize(
    ("school", "type_id"), [(s, t) for s in SCHOOLS for t in ROUTES[s]]
)
def test_a_request_of_each_type_goes_where_the_act_says(school, type_id):
    profile = profile_of(school)
    role, title_word = ROUTES[school][type_id]
    found = route(profile, type_id)
    assert found.role == role
    assert title_word.casefold() in profile.role(role).title.casefold()
    assert found.specialists, f"nobody has the role {role}"
    assert all(role in member.roles for member in found.specialists)


@pytest.mark.parametrize("school", SCHOOLS)
def test_the_controlling_role_is_the_acts(school):
    profile = profile_of(school)
    role, has_head = CONTROL[school]
    assert profile.control_role_id == role
    assert profile.has_head is has_head
    assert role in profile.controller.roles


@pytest.mark.parametrize(("school", "clock"), [(s, c) for s in SCHOOLS for c in Clock])
def test_each_clock_is_the_acts_or_absent(school, clock):
    profile = profile_of(school)
    expected = CLOCKS[school][clock]
    start = local(school, 2026, 12, 2, 10, 0)  # a Wednesday
    if expected is None:
        assert profile.deadline_length(clock) is None
        assert due_for(profile, clock, start) is None
    else:
        length, mode = expected
        assert profile.deadline_length(clock) == length
        assert profile.clock_mode(clock) == mode


@pytest.mark.parametrize("school", ["001", "003", "004"])
def test_an_act_without_deadlines_has_no_deadlines_section(school):
    assert profile_of(school).support.deadlines is None


# --- 000: МКОУ СОШ №1 г. Нижние Серги ------------------------------------------------------------


def test_000_answer_within_24_hours_counting_working_days_only():
    """p. 2.6: the answer within 24 hours; the support works Monday–Friday."""
    profile = profile_of("000")
    friday = local("000", 2026, 12, 4, 16, 0)
    assert due_for(profile, Clock.PROCESS, friday) == local("000", 2026, 12, 7, 16, 0)
    wednesday = local("000", 2026, 12, 2, 10, 0)
    assert due_for(profile, Clock.PROCESS, wednesday) == local("000", 2026, 12, 3, 10, 0)
    saturday = local("000", 2026, 12, 5, 12, 0)  # a request of the weekend: counted from Monday
    assert due_for(profile, Clock.PROCESS, saturday) == local("000", 2026, 12, 8, 0, 0)


def test_000_contacts_hours_and_approval():
    profile = profile_of("000")
    support = profile.support
    assert support.name == "Группа технической поддержки"
    assert support.email == "163101@mail.ru"
    assert [p.number for p in support.phones] == ["8 (34398) 2-19-36"]
    assert support.main_phone.label == "секретарь"
    assert support.hotline_phone is None
    assert support.hours.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (support.hours.start, support.hours.end) == ("08:00", "17:00")
    approved = profile.procedure.approved_by
    assert approved.name == "Мартьянова Е.Б."
    assert (approved.order.number, approved.order.date) == ("68-од", dt.date(2026, 3, 12))
    assert profile.responsible is None and profile.responsible_person is None
    assert route(profile, "technical").responsible is None
    positions = {m.position for m in profile.staff_with_role("support_group")}
    assert positions == {"Учитель информатики", "Учитель дополнительного образования", "Техник-программист"}


def test_000_ways_to_apply_are_the_acts():
    """p. 2.3 and 2.5: the support chat, e-mail, the secretary in person and by phone, the class
    teacher's chat; no web form on a site."""
    profile = profile_of("000")
    titles = " | ".join(c.title for c in profile.channels).casefold()
    for words in ("чат технической поддержки", "электронная почта", "лично у секретаря",
                  "телефону секретаря", "чат классного руководителя"):  # fmt: skip
        assert words in titles
    assert not any(c.web_form for c in profile.channels)
    assert not profile.platforms and profile.consultations is None and profile.links is None


# --- 001: МБОУ «Кустовская СОШ» ----------------------------------------------------------------


def test_001_no_clock_runs_for_a_request():
    profile = profile_of("001")
    received = local("001", 2026, 12, 4, 16, 0)
    assert all(due_for(profile, clock, received) is None for clock in Clock)
    assert profile.support.hours is None and profile.support.email is None


def test_001_the_responsible_worker_is_appointed_by_an_order_the_act_gives_no_details_of():
    profile = profile_of("001")
    order = profile.responsible.order
    assert (order.number, order.date, order.describe()) == (None, None, "приказ")
    assert profile.responsible_person.roles == ["responsible"]
    # The responsible worker gets the request as its specialist, not as a copy.
    assert route(profile, "technical").responsible is None
    approved = profile.procedure.approved_by
    assert approved.name == "Белашова А.А." and approved.order is None
    assert approved.date == dt.date(2024, 8, 30)  # «УТВЕРЖДАЮ … 30.08.2024», by signature


def test_001_two_school_phones_and_no_hotline():
    phones = profile_of("001").support.phones
    assert [p.number[-7:] for p in phones] == ["4-24-41", "4-24-80"]
    assert not any(p.hotline for p in phones)


def test_001_platforms_and_their_vendor_hotlines():
    """p. 3.1–3.2: the vendors' own e-mails, phones and the in-app «Помощь»; no «checked» date."""
    platforms = {p.id: p for p in profile_of("001").platforms}
    assert set(platforms) == {"myschool", "virtual_school", "sferum"}
    assert "Моя школа" in platforms["myschool"].name
    assert platforms["myschool"].email == "myschool@gosuslugi.ru"
    assert platforms["myschool"].phone == "8 (800) 100-70-10"
    assert "Виртуальная школа" in platforms["virtual_school"].name
    assert platforms["virtual_school"].email == "info@vsopen.ru"
    assert platforms["virtual_school"].phone == "8 (4722) 77-72-82"
    assert "Сферум" in platforms["sferum"].name and "VK Мессенджер" in platforms["sferum"].name
    assert platforms["sferum"].email == "info@sferum.ru"
    assert "«Помощь»" in platforms["sferum"].in_app_help
    assert platforms["sferum"].phone is None
    assert all(p.checked is None for p in platforms.values())


def test_001_the_platform_failure_rule_speaks_of_the_school_premises():
    rule = profile_of("001").procedure.platform_failure.casefold()
    assert "в здании школы" in rule and "учител" in rule and "администрац" in rule


# --- 002: the support service (clean reading) --------------------------------------------------


def test_002_clocks_run_round_the_clock_from_arrival():
    profile = profile_of("002")
    friday = local("002", 2026, 12, 4, 16, 0)
    assert due_for(profile, Clock.PROCESS, friday) == local("002", 2026, 12, 5, 16, 0)
    assert due_for(profile, Clock.ASSIGN, friday) == local("002", 2026, 12, 4, 16, 30)
    night = local("002", 2026, 12, 5, 23, 50)
    assert due_for(profile, Clock.ASSIGN, night) == local("002", 2026, 12, 6, 0, 20)
    handed_over = local("002", 2026, 12, 6, 0, 10)
    assert due_for(profile, Clock.TAKE, handed_over) == local("002", 2026, 12, 6, 0, 40)


def test_002_the_site_admin_and_the_hotline_hand_requests_over():
    profile = profile_of("002")
    assert "assign" in profile.role("site_admin").permissions
    assert {"assign", "register_calls"} <= set(profile.role("hotline").permissions)
    assert profile.support.hotline_phone is not None
    assert profile.support.hotline_phone.label == "горячая линия"
    assert profile.controller.position == "Заместитель директора"
    assert profile.responsible is None
    assert all(route(profile, t).responsible is None for t in ROUTES["002"])
    assert [c.web_form for c in profile.channels].count(True) == 1
    assert profile.support.email is None and profile.support.hours is None


# --- 003: МБОУ «СОШ № 57» ----------------------------------------------------------------------

LINKS_TITLE = (
    "Реализация образовательных программ с использованием ДОТ, ЭО "
    "(полезные ссылки, локальные акты школы)"
)


def test_003_methodical_help_and_its_links_page():
    profile = profile_of("003")
    assert profile.procedure.help == ["methodical"]
    assert profile.links.title == LINKS_TITLE
    assert profile.procedure.approved_by.name == "Мананков С.А."
    assert not profile.platforms and not profile.support.phones
    assert profile.support.hotline_phone is None and profile.support.email is None
    assert profile.responsible is None


def test_003_consultations_individual_group_frontal_online_offline():
    profile = profile_of("003")
    forms = [f.casefold() for f in profile.consultations.forms]
    for kind in ("индивидуальная", "групповая", "фронтальная"):
        for mode in ("онлайн", "офлайн"):
            assert any(kind in f and mode in f for f in forms), (kind, mode)
    given_by = " | ".join(profile.consultations.given_by).casefold()
    for who in ("учитель", "психолого-педагогическ", "администрация"):
        assert who in given_by
    assert profile.consultations.request_type == "subject_consultation"
    assert profile.request_type("subject_consultation").consultation is True


# The class and subject maps are not in the act (fictional, marked in the profile): the names
# below are the profile's invented teachers, written here by hand.
@pytest.mark.parametrize(
    ("class_name", "teacher"),
    [("7А", "Ложкин Андрей Павлович"), ("9 б", "Вахрушева Елена Юрьевна")],
)
def test_003_a_help_request_goes_to_the_authors_class_teacher(class_name, teacher):
    profile = profile_of("003")
    assert profile.request_type("study_help").route_by == "class_teacher"
    found = route(profile, "study_help", class_name=class_name)
    assert found.assignee is not None and found.assignee.name == teacher
    assert [m.name for m in found.specialists] == [teacher]


@pytest.mark.parametrize("class_name", ["11В", None])
def test_003_a_class_without_a_class_teacher_falls_back_to_the_administration(class_name):
    profile = profile_of("003")
    found = route(profile, "study_help", class_name=class_name)
    assert found.assignee is None and found.role == "administration"
    assert [m.position for m in found.specialists] == ["Заместитель директора по учебной работе"]


@pytest.mark.parametrize(
    ("subject", "class_name", "teacher"),
    [
        ("Математика", "9Б", "Ложкин Андрей Павлович"),
        ("Русский язык", "7А", "Вахрушева Елена Юрьевна"),
        ("Физика", "7А", "Корепанов Сергей Ильич"),
        ("Физика", None, "Корепанов Сергей Ильич"),
    ],
)
def test_003_a_consultation_goes_to_the_subject_teacher_not_to_every_teacher(subject, class_name, teacher):
    profile = profile_of("003")
    assert profile.request_type("subject_consultation").route_by == "subject_teacher"
    found = route(profile, "subject_consultation", class_name=class_name, subject=subject)
    assert found.assignee is not None and found.assignee.name == teacher
    assert [m.name for m in found.specialists] == [teacher]


@pytest.mark.parametrize(
    ("subject", "class_name"),
    [("Физика", "11В"), ("Химия", "7А"), (None, "7А")],  # physics only in 7А and 9Б here
)
def test_003_a_subject_without_its_teacher_falls_back_to_the_administration(subject, class_name):
    profile = profile_of("003")
    found = route(profile, "subject_consultation", class_name=class_name, subject=subject)
    assert found.assignee is None and found.role == "administration"
    assert all("administration" in m.roles for m in found.specialists)


def test_003_psychological_consultations_go_to_the_service_not_to_a_teacher():
    profile = profile_of("003")
    found = route(profile, "psych_consultation", class_name="7А", subject="Математика")
    assert found.assignee is None
    assert [m.position for m in found.specialists] == ["Педагог-психолог"]


# --- 004: МАОУ СОШ № 11 г. Калининграда --------------------------------------------------------


def test_004_the_order_approves_the_procedure_and_names_the_responsible():
    profile = profile_of("004")
    approved = profile.procedure.approved_by
    assert approved.name == "Мальцева Е.М."
    assert (approved.order.number, approved.order.date) == ("149/5-д", dt.date(2024, 9, 2))
    assert profile.controller.name == "Иваненко Т.В."
    assert profile.controller.position == "Заместитель директора по ИКТ"
    assert profile.responsible_person.name == "Иваненко Т.В."
    assert {m.name for m in profile.staff_with_role("system_admin")} == {"Литвинов А.В."}
    # The technical request reaches the system administrator and a copy the IT coordinator.
    assert route(profile, "technical").responsible.name == "Иваненко Т.В."


def test_004_services_are_the_acts_without_invented_contacts():
    platforms = profile_of("004").platforms
    names = " | ".join(p.name for p in platforms)
    for service in ("Сферум", "VK Мессенджер", "Моя школа", "Электронный журнал"):
        assert service in names
    assert not any(p.has_contacts or p.checked for p in platforms)
    assert {r.id for r in profile_of("004").roles} == {"it_coordinator", "system_admin", "teacher", "class_teacher"}
