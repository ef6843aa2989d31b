"""The app's pages of each school read right for that school (the newcomer's trial of issue 14):
no «служба» where the school has another kind of body, a «Как связаться» that always says
something, no deadline blocks where the act sets no deadlines, plain Russian in the lines built
from the profile, and a request handed to the author's teacher shown as handed to that teacher.

Each test runs for every profile in tests/profiles/ where it matters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.request_life import cast_of, get_page, post_action, web_form
from tests.support.school_facts import normalize, profile_facts, visible_text
from tests.support.staff import login
from tests.test_other_school_app import app_for
from webapp.school import SchoolProfile, load_profile

PROFILES = sorted((Path(__file__).resolve().parent / "profiles").glob("*.yaml"))
SCHOOLS = [p for p in PROFILES if p.stem.startswith("school_")]


def by_stem(stem: str) -> Path:
    return next(p for p in PROFILES if p.stem == stem)


def words(page: str) -> str:
    return normalize(visible_text(page))


def without_profile_words(profile: SchoolProfile, page: str) -> str:
    """The page's own words: the school's facts (its service's name, role titles…) taken out."""
    text = words(page)
    for fact in sorted({normalize(f) for f in profile_facts(profile)}, key=len, reverse=True):
        if len(fact) >= 8:
            text = text.replace(fact, " ")
    return text


def send_web_request(app, profile: SchoolProfile, **changes) -> tuple[object, str, str, str]:
    """An author sends the form: (their client, confirmation page, status page path, number)."""
    author = app.test_client()
    sent = author.post("/app/form", data={**web_form(cast_of(profile), profile), **changes})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    done = get_page(author, sent.location)
    status = re.search(r"/app/status/[\w-]+", done).group(0)
    number = re.search(r"Номер обращения: <strong>([\d-]+)</strong>", done).group(1)
    return author, done, status, number


def desk_page_of(client, number: str) -> str:
    listed = get_page(client, "/app/desk/?status=all")
    return re.search(rf'href="(/app/desk/r/\d+)">{number}<', listed).group(1)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_app_pages_call_the_body_a_service_only_in_the_schools_own_words(make_app, tmp_path, path):
    """Finding 4: reports, staff, control, desk and public pages say «служба» only inside the
    profile's own names (002's «Служба сопровождения…», 003's role «Служба психолого-…»)."""
    app, profile = app_for(make_app, tmp_path, path)
    author, done, status, number = send_web_request(app, profile)
    head = app.test_client()
    login(head, profile.controller.id)
    pages = {
        "form": get_page(author, "/app/form"), "confirmation": done, "status": get_page(author, status),
        "sign-in": get_page(app.test_client(), "/app/staff/login"),
        "queue": get_page(head, "/app/desk/"), "request": get_page(head, desk_page_of(head, number)),
        "hotline": get_page(head, "/app/desk/hotline"), "control": get_page(head, "/app/desk/control"),
        "reports": get_page(head, "/app/desk/reports"), "staff": get_page(head, "/app/desk/staff/"),
        "problems": get_page(head, "/app/desk/problems"), "password": get_page(head, "/app/staff/password"),
    }  # fmt: skip
    assert "Отчёт об обращениях" in pages["reports"]
    assert "Сотрудники из профиля школы и их учётные записи" in pages["staff"]
    found = {name: re.findall(r"\w*служб\w*", without_profile_words(profile, page))
             for name, page in pages.items()}  # fmt: skip
    assert {name: hits for name, hits in found.items() if hits} == {}


def contact_section(status_page: str) -> str:
    return words(status_page.split("Как связаться</h2>", 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_status_page_always_says_how_to_reach_the_school(make_app, tmp_path, path):
    """Finding 5: without a phone or an e-mail in the profile (003, 004) «Как связаться» says
    where the answer comes and gives the school's address and site, never the name alone."""
    app, profile = app_for(make_app, tmp_path, path)
    author, _done, status, number = send_web_request(app, profile)
    section = contact_section(get_page(author, status))
    support = profile.support
    if support.phones or support.email:
        assert all(normalize(p.number) in section for p in support.phones)
        assert not support.email or support.email in section
        assert f"назовите номер обращения — {number}" in section
    else:
        assert normalize("Ответ придёт на почту или по телефону, которые вы указали в обращении") in section
        assert normalize(profile.school.address) in section
        assert normalize(str(profile.school.site_url)) in section
        assert normalize(f"укажите в нём номер {number}") in section
        for channel in profile.recorded_channels:
            assert normalize(channel.title) in section


def test_the_status_page_without_school_contacts_names_the_authors_own_way(make_app, tmp_path):
    app, profile = app_for(make_app, tmp_path, by_stem("school_004_kaliningrad11"))
    author, _done, status, _number = send_web_request(app, profile, contact_email="")
    section = contact_section(get_page(author, status))
    assert normalize("Ответ сообщат по телефону, который вы указали в обращении") in section
    assert "почту" not in section.split("чтобы")[0]


def deadline_blocks(app, profile: SchoolProfile) -> dict[str, str]:
    head = app.test_client()
    login(head, profile.controller.id)
    return {name: get_page(head, path) for name, path in (
        ("hotline", "/app/desk/hotline"), ("control", "/app/desk/control"), ("queue", "/app/desk/"),
    )}  # fmt: skip


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_deadline_words_and_blocks_only_where_the_act_sets_deadlines(make_app, tmp_path, path):
    """Finding 8: the hotline form's «со всеми сроками», the control view's overdue, due-soon
    and missed figures and the list's filters only with deadlines; the extension block and filter
    only where a processing deadline can be extended by someone who may approve it."""
    app, profile = app_for(make_app, tmp_path, path)
    pages = deadline_blocks(app, profile)
    timed = profile.support.deadlines is not None
    extensible = profile.support.deadlines is not None and profile.support.deadlines.process_hours is not None \
        and any("approve_extensions" in r.permissions for r in profile.roles)
    assert ("со всеми сроками" in pages["hotline"]) == timed
    for label in ("Просрочены сейчас", "Срок истекает в течение получаса", "Открытые, у которых срок пропускался"):
        assert (label in pages["control"]) == timed, label
    assert ("Ждут решения о продлении срока" in pages["control"]) == extensible
    assert ("Сроки положением не установлены" in pages["control"]) == (not timed)
    assert ("Просрочены сейчас" in pages["queue"]) == timed
    assert ("Срок пропускался когда-либо" in pages["queue"]) == timed
    assert ("Ждут решения о сроке" in pages["queue"]) == extensible
    assert "Ждут закрытия (дан ответ)" in pages["control"] and "Низкая оценка автора" in pages["queue"]


def test_the_five_schools_differ_in_deadlines_as_their_acts_do():
    """The test above proves something only if both kinds of school are among the profiles."""
    timed = {p.stem: load_profile(p).support.deadlines is not None for p in SCHOOLS}
    assert timed == {"school_000_nizhnie_sergi": True, "school_001_kustovskaya": False,
                     "school_002_support_service": True, "school_003_sosh57": False,
                     "school_004_kaliningrad11": False}  # fmt: skip


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_lines_built_from_the_profile_read_as_plain_russian(make_app, tmp_path, path):
    """Finding 9: no «тел.» before a phone's own label, no service name in brackets after «помощи»
    or «по этому вопросу», no double brackets on the desk, the school's name once in the form's
    title, a gender-neutral «taken into work»."""
    app, profile = app_for(make_app, tmp_path, path)
    author, done, status, number = send_web_request(app, profile)
    form = get_page(author, "/app/form")
    status_page = get_page(author, status)
    title = re.search(r"<title>(.*?)</title>", form, re.S).group(1)
    assert normalize(title).count(normalize(profile.school.short_name)) == 1, title
    assert "Обращение за помощью" in title
    assert "просьба о помощи (" not in words(form)
    assert "по этому вопросу (" not in words(done)
    for page in (form, done, status_page):
        assert not re.search(r"тел\. \w", words(page))
    for label in {p.label for p in profile.support.phones}:
        first = next(p for p in profile.support.phones if p.label == label)
        assert normalize(f"{label}: {first.number}") in contact_section(status_page)

    cast = cast_of(profile)
    head, specialist = app.test_client(), app.test_client()
    login(head, profile.controller.id)
    login(specialist, cast.specialist.id)
    desk = desk_page_of(head, number)
    before = words(get_page(head, desk))
    assert ") (" not in before and "(специалисты:" not in before
    post_action(head, desk, "assign", {"assign-assignee": cast.specialist.id})
    post_action(specialist, desk, "take")
    assert "обращение взято в работу" in words(get_page(author, status))
    assert "взял обращение" not in words(get_page(head, desk))


def test_staff_init_ends_a_name_with_initials_with_one_full_stop(make_app, tmp_path):
    app, profile = app_for(make_app, tmp_path, by_stem("school_004_kaliningrad11"))
    assert profile.controller.name.endswith(".")
    result = app.test_cli_runner().invoke(args=["staff", "init"])
    assert result.exit_code == 0, result.output
    assert f"Создана учётная запись: {profile.controller.name}\n" in result.output
    assert ".." not in result.output


@pytest.mark.parametrize(("role", "message"), [
    ("student", "Укажите свой класс, например 7А."), ("parent", "Укажите класс ребёнка, например 7А."),
])  # fmt: skip
def test_the_missing_class_message_says_whose_class_without_brackets(app, role, message):
    from tests.support.submissions import form_data

    page = app.test_client().post("/app/form", data=form_data(author_role=role, class_name=""))
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)


def test_a_consultation_handed_to_the_subject_teacher_shows_that_teacher_and_why(make_app, tmp_path):
    """Finding 12 (003): the desk shows the physics teacher it was handed to and why, not the
    administration it would fall back to; the confirmation says it was handed over already."""
    app, profile = app_for(make_app, tmp_path, by_stem("school_003_sosh57"))
    teacher = profile.staff_member("physics_teacher")
    _author, done, _status, number = send_web_request(
        app, profile, request_type="subject_consultation", subject="Физика", class_name="9Б",
        author_role="student",
    )  # fmt: skip
    assert normalize("Обращение сразу передано тому, кто на него ответит: учитель предмета «Физика», класс 9Б.") in words(done)
    assert "передадут специалисту" not in words(done)
    head = app.test_client()
    login(head, profile.controller.id)
    page = words(get_page(head, desk_page_of(head, number)))
    assert normalize(f"Направлено {teacher.name} (учитель предмета «Физика», класс 9Б) — передано сразу при поступлении") in page
    assert normalize("Роль обращения Администрация школы") in page
    assert "направлено роли" not in page and "специалисты роли" not in page


def test_a_consultation_without_the_subjects_teacher_shows_the_role_it_went_to(make_app, tmp_path):
    app, profile = app_for(make_app, tmp_path, by_stem("school_003_sosh57"))
    _author, done, _status, number = send_web_request(
        app, profile, request_type="subject_consultation", subject="Физика", class_name="8В",
        author_role="student",
    )  # fmt: skip
    assert "передадут специалисту" in words(done)
    head = app.test_client()
    login(head, profile.controller.id)
    page = words(get_page(head, desk_page_of(head, number)))
    assert normalize("Направлено роли Администрация школы Специалисты роли") in page


def test_the_sign_in_page_names_who_really_gives_accounts(make_app, tmp_path):
    """The people named are those whose role may manage staff accounts; without any, the page
    does not name the person who merely controls deadlines."""
    from tests.support.staff import LOGIN_URL
    from tests.support.submissions import profile_variant

    app = make_app(SCHOOL_PROFILE=profile_variant(tmp_path, head_role=None, control_role="site_admin"))
    page = " ".join(app.test_client().get(LOGIN_URL).get_data(as_text=True).split())
    assert "Учётные записи выдаёт Орлова Марина Викторовна." in page
    app = make_app(SCHOOL_PROFILE=_no_account_keepers(tmp_path))
    page = " ".join(app.test_client().get(LOGIN_URL).get_data(as_text=True).split())
    assert "Учётные записи сотрудников заводит тот, кто установил программу" in page
    assert "Орлова" not in page and "выдаёт" not in page


def _no_account_keepers(tmp_path):
    import yaml

    from webapp.school import DEMO_PROFILE

    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    for role in data["roles"]:
        role["permissions"] = [p for p in role["permissions"] if p != "manage_staff"]
    path = tmp_path / "no_keepers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)
