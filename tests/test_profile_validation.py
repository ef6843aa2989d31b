"""A wrong school profile is refused with a Russian message naming the file, the key and the fault."""

from __future__ import annotations

import copy

import pytest
import yaml

from tests.support.site import PROFILES, run_mkdocs_build
from webapp.school import DEMO_PROFILE, ProfileError, load_profile

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
    assert demo.support.phone != other.support.phone


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

# (what is wrong, the change to the demo profile, what the message must say)
MISTAKES = [
    ("missing key", set_key("support.email", DROP),
     "support.email: обязательный ключ не заполнен"),
    ("missing section", set_key("privacy", DROP),
     "privacy: обязательный ключ не заполнен"),
    ("number given as words", set_key("support.deadlines.assign_minutes", "полчаса"),
     "support.deadlines.assign_minutes: нужно целое число (указано: 'полчаса')"),
    ("text instead of a list", set_key("roles", "директор"),
     "roles: нужен список"),
    ("date that is not a date", set_key("responsible.order.date", "первое сентября"),
     "responsible.order.date: нужна дата в виде ГГГГ-ММ-ДД"),
    ("misspelt key", set_key("support.phon", "8 (34377) 7-12-34"),
     "support.phon: неизвестный ключ"),
    ("request type routed to unknown role", set_key("request_types.1.route_to", "librarian"),
     "request_types[1].route_to: роль «librarian» не описана в roles"),
    ("staff member with unknown role", set_key("staff.2.roles", ["hotline", "janitor"]),
     "staff[2].roles: роль «janitor» не описана в roles"),
    ("bad e-mail", set_key("staff.0.email", "orlova.school7.ru"),
     "staff[0].email: «orlova.school7.ru» — не адрес электронной почты"),
    ("bad phone", set_key("support.phone", "звоните секретарю"),
     "support.phone: «звоните секретарю» — не номер телефона"),
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
