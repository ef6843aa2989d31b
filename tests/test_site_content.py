"""Every page of the help site is built from the profile: change the profile, the pages change."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from tests.support.site import PAGES, PageContent, squash
from webapp.school.sitegen import hours_text, minutes_text, plural, utc_offset

SCHOOLS = ["demo", "other_school"]

# What each profile's deadlines read as on the site (counts in Russian words).
DEADLINE_WORDS = {
    "demo": ["30 минут", "24 часа", "Сроки считаются только в часы работы",
             "отсчёт начнётся с ближайшего рабочего часа"],
    "other_school": ["1 час", "45 минут", "48 часов", "Сроки считаются по календарю"],
}


def ru_date(value: dt.date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def assert_all_in(text: str, facts, where: str) -> None:
    missing = [f for f in facts if squash(str(f)) not in text]
    assert not missing, f"{where} lacks {missing}"


@pytest.fixture(params=SCHOOLS)
def site(request, built_site):
    return built_site(request.param)


def test_every_page_is_built(site):
    for url in PAGES:
        content = site.article(url)
        assert content.text, url
        assert site.profile.school.short_name in site.html(url), url


def test_home_has_the_button_phone_hours_and_deadlines(site):
    school = site.profile
    home = site.article("/")
    hours = school.support.hours
    assert ("obrashchenie/", "Поддержка обучения в дистанционный период") in home.links
    assert_all_in(home.text, [
        school.support.name, school.school.full_name, school.support.main_phone.number,
        school.support.email, f"{hours.start}–{hours.end}",
        *DEADLINE_WORDS[site.name],
    ], "home")
    assert {"poryadok/", "kontakty/", "konsultacii/", "dot-eo/"} <= home.hrefs()


def test_procedure_names_roles_channels_deadlines_responsible_and_law(site):
    school = site.profile
    page = site.article("/poryadok/")
    person = school.responsible_person
    assert_all_in(page.text, [
        *(f"{r.title}. {r.duties}" for r in school.roles),
        *(f"{c.title}. {c.details}" for c in school.channels),
        *(s.name for s in school.staff if s.public),
        *DEADLINE_WORDS[site.name],
        person.name, person.position, school.responsible.order.describe(),
        f"приказ от {ru_date(school.responsible.order.date)} № {school.responsible.order.number}",
        *(act.title for act in school.legal_basis),
    ], "/poryadok/")


def test_procedure_routes_each_request_type_to_its_role(site):
    school = site.profile
    rows = site.article("/poryadok/").rows
    routed = {row[0].removesuffix(" (конфиденциально)"): row[1] for row in rows[1:]}
    assert routed == {t.title: school.role(t.route_to).title for t in school.request_types}


def test_procedure_tells_what_to_do_when_a_platform_fails_in_the_schools_words(built_site):
    page = built_site("demo").article("/poryadok/")
    rule = built_site("demo").profile.procedure.platform_failure
    assert squash(rule) in page.text
    assert "Если не работает сама платформа" in page.text
    assert "kontakty/#platformy" in {h.removeprefix("../") for h in page.hrefs()}
    other = built_site("other_school").article("/poryadok/").text
    assert "Если не работает сама платформа" not in other


def test_procedure_shows_who_approved_it_apart_from_the_appointment(built_site):
    demo = built_site("demo")
    text = demo.article("/poryadok/").text
    approval = demo.profile.procedure.approved_by
    assert (f"Порядок утверждён: {approval.position.lower()} {approval.name}, "
            f"{approval.order.describe()}.") in text
    assert "Порядок утверждён" not in built_site("other_school").article("/poryadok/").text


def test_contacts_list_the_service_and_every_platform(site):
    school = site.profile
    page = site.article("/kontakty/")
    facts = [f"Горячая линия: {school.support.main_phone.number}", school.support.email,
             school.school.address]
    for member in (s for s in school.staff if s.public):
        facts += [member.name, member.position, member.email, member.phone or ""]
    for p in school.platforms:
        facts += [p.name, p.purpose, p.contact_about, f"Контакты проверены: {ru_date(p.checked)}"]
        facts += [v for v in (p.phone, p.phone_note, p.email, p.in_app_help, p.note) if v]
        assert str(p.url) in page.hrefs()
        if p.email:
            assert f"mailto:{p.email}" in page.hrefs()
    assert_all_in(page.text, facts, "/kontakty/")


def test_demo_contacts_say_where_sferum_chats_are_now(built_site):
    page = built_site("demo").article("/kontakty/")
    assert "учебные чаты Сферума переехали в мессенджер MAX" in page.text


def test_phone_links_dial_the_international_number(built_site):
    page = built_site("demo").article("/kontakty/")
    assert "tel:+73437771234" in page.hrefs()
    assert "tel:88001007010" not in page.hrefs()
    assert "Телефон поддержки: 8 800 100-70-10" in page.text
    assert "tel:+78001007010" in page.hrefs()


def test_links_and_acts_page_has_every_item_and_the_update_date(site):
    school = site.profile
    page = site.article("/dot-eo/")
    assert f"Страница обновлена: {ru_date(school.links.updated)}" in page.text
    assert page.text.startswith(school.links.title)
    titles = {text: href for href, text in page.links}
    for item in school.links.items:
        assert item.title in titles
        if item.url:
            assert titles[item.title] == str(item.url)
        else:
            target = site.root / "dot-eo" / titles[item.title] / "index.html"
            assert target.resolve().is_file(), f"{item.title}: {titles[item.title]} is dead"
        if item.date:
            assert f"{item.title} — от {ru_date(item.date)}" in page.text


def test_consultations_show_forms_givers_and_how_to_ask(site):
    c = site.profile.consultations
    page = site.article("/konsultacii/")
    assert_all_in(page.text, [c.intro, *c.forms, *c.given_by, c.how_to_ask], "/konsultacii/")


def test_form_page_embeds_the_app_form_with_a_plain_link(site):
    markup = site.html("/obrashchenie/")
    page = site.article("/obrashchenie/")
    assert 'src="/app/form?embed=1"' in markup
    assert "/app/form" in page.hrefs()
    assert f"горячая линия — {site.profile.support.main_phone.number}" in page.text
    assert f"{site.profile.support.name}: обращения рассматривают по документу" in page.text


def test_privacy_policy_and_consent_come_from_the_profile(site):
    privacy = site.profile.privacy
    school = site.profile
    policy = site.article("/personalnye-dannye/")
    consent = site.article("/soglasie/")
    confidential = [t.title for t in school.request_types if t.confidential]
    assert_all_in(policy.text, [privacy.operator, privacy.retention, school.support.email,
                                "152-ФЗ", *confidential], "/personalnye-dannye/")
    assert "soglasie/" in {h.removeprefix("../") for h in policy.hrefs()}
    assert_all_in(consent.text, [f"Версия {privacy.consent_version}", privacy.operator,
                                 privacy.retention, school.support.email, school.school.address,
                                 "отдельный документ"], "/soglasie/")


def test_private_staff_stay_off_the_site(site):
    school = site.profile
    hidden = [s for s in school.staff if not s.public and s.id != school.responsible.staff]
    assert hidden, "the profile should have staff who are not shown"
    everything = site_text(site)
    for member in hidden:
        assert member.name not in everything
        assert member.email not in everything


def test_page_header_and_title_carry_the_school_name(site):
    markup = site.html("/kontakty/")
    assert f"<title>Контакты - {html.escape(site.profile.school.short_name, quote=False)}" in markup


def display_facts(profile) -> set[str]:
    """Every shown fact of a profile as it reads on the site (ids and settings left out)."""
    hidden_keys = {"id", "route_to", "roles", "permissions", "days", "clock", "kind", "notify",
                   "head_role", "staff", "public", "confidential", "hint", "file", "timezone"}
    found: set[str] = set()

    def walk(value, key=None):
        if key in hidden_keys:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, dt.date):
            found.add(ru_date(value))
        elif isinstance(value, str) and value:
            found.add(value)

    walk(profile.model_dump(mode="python"))
    walk({"staff_names": [s.name for s in profile.staff if s.public]})
    return {squash(str(f)) for f in found}


def site_text(site) -> str:
    """Every page's text and markup, and the search index, as one string."""
    parts = []
    for path in site.files(".html"):
        markup = path.read_text(encoding="utf-8")
        parts += [PageContent.parse(markup).text, squash(markup)]
    index = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    parts += [squash(doc["text"]) + " " + squash(doc["title"]) for doc in index["docs"]]
    return "\n".join(parts)


@pytest.mark.parametrize("shown, other", [("other_school", "demo"), ("demo", "other_school")])
def test_a_site_shows_none_of_the_other_schools_facts(built_site, shown, other):
    mine, theirs = built_site(shown), built_site(other)
    own = display_facts(mine.profile)
    # A fact of theirs that is part of one of ours ("учитель-предметник") proves nothing.
    foreign = {f for f in display_facts(theirs.profile) if not any(f in o for o in own)}
    assert len(foreign) > 40
    everything = site_text(mine)
    leaked = sorted(f for f in foreign if f in everything)
    assert not leaked


def test_russian_counts_take_the_right_form():
    assert [plural(n, "час", "часа", "часов") for n in (1, 2, 5, 11, 12, 21, 24, 48, 101)] == [
        "час", "часа", "часов", "часов", "часов", "час", "часа", "часов", "час"]
    assert minutes_text(30) == "30 минут"
    assert minutes_text(1) == "1 минута"
    assert minutes_text(22) == "22 минуты"
    assert minutes_text(120) == "2 часа"
    assert minutes_text(90) == "90 минут"
    assert hours_text(24) == "24 часа"


def test_utc_offset_is_shown_for_the_schools_zone():
    moment = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert utc_offset("Asia/Yekaterinburg", moment) == "UTC+5"
    assert utc_offset("Europe/Kaliningrad", moment) == "UTC+2"
    assert utc_offset("Asia/Kolkata", moment) == "UTC+5:30"
    assert utc_offset("America/St_Johns", moment) == "UTC−3:30"


# --- Issue 11: the contacts page, the footer, the form page, promises, answer pages -------------

def test_contacts_name_each_role_once_and_without_nested_brackets(site):
    from webapp.school.confidentiality import role_in_sentence

    text = site.article("/kontakty/").text
    for person in (p for p in site.profile.staff if p.public):
        line = text[text.index(person.name):][:400]
        assert f"{person.position} ({person.position})" not in line
        assert not re.search(r"\([^()]*\(", line), line  # no bracket inside a bracket
        for role_id in person.roles:
            title = site.profile.role(role_id).title
            assert title.casefold() == person.position.casefold() or role_in_sentence(title) in line


def test_no_english_generator_line_in_the_footer(site):
    for url in PAGES:
        page = site.html(url)
        assert "Made with" not in page and "Material for MkDocs" not in page, url


def test_the_form_page_says_it_is_a_help_request_not_a_citizens_appeal(site):
    article = site.article("/obrashchenie/")
    act = next(i for i in site.profile.links.items if i.kind == "act")
    assert act.title in article.text
    assert "не официальное обращение гражданина" in article.text
    # No act of any school says where citizens' appeals go, nor since when.
    assert "Госуслуги" not in article.text and "2025" not in article.text


def test_confidentiality_promises_on_the_site_come_from_the_access_rules(site):
    from webapp.school.confidentiality import readers_text

    for rtype in (t for t in site.profile.request_types if t.confidential):
        readers = readers_text(site.profile, rtype.route_to)
        for url in ("/poryadok/", "/personalnye-dannye/"):
            assert f"«{rtype.title}» конфиденциальны: их видят только {readers}." in site.article(url).text, url
    for url in PAGES:
        assert "увидит только психолог" not in site.article(url).text


def test_answer_pages_are_written_from_the_profiles_platforms(built_site):
    from webapp.school.selfhelp import TOPICS

    site = built_site("demo")
    assert {t for rtype in site.profile.request_types for t in rtype.self_help} == set(TOPICS)
    for topic in TOPICS.values():
        article = site.article(topic.path)
        assert topic.title in article.text
        assert site.profile.support.main_phone.number in article.text
    password = site.article("/pomoshch/parol/").text
    for platform in site.profile.platforms:
        assert platform.name in password
