"""A wrong school profile is refused with a Russian message naming the file, the key and the fault."""

from __future__ import annotations

import copy

import pytest
import yaml

from pathlib import Path

from tests.support.site import PROFILES, run_mkdocs_build
from tests.support.submissions import without_hotline_words
from webapp.school import DEMO_PROFILE, ProfileError, load_profile
from webapp.vocabulary import ClockMode

SCHEMA1_PROFILE = Path(__file__).parent / "support" / "schema1_profile.yaml"

DEMO = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))


def write_profile(tmp_path, change) -> str:
    data = copy.deepcopy(DEMO)
    change(data)
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def refusal(path) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"Ошибка в профиле школы {path}:")
    return message


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_committed_profiles_are_valid(name):
    profile = load_profile(PROFILES[name])
    assert profile.school.short_name


def test_the_two_profiles_describe_different_schools():
    demo, other = (load_profile(PROFILES[n]) for n in ("demo", "other_school"))
    assert demo.school.timezone != other.school.timezone
    assert {r.id for r in demo.roles}.isdisjoint({r.id for r in other.roles})
    assert {s.email for s in demo.staff}.isdisjoint({s.email for s in other.staff})
    assert {p.name for p in demo.platforms}.isdisjoint({p.name for p in other.platforms})
    assert {t.title for t in demo.request_types}.isdisjoint({t.title for t in other.request_types})
    assert demo.support.main_phone.number != other.support.main_phone.number


def test_a_profile_written_for_the_first_schema_still_loads_with_the_same_meaning():
    """Schema 1 had one `support.phone` (always called a hotline), a required head and
    appointment order, and one clock mode: it loads as that, unchanged."""
    old = load_profile(SCHEMA1_PROFILE)
    assert old.support.phones == old.support.phones[:1]
    phone = old.support.main_phone
    assert (phone.number, phone.label, phone.hotline) == ("8 (34377) 7-12-34", "горячая линия", True)
    assert old.support.hotline_phone == phone
    assert old.has_head and old.controller.id == "orlova"
    assert old.responsible_person.id == "gromov"
    assert old.responsible.order.describe() == "приказ от 01.09.2026 № 112-од"
    assert [old.clock_mode(c) for c in ("assign", "take", "process")] == [ClockMode.WORKING_HOURS] * 3
    assert [old.deadline_length(c).total_seconds() for c in ("assign", "take", "process")] == [
        1800, 1800, 24 * 3600]


def test_sections_an_act_may_not_have_can_be_left_out(tmp_path):
    """Seeds 000, 001 and 003 have no head, no appointment order, no deadlines, no hotline,
    no support e-mail or hours, no consultations or links: such a profile loads."""

    def strip(data):
        for key in ("head_role", "responsible", "consultations", "links", "legal_basis", "platforms"):
            del data[key]
        data["control_role"] = "hotline"
        for key in ("email", "phones", "hours", "deadlines"):
            del data["support"][key]
        without_hotline_words(data)

    profile = load_profile(write_profile(tmp_path, strip))
    assert not profile.has_head and profile.controller.id == "sidorova"
    assert profile.responsible_person is None
    assert profile.support.main_phone is None and profile.support.hotline_phone is None
    assert profile.deadline_length("process") is None
    assert profile.procedure.title_text == "Порядок технической помощи при дистанционном обучении"


def test_a_school_without_a_hotline_may_not_promise_one_in_its_own_words(tmp_path):
    """The product names a hotline only for a phone marked `hotline: true`; a text of the
    profile that still speaks of one is refused, naming where it is."""

    def unmarked(data):
        data["support"]["phones"][0]["hotline"] = False
        data["support"]["phones"][0]["label"] = "приёмная"

    assert "roles[2].title: упоминается горячая линия" in refusal(write_profile(tmp_path, unmarked))
    load_profile(write_profile(tmp_path, both(unmarked, without_hotline_words)))


def test_a_request_type_routed_to_a_role_that_cannot_answer_is_refused(tmp_path):
    def to_site_admin(data):
        data["request_types"][4]["route_to"] = "site_admin"

    assert "request_types[4].route_to: у роли «site_admin» нет права answer" in refusal(
        write_profile(tmp_path, to_site_admin))


def test_each_clock_may_run_in_its_own_mode(tmp_path):
    """Seed 002: 30 minutes of service time, but 24 hours from arrival."""

    def per_clock(data):
        data["support"]["deadlines"]["clocks"] = {"process": "calendar", "assign": "working_days"}
        del data["support"]["deadlines"]["take_into_work_minutes"]

    profile = load_profile(write_profile(tmp_path, per_clock))
    assert profile.clock_mode("assign") == ClockMode.WORKING_DAYS
    assert profile.clock_mode("take") == ClockMode.WORKING_HOURS
    assert profile.clock_mode("process") == ClockMode.CALENDAR
    assert profile.deadline_length("take") is None


def set_key(path: str, value):
    """A change to the demo profile: put `value` at a dotted key path (list items by number)."""

    def change(data):
        *parents, last = path.split(".")
        for part in parents:
            data = data[int(part)] if part.isdigit() else data[part]
        if value is DROP:
            del data[last]
        else:
            data[int(last) if last.isdigit() else last] = value

    return change


DROP = object()


def both(*changes):
    def change(data):
        for one in changes:
            one(data)

    return change

# (what is wrong, the change to the demo profile, what the message must say)
MISTAKES = [
    ("missing key", set_key("support.name", DROP),
     "support.name: обязательный ключ не заполнен"),
    ("missing section", set_key("privacy", DROP),
     "privacy: обязательный ключ не заполнен"),
    ("number given as words", set_key("support.deadlines.assign_minutes", "полчаса"),
     "support.deadlines.assign_minutes: нужно целое число (указано: 'полчаса')"),
    ("text instead of a list", set_key("roles", "директор"),
     "roles: нужен список"),
    ("date that is not a date", set_key("responsible.order.date", "первое сентября"),
     "responsible.order.date: нужна дата в виде ГГГГ-ММ-ДД"),
    ("misspelt key", set_key("support.phones.0.numbr", "8 (34377) 7-12-34"),
     "support.phones[0].numbr: неизвестный ключ"),
    ("request type routed to unknown role", set_key("request_types.1.route_to", "librarian"),
     "request_types[1].route_to: роль «librarian» не описана в roles"),
    ("staff member with unknown role", set_key("staff.2.roles", ["hotline", "janitor"]),
     "staff[2].roles: роль «janitor» не описана в roles"),
    ("bad e-mail", set_key("staff.0.email", "orlova.school7.ru"),
     "staff[0].email: «orlova.school7.ru» — не адрес электронной почты"),
    ("bad phone", set_key("support.phones.0.number", "звоните секретарю"),
     "support.phones[0].number: «звоните секретарю» — не номер телефона"),
    ("bad phone in the first schema's key",
     both(set_key("support.phones", DROP), set_key("support.phone", "звоните секретарю")),
     "support: phone: «звоните секретарю» — не номер телефона"),
    ("old and new phone keys together", set_key("support.phone", "8 (34377) 7-12-34"),
     "support: ключи phone и phones вместе"),
    ("neither head nor control role", set_key("head_role", DROP),
     "укажите control_role"),
    ("control role not described", set_key("control_role", "director"),
     "control_role: роль «director» не описана в roles"),
    ("working hours clock without hours", set_key("support.hours", DROP),
     "support: deadlines: сроки считаются в рабочие часы (working_hours), но часы работы"),
    ("deadlines section without a deadline", set_key("support.deadlines", {"clock": "calendar"}),
     "support.deadlines: в разделе deadlines нет ни одного срока"),
    ("unknown clock mode of one clock", set_key("support.deadlines.clocks", {"process": "сутки"}),
     "support.deadlines.clocks.process: допустимые значения: 'calendar', 'working_hours' или"),
    ("class-teacher routing without classes", set_key("request_types.2.route_by", "class_teacher"),
     "request_types[2].route_by: class_teacher — нужен раздел classes"),
    ("class teacher not on the staff", set_key("classes", [{"name": "5А", "class_teacher": "ivanova"}]),
     "classes[0].class_teacher: сотрудник «ivanova» не найден"),
    ("appointment order with a misspelt key", set_key("responsible.order", {"nomer": "5"}),
     "responsible.order.nomer: неизвестный ключ"),
    ("too short phone", set_key("platforms.0.phone", "12-34"),
     "platforms[0].phone: «12-34» — не номер телефона"),
    ("hour that does not exist", set_key("support.hours.start", "25:00"),
     "support.hours.start: «25:00» — время нужно записать как ЧЧ:ММ"),
    ("day that ends before it starts", set_key("support.hours.end", "07:00"),
     "support.hours: начало рабочего дня (08:00) должно быть раньше конца (07:00)"),
    ("unknown weekday", set_key("support.hours.days", ["mon", "пт"]),
     "support.hours.days[1]: допустимые значения:"),
    ("unknown time zone", set_key("school.timezone", "Europe/Zarechny"),
     "school.timezone: «Europe/Zarechny» — неизвестный часовой пояс"),
]


@pytest.mark.parametrize("change, expected", [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_profile_mistake_is_named_with_its_key(tmp_path, change, expected):
    assert expected in refusal(write_profile(tmp_path, change))


def test_unparsable_yaml_gives_line_and_column(tmp_path):
    path = tmp_path / "school.yaml"
    path.write_text("school:\n  full_name: [Школа\nsupport: {}\n", encoding="utf-8")
    message = refusal(path)
    assert "файл не разбирается как YAML (строка 3, столбец" in message


def test_missing_file_is_reported(tmp_path):
    assert "файл не найден" in refusal(tmp_path / "nowhere.yaml")


def test_site_build_stops_on_broken_profile_with_the_message(tmp_path):
    def change(d):
        d["request_types"][0]["route_to"] = "nobody"
        d["staff"][1]["email"] = "belov-at-school"

    path = write_profile(tmp_path, change)
    result = run_mkdocs_build(tmp_path / "out", path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Ошибка в профиле школы {path}:" in output
    assert "staff[1].email: «belov-at-school» — не адрес электронной почты" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "index.html").exists()


def test_site_build_stops_on_unparsable_profile(tmp_path):
    path = tmp_path / "school.yaml"
    path.write_text("school: [\n", encoding="utf-8")
    result = run_mkdocs_build(tmp_path / "out", path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Ошибка в профиле школы {path}:" in output
    assert "файл не разбирается как YAML" in output
    assert "Traceback" not in output


def test_site_build_stops_when_a_linked_act_file_is_missing(tmp_path):
    def change(d):
        d["links"]["items"][0]["file"] = "acts/net-takogo-fajla.pdf"

    path = write_profile(tmp_path, change)
    result = run_mkdocs_build(tmp_path / "out", path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "links.items[0].file: файл «acts/net-takogo-fajla.pdf» не найден" in output
    assert "Traceback" not in output


def test_mistakes_in_values_are_listed_together_as_the_readme_shows(tmp_path):
    def two(data):
        data["support"]["hours"]["start"] = "25:00"
        data["staff"][0]["email"] = "orlova.school7.ru"

    message = refusal(write_profile(tmp_path, two))
    assert message.splitlines()[1:] == [
        "  - support.hours.start: «25:00» — время нужно записать как ЧЧ:ММ, например 08:00",
        "  - staff[0].email: «orlova.school7.ru» — не адрес электронной почты",
    ]
