"""The help site of every profile in tests/profiles/ says what its profile says and nothing else.

Issue 14: a school adopts the product by data alone. For each profile (the five schools written
from their acts, the fictional other school, and two variants of the demo made here: one without
any optional section, one whose clocks run differently) the site is built once and read:
- its facts are on the pages where a reader looks for them;
- none of the demo's facts shows (tests/support/school_facts.py);
- a section the profile does not have is not shown, and no page claims it: no «горячая линия»
  without a hotline phone, no head of service without `head_role`, nobody «назначен» without
  `responsible`, no deadline without `deadlines`, no hours, e-mail, «проверено», consultations,
  links page or platform-failure rule the profile does not give.
The product's words are read with the profile's own facts cut out, so a school whose own role is
«Специалист горячей линии» is not taken for a claim.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.support.school_facts import (
    foreign_facts,
    leaked_facts,
    normalize,
    profile_facts,
    visible_text,
)
from tests.support.site import PROFILE_DIR, PageContent, run_mkdocs_build, squash
from tests.support.submissions import without_hotline_words
from webapp.school import DEMO_PROFILE, load_profile
from webapp.school.sitewords import date_ru, hours_text, minutes_text, tel_href

DEMO = load_profile(DEMO_PROFILE)
OTHER = load_profile(PROFILE_DIR / "other_school.yaml")
TEST_PROFILES = [p.stem for p in sorted(PROFILE_DIR.glob("*.yaml"))]
# Variants of the demo made by `variant_profiles`.
VARIANTS = ["demo_without_optional_sections", "demo_with_clocks_of_each_mode"]


def _bare_demo(data: dict) -> dict:
    """The demo with every optional section and claim taken out."""
    support = data["support"]
    for key in ("email", "phones", "hours", "deadlines"):
        support.pop(key, None)
    for key in ("head_role", "responsible", "consultations", "links", "legal_basis", "director"):
        data.pop(key, None)
    data["control_role"] = "head"
    data["procedure"] = {"help": ["methodical"]}
    for rtype in data["request_types"]:
        rtype.pop("self_help", None)
    for platform in data["platforms"]:
        for key in ("url", "phone", "phone_note", "email", "in_app_help", "checked"):
            platform.pop(key, None)
    return without_hotline_words(data)


def _mixed_clocks(data: dict) -> dict:
    """The demo whose three clocks run each its own way, and its phone is no hotline."""
    data["support"]["deadlines"]["clocks"] = {
        "assign": "working_hours", "take_into_work": "working_days", "process": "calendar"}
    data["support"]["phones"] = [{"number": "8 (34377) 7-12-34", "label": "приёмная"},
                                 {"number": "8 (34377) 7-12-35", "label": "секретарь",
                                  "note": "по будням"}]
    data["procedure"] = {"help": ["technical", "methodical"], "title": "Как школа помогает учиться"}
    return without_hotline_words(data)


@pytest.fixture(scope="session")
def variant_profiles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variant-profiles")
    demo = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    paths = {}
    for name, change in zip(VARIANTS, (_bare_demo, _mixed_clocks), strict=True):
        paths[name] = folder / f"{name}.yaml"
        paths[name].write_text(yaml.safe_dump(change(copy.deepcopy(demo)), allow_unicode=True),
                               encoding="utf-8")
    return paths


@pytest.fixture(scope="module", params=TEST_PROFILES + VARIANTS)
def site(request, built_site, variant_profiles):
    return built_site(request.param, variant_profiles.get(request.param))


def _pages(site) -> dict[str, str]:
    """Every page's markup by its address ("/", "/kontakty/", "/acts/…/")."""
    pages = {}
    for path in site.files(".html"):
        if path.name == "index.html":
            folder = path.parent.relative_to(site.root).as_posix()
            pages["/" if folder == "." else f"/{folder}/"] = path.read_text(encoding="utf-8")
    return pages


def _everything(site) -> str:
    """Every page's markup and the search index, as one string."""
    parts = list(_pages(site).values())
    index = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    parts += [f"{doc['title']} {doc['text']}" for doc in index["docs"]]
    return "\n".join(parts)


def _product_words(site) -> str:
    """What the site says in its own words: the visible text with the profile's facts cut out."""
    text = normalize(visible_text(_everything(site)))
    for fact in sorted((normalize(f) for f in profile_facts(site.profile)), key=len, reverse=True):
        if len(fact) > 3:
            text = text.replace(fact, " ")
    return text


def _article(site, url: str) -> str:
    return site.article(url).text


def _assert_all_in(text: str, facts, where: str) -> None:
    missing = [f for f in facts if squash(str(f)) not in text]
    assert not missing, f"{where} lacks {missing}"


def _deadline_figures(profile) -> list[str]:
    d = profile.support.deadlines
    if d is None:
        return []
    figures = [minutes_text(m) for m in (d.assign_minutes, d.take_into_work_minutes) if m]
    return figures + ([hours_text(d.process_hours)] if d.process_hours else [])


def _contact_facts(profile) -> list[str]:
    support = profile.support
    facts = [f"{p.label[:1].upper()}{p.label[1:]}: {p.number}" for p in support.phones]
    facts += [p.note for p in support.phones if p.note]
    facts += [support.email] if support.email else []
    hours = support.hours
    return facts + ([f"{hours.describe()} по местному времени"] if hours else [])


# --- its facts on the right pages ----------------------------------------------------------------

def test_home_page_names_the_service_its_contacts_and_deadlines(site):
    school = site.profile
    _assert_all_in(_article(site, "/"), [
        school.support.name, school.school.full_name, school.procedure.title_text,
        *_contact_facts(school), *_deadline_figures(school),
    ], "/")


def test_contacts_page_lists_the_phones_under_their_labels_and_the_platforms_with_contacts(site):
    school = site.profile
    page = site.article("/kontakty/")
    facts = [school.support.name, *_contact_facts(school), school.school.address]
    for member in (s for s in school.staff if s.public):
        facts += [member.name, member.position, member.email]
    for p in (p for p in school.platforms if p.has_contacts):
        facts += [p.name, p.purpose, *(v for v in (p.phone, p.email, p.in_app_help, p.note) if v)]
        if p.checked:
            facts.append(f"Контакты проверены: {date_ru(p.checked)}")
    _assert_all_in(page.text, facts, "/kontakty/")
    for phone in school.support.phones:
        assert any(h.startswith("tel:+7") for h in page.hrefs()), phone


def test_procedure_page_has_the_acts_title_approval_roles_ways_and_rules(site):
    school = site.profile
    page = site.article("/poryadok/")
    assert page.text.startswith(school.procedure.title_text)
    facts = [*(f"{r.title}. {r.duties}" for r in school.roles),
             *(f"{c.title}. {c.details}" for c in school.channels),
             *(a.title for a in school.legal_basis), *(p.name for p in school.platforms),
             *_deadline_figures(school)]  # fmt: skip
    approval = school.procedure.approved_by
    if approval:
        facts += [approval.position[:1].lower() + approval.position[1:], approval.name]
        facts += [approval.order.describe()] if approval.order and approval.order.date else []
        facts += [date_ru(approval.date)] if approval.date else []
    if school.procedure.platform_failure:
        facts.append(school.procedure.platform_failure)
    person = school.responsible_person
    if person:
        facts += [person.name, person.position]
        order = school.responsible.order
        facts += [order.describe()] if order.date or order.number else []
    _assert_all_in(page.text, facts, "/poryadok/")


def test_menu_titles_of_the_procedure_and_links_pages_come_from_the_profile(site):
    school = site.profile
    nav = PageContent.parse(site.html("/kontakty/"))
    titles = {href.removeprefix("../"): text for href, text in nav.links}
    assert titles["poryadok/"] == school.procedure.title_text
    if school.links:
        assert titles["dot-eo/"] == school.links.title


def test_consultations_and_links_pages_show_the_profiles_sections(site):
    school = site.profile
    c = school.consultations
    if c:
        _assert_all_in(_article(site, "/konsultacii/"),
                       [c.intro, *c.forms, *c.given_by, c.how_to_ask], "/konsultacii/")
        if c.request_type:
            assert f"«{school.request_type(c.request_type).title}»" in _article(site, "/konsultacii/")
    if school.links:
        page = _article(site, "/dot-eo/")
        assert page.startswith(school.links.title)
        _assert_all_in(page, [i.title for i in school.links.items], "/dot-eo/")


def test_the_form_page_names_the_service_and_its_phones(site):
    school = site.profile
    text = _article(site, "/obrashchenie/")
    _assert_all_in(text, [f"{school.support.name}: обращения рассматривают по",
                          *(f"{p.label} — {p.number}" for p in school.support.phones)],
                   "/obrashchenie/")


def test_deadlines_say_how_each_clock_runs(site):
    deadlines = site.profile.support.deadlines
    text = _article(site, "/poryadok/")
    if deadlines is None:
        assert "считается" not in text
    elif len(deadlines.modes()) == 1:
        assert f"Сроки считаются {next(iter(deadlines.modes())).phrase}" in text
    else:
        for key in ("assign", "take_into_work", "process"):
            if deadlines.length_of(key) is not None:
                assert f"этот срок считается {deadlines.mode_of(key).phrase}" in text, key
        assert "Сроки считаются" not in text


# --- none of the demo's facts --------------------------------------------------------------------

def test_no_fact_of_the_demo_school_shows(site):
    # The demo's own variants are checked against the other school instead.
    other = OTHER if site.name in VARIANTS else DEMO
    foreign = foreign_facts(shown=site.profile, foreign=other)
    assert len(foreign) > 40
    assert not leaked_facts(_everything(site), foreign)


# --- nothing it does not have claimed ------------------------------------------------------------

def _absent_claims(profile) -> dict[str, list[str]]:
    """For each section the profile lacks, the product's words that would claim it (regexes over
    normalized text)."""
    support, procedure = profile.support, profile.procedure
    claims = {}
    if support.hotline_phone is None:
        claims["hotline"] = [r"горяч\w* лини"]
    if not profile.has_head:
        claims["head_role"] = [r"руководител\w* (служб|групп|центр)", r"руковод\w* (службой|работой)"]
    if profile.responsible is None:
        claims["responsible"] = [r"назнач", r"\bответственн"]
    if support.deadlines is None:
        claims["deadlines"] = [r"\b\d+ минут", r"\b\d+ час", "когда ждать ответа", "сроки считаются",
                               "продлить срок", "соблюдены ли сроки", "контроль сроков"]
    if support.hours is None:
        claims["hours"] = ["часы работы", "по местному времени", "рабочие часы", "рабочее время"]
    if support.email is None:
        claims["email"] = ["почта для обращений", "напишите на"]
    if not support.phones:
        claims["phones"] = ["позвоните", "звоните"]
    if not any(p.checked for p in profile.platforms):
        claims["checked"] = [r"проверен"]
    if not any(p.has_contacts for p in profile.platforms):
        claims["platform contacts"] = ["поддержка образовательных платформ",
                                       "контакты поддержки платформ"]
    if procedure.platform_failure is None:
        claims["platform_failure"] = ["не работает сама платформа", "сбой произошел на самой"]
    if procedure.approved_by is None:
        claims["approved_by"] = [r"утвержд"]
    if not profile.legal_basis:
        claims["legal_basis"] = ["правовая основа", "нормативная основа"]
    if profile.consultations is None:
        claims["consultations"] = ["как получить консультацию", "о консультациях"]
    if "technical" not in procedure.help:
        claims["technical help"] = [r"техническ\w* помощ", "пропал звук"]
    if "methodical" not in procedure.help:
        claims["methodical help"] = ["учебно-методическ", "консультация по предмету"]
    if "служб" not in normalize(support.name):
        claims["«служба» in the name"] = [r"служб"]
    return claims


def test_no_page_claims_a_section_the_profile_does_not_have(site):
    words = _product_words(site)
    found = {
        section: [m.group(0) for p in patterns for m in re.finditer(p, words)]
        for section, patterns in _absent_claims(site.profile).items()
    }  # fmt: skip
    assert not {k: v for k, v in found.items() if v}


def test_pages_of_absent_sections_are_not_published_nor_linked(site):
    school = site.profile
    pages = _pages(site)
    hrefs = {h for markup in pages.values() for h in PageContent.parse(markup).hrefs()}
    targets = {h.split("#")[0].lstrip("./") for h in hrefs}
    for url, present in (("konsultacii/", school.consultations), ("dot-eo/", school.links)):
        assert site.has_page(url) == bool(present), url
        assert (url in targets) == bool(present), url
    linked = {i.file for i in (school.links.items if school.links else []) if i.file}
    published_acts = {url.strip("/") + ".md" for url in pages if url.startswith("/acts/")}
    assert published_acts <= linked
    poryadok = site.html("/poryadok/")
    for anchor, section in (("sroki", school.support.deadlines),
                            ("sboj-platformy", school.procedure.platform_failure),
                            ("otvetstvennyj", school.responsible)):
        assert (f'id="{anchor}"' in poryadok) == (section is not None), anchor
    has_contacts = any(p.has_contacts for p in school.platforms)
    assert ('id="platformy"' in site.html("/kontakty/")) == has_contacts


def test_only_the_profiles_addresses_are_given_to_write_or_call(site):
    school = site.profile
    everything = _everything(site)
    mailed = set(re.findall(r'href="mailto:([^"]+)"', everything))
    called = set(re.findall(r'href="tel:([^"]+)"', everything))
    emails = {s.email for s in school.staff if s.public} | {p.email for p in school.platforms}
    emails |= {school.support.email}
    assert mailed <= emails - {None}
    phones = [p.number for p in school.support.phones] + [
        s.phone for s in school.staff if s.public and s.phone] + [
        p.phone for p in school.platforms if p.phone]  # fmt: skip
    assert called <= {tel_href(p).removeprefix("tel:") for p in phones}



def test_a_demo_act_made_from_a_missing_section_stops_the_build_with_a_clear_message(tmp_path):
    """The demo's sample order appoints the `responsible` person: linked from a profile without
    one, the build names what to change instead of publishing an order that appoints nobody."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    del data["responsible"]
    path = tmp_path / "no_responsible.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_mkdocs_build(tmp_path / "out", path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert ("links.items[1].file: документ «acts/prikaz-otvetstvennyj.md» составлен из раздела "
            "responsible, а его в профиле нет") in output
    assert "Traceback" not in output


def test_a_profile_of_the_first_schema_builds_the_site_it_built_before(built_site):
    """Schema 1 (tests/support/schema1_profile.yaml: one `support.phone`, always a hotline, a head,
    an appointment order, one clock mode) still builds, and says what it said then."""
    old = built_site("schema1", Path(__file__).parent / "support" / "schema1_profile.yaml")
    home, procedure = old.article("/").text, old.article("/poryadok/").text
    assert "Горячая линия: 8 (34377) 7-12-34" in home
    assert "30 минут" in home and "24 часа" in home
    assert "Сроки считаются только в часы работы" in home
    assert "приказ от 01.09.2026 № 112-од" in procedure
    assert old.has_page("/konsultacii/") and old.has_page("/dot-eo/")


# --- the newcomer's trial (findings 5, 6, 9, 11): what a first reader of each site noticed -------

def _sections(site, url: str) -> dict[str, str]:
    """The page's second-level headings, each with the visible text under it (to the next one)."""
    match = re.search(r"<article[^>]*>(.*)</article>", site.html(url), re.S)
    parts = re.split(r"<h2\b[^>]*>(.*?)</h2>", match.group(1), flags=re.S)
    return {squash(visible_text(parts[i])).rstrip("¶ "): squash(visible_text(parts[i + 1]))
            for i in range(1, len(parts), 2)}


def test_no_heading_of_the_main_page_stands_with_nothing_under_it(site):
    """Finding 5: 003 and 004 give no phone, e-mail or hours, so the main page has no «Как
    связаться»; it names the school's other ways to apply where the profile has them."""
    sections = _sections(site, "/")
    assert all(sections.values()), sections
    school = site.profile
    has_contacts = bool(school.support.phones or school.support.email or school.support.hours)
    assert ("Как связаться" in sections) == has_contacts
    other_ways = [c.title for c in school.channels if not c.web_form]
    if not has_contacts and other_ways:
        _assert_all_in(sections["Как ещё обратиться"], other_ways, "/ Как ещё обратиться")


@pytest.mark.parametrize("name", ["school_003_sosh57", "school_004_kaliningrad11"])
def test_schools_without_contacts_show_no_contacts_heading(built_site, name):
    home = built_site(name, PROFILE_DIR / f"{name}.yaml")
    assert "Как связаться" not in _sections(home, "/")
    assert 'id="kak-svyazatsya"' not in home.html("/")


def _topics_listed(profile) -> set[str]:
    return {topic for rtype in profile.request_types for topic in rtype.self_help}


def test_answer_pages_are_published_only_for_problems_the_forms_suggest(site):
    """Finding 6: a page of site/pomoshch/ only for a topic some request type suggests, so the
    form's suggestion always leads to a page; no «Частые проблемы» at all when there is none."""
    from webapp.school.selfhelp import TOPICS

    listed = _topics_listed(site.profile)
    for topic in TOPICS.values():
        assert site.has_page(topic.path) == (topic.id in listed), topic.path
    assert site.has_page("/pomoshch/") == bool(listed)
    everything = _everything(site)
    assert ("Частые проблемы" in everything) == bool(listed)
    linked = {h.split("#")[0] for markup in _pages(site).values()
              for h in PageContent.parse(markup).hrefs() if "pomoshch/" in h}
    assert all(TOPICS[t].path.strip("/").split("/")[-1] in " ".join(linked) for t in listed)
    for topic in (t for t in TOPICS.values() if t.id not in listed):
        assert not any(h.rstrip("/").endswith(topic.path.rstrip("/").split("/")[-1]) for h in linked)


def test_main_page_names_only_the_problems_the_school_answers(site):
    """Finding 6: «не получается войти в электронный дневник» and the like only where the profile
    has the answer page; no e-diary problem for a school whose forms suggest none."""
    from webapp.school.selfhelp import TOPICS

    listed = _topics_listed(site.profile)
    lead = _article(site, "/").split("оставьте обращение")[0]
    for topic in TOPICS.values():
        assert (topic.symptom in lead) == (topic.id in listed), topic.symptom
    if "diary_marks" not in listed:
        assert "дневник" not in _article(site, "/")


def test_methodical_school_gets_no_answer_pages_nor_technical_problems(built_site):
    """Finding 6 as the newcomer saw it: 003 is methodical help only."""
    sosh57 = built_site("school_003_sosh57", PROFILE_DIR / "school_003_sosh57.yaml")
    assert not (sosh57.root / "pomoshch").exists()
    home = _article(sosh57, "/")
    for words in ("дневник", "пароль", "звук", "войти", "чат класса", "Частые проблемы"):
        assert words not in home, words
    index = json.loads((sosh57.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("pomoshch/")]


def test_no_page_takes_a_kind_of_help_for_the_addressee(site):
    """Finding 9: «Адресат обращения — Учебно-методическая помощь обучающимся; его рассматривают…»
    — the form page and the consent read right whatever the support's name is."""
    for url in ("/obrashchenie/", "/soglasie/", "/personalnye-dannye/"):
        text = _article(site, url)
        assert "дресат" not in text, url
        assert "его рассматривают" not in text, url
    name = site.profile.support.name
    assert f"{name}: обращения рассматривают по" in _article(site, "/obrashchenie/")


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"«": 1, "»": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def test_quotes_are_never_nested_inside_quotes(site):
    """Finding 9: «Поддержка «ФГИС «Моя школа»»» — a quoted name that has quotes of its own takes
    „лапки“ inside «ёлочек»."""
    for url, markup in _pages(site).items():
        match = re.search(r"<article[^>]*>(.*)</article>", markup, re.S)
        text = squash(visible_text(match.group(1)))
        for sentence in re.split(r"(?<=[.!?])\s", text):
            assert _nesting(sentence) <= 1, f"{url}: {sentence}"


def test_a_platform_named_with_quotes_is_quoted_the_russian_way():
    from webapp.school.sitewords import platform_support
    from webapp.school.wording import quoted

    kustovskaya = load_profile(PROFILE_DIR / "school_001_kustovskaya.yaml")
    myschool = next(p for p in kustovskaya.platforms if p.name == "ФГИС «Моя школа»")
    assert platform_support(myschool).startswith("Поддержка «ФГИС „Моя школа“»: ")
    assert quoted("Сферум") == "«Сферум»"


def test_contacts_do_not_repeat_the_position_as_the_role(site):
    """Finding 9: «Голубева Нина Сергеевна — Секретарь; по обращениям — секретарь школы.»"""
    text = _article(site, "/kontakty/")
    for person in (p for p in site.profile.staff if p.public):
        line = text[text.index(person.name):].split("Почта:")[0].casefold()
        assert not re.search(rf"по обращениям — {re.escape(person.position.casefold())}\b", line)


def test_secretary_of_nizhnie_sergi_is_listed_once_as_secretary(built_site):
    sergi = built_site("school_000_nizhnie_sergi", PROFILE_DIR / "school_000_nizhnie_sergi.yaml")
    assert "Голубева Нина Сергеевна — Секретарь. Почта:" in _article(sergi, "/kontakty/")


def test_consultations_page_says_how_to_ask_once(site):
    """Finding 9: 003 and 004 read «Выберите в форме консультацию…» from the profile and then the
    page's own «В форме обращения выберите вид …»: the page only names the type."""
    c = site.profile.consultations
    if c is None:
        return
    text = _article(site, "/konsultacii/")
    assert text.count(c.how_to_ask) == 1
    assert "выберите вид" not in text.replace(c.how_to_ask, "").casefold()
    if c.request_type:
        title = site.profile.request_type(c.request_type).title
        assert text.count(f"Вид обращения в форме: «{title}».") == 1


def test_procedure_page_claims_no_group_the_help_is_for(site):
    """Finding 11: «помощь ученикам, родителям и учителям» though 003's act serves pupils only:
    the product says nothing of whom the act serves; the act's own title may."""
    words = _product_words(site)
    assert not re.search(r"помощь (ученикам|родителям|учителям)", words)
    assert re.search(r"оказывает [\w -]+ помощь, когда занятия идут дистанционно",
                     _article(site, "/poryadok/"))


def test_no_page_dates_where_citizens_appeals_go(site):
    """Finding 11: «такие обращения с 2025 года направляют через портал Госуслуги» is in no act."""
    text = _article(site, "/obrashchenie/")
    assert "а не официальное обращение гражданина." in text
    assert "Госуслуги" not in text and "2025" not in text
    assert not re.search(r"с \d{4} года направляют", _product_words(site))


def test_one_way_to_apply_is_not_offered_as_a_choice(site):
    """Finding 11: «Выберите любой удобный способ…» then exactly one way (001, 004)."""
    text = _article(site, "/poryadok/")
    one = len(site.profile.channels) == 1
    assert ("любой удобный способ" in text) == (not one)
    assert ("Обратиться можно так:" in text) == one
