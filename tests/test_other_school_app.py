"""The app run with each school's profile shows that school's facts, none of the demo's, and
claims nothing the school does not have.

For every profile in tests/profiles/ (the other school, the five schools of the seeds) a request
lives its whole life through HTTP (tests/support/request_life.py), its messages delivered to the
real SMTP server on loopback: the form, the confirmation, the status page, the desk, the hotline
form, every e-mail. The demo's facts are read from webapp/school/demo.yaml
(tests/support/school_facts.py), so a fact added to the demo profile is searched for without
touching this file. One life per profile keeps it fast.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.request_life import (
    ANSWER, AUTHOR_EMAIL, QUESTION, hotline_page, live_request_life, offered_channels,
)  # fmt: skip
from tests.support.school_facts import (
    foreign_facts, leaked_facts, normalize, phone_spellings, profile_facts, visible_text,
)  # fmt: skip
from tests.support.submissions import profile_variant
from webapp.formatting import local_datetime
from webapp.mail.tokens import untokened
from webapp.school import DEMO_PROFILE, SchoolProfile, load_profile
from webapp.vocabulary import Clock

PROFILES = sorted((Path(__file__).resolve().parent / "profiles").glob("*.yaml"))
OTHER_SCHOOL = Path(__file__).resolve().parent / "profiles" / "other_school.yaml"
DEMO = load_profile(DEMO_PROFILE)
SENDER = "Служба писем <noreply@example.org>"  # for profiles without a support e-mail


def mail_headers(message) -> str:
    """Every header as a mail program shows it: encoded words decoded as RFC 2047 says."""
    return "\n".join(f"{name}: {make_header(decode_header(value))}" for name, value in message.raw_items())


def mail_text(message) -> str:
    """Every header, and both bodies."""
    bodies = [message.get_body((kind,)).get_content() for kind in ("plain", "html")]
    return "\n".join([mail_headers(message), *bodies])


def expected_mails(life) -> dict[str, tuple[str, str]]:
    """What each message of the life is: (recipient, words of its subject); only those the
    profile gives reason for (a responsible person, a deadline that can be missed…)."""
    cast = life.cast
    found = {
        "acknowledgement to the author": (AUTHOR_EMAIL, "Ваше обращение принято"),
        "new request to the routed specialist": (cast.specialist.email, "Новое обращение"),
        "question to the author": (AUTHOR_EMAIL, "Уточнение по вашему обращению"),
        "answer to the author": (AUTHOR_EMAIL, "Ответ на ваше обращение"),
    }
    if life.call_at is not None:
        found["phone call to its routed specialist"] = (life.call_specialist.email, "Новое обращение")
    if life.copied_to is not None:
        found["copy to the responsible person"] = (life.copied_to.email, "Копия")
    if cast.specialist.id != cast.head.id:
        found["assignment to the specialist"] = (cast.specialist.email, "Вам передано обращение")
    if life.extended:
        found["extension request to the head"] = (cast.head.email, "Просьба продлить срок")
    if life.breached:
        found["missed deadline to the head"] = (cast.head.email, "Нарушен срок")
    return found


def mails_by_label(life) -> dict[str, object]:
    found = {}
    for label, (recipient, subject) in expected_mails(life).items():
        matching = [m for rcpts, m in life.mails if recipient in rcpts and subject in m["Subject"]]
        found[label] = matching[0] if matching else None
    return found


def contacts(profile: SchoolProfile) -> list[str]:
    support = profile.support
    return [*(p.number for p in support.phones), *([support.email] if support.email else [])]


def missing_on_pages(life) -> dict[str, list[str]]:
    """The school's facts each page should show and does not."""
    profile, pages, cast, support = life.profile, life.pages, life.cast, life.profile.support
    every_page = [profile.school.short_name, support.name, *contacts(profile)]
    hours = [support.hours.describe()] if support.hours else []
    wanted = {
        "form page": [*every_page, *hours, support.name, *(t.title for t in profile.request_types)],
        "confirmation page": [*every_page, support.name],
        "status page of the new request": [*every_page, cast.web_type.title],
        "status page after the answer": [*every_page, cast.web_type.title, ANSWER],
        "sign-in page": [*every_page, profile.controller.name],
        "hotline form": [*(t.title for t in profile.request_types), *(c.title for c in profile.recorded_channels)],
        "desk list of new requests": [cast.web_type.title],
        "desk list after the answer": [cast.web_type.title, cast.specialist.name],
        "desk request page before assignment": [cast.web_type.title, profile.role(cast.web_type.route_to).title],
        "desk request page in work": [cast.specialist.name, cast.head.name, QUESTION],
        "desk request page after the answer": [cast.head.name, cast.specialist.name, ANSWER],
        "output of `sla check`": [profile.controller.name] if life.breached else [],
    }
    if life.call_at is not None:
        wanted["desk list of new requests"].append(cast.call_type.title)
        wanted["desk request page of the phone call"] = [cast.call_type.title, cast.head.name]
    assert set(wanted) == set(pages)
    missing = {name: [f for f in facts if normalize(f) not in normalize(pages[name])]
               for name, facts in wanted.items()}  # fmt: skip
    return {name: facts for name, facts in missing.items() if facts}


def missing_in_mails(life, found: dict) -> dict[str, list[str]]:
    """The school's facts each message should show and does not."""
    profile, cast = life.profile, life.cast
    signature = [profile.school.short_name, profile.support.name]
    phones = [p.number for p in profile.support.phones]
    wanted = {
        "acknowledgement to the author": [*signature, *phones, cast.web_type.title],
        "new request to the routed specialist": [*signature, cast.specialist.name],
        "phone call to its routed specialist": [*signature, cast.call_type.title],
        "assignment to the specialist": [*signature, cast.specialist.name, cast.web_type.title],
        "question to the author": [*signature, *phones, QUESTION],
        "extension request to the head": [*signature, cast.head.name, cast.specialist.name],
        "answer to the author": [*signature, *phones, ANSWER],
        "missed deadline to the head": [*signature, cast.head.name, cast.call_type.title],
    }
    if life.copied_to is not None:
        take = profile.deadline_length(Clock.TAKE)
        wanted["copy to the responsible person"] = [
            *signature, life.copied_to.name, profile.responsible.order.describe(),
            *([f"{int(take.total_seconds() // 60)} мин"] if take else []),
        ]  # fmt: skip
    missing = {label: [f for f in wanted[label] if normalize(f) not in normalize(mail_text(message))]
               for label, message in found.items()}  # fmt: skip
    return {label: facts for label, facts in missing.items() if facts}


# What a page or a letter must not claim when the profile does not have it.
HOTLINE_WORDS = re.compile(r"горяч\w* лини")
HEAD_WORDS = re.compile(r"руководител\w* службы")
APPOINTED_WORDS = re.compile(r"назначен\w* приказом|назначен\w* ответственн|как ответственн|приказом директора назначен")
SERVICE_WORDS = re.compile(r"служб\w* сопровождения")
CLOSED_WORDS = re.compile(r"служба не работает|когда служба откроется|часы работы|нерабоч\w* врем")
DEADLINE_WORDS = {
    Clock.ASSIGN: re.compile(r"передадут специалисту до|назначить исполнителя: до|исполнителя назначат до"),
    Clock.TAKE: re.compile(r"взять в работу: (до|в течение)|в работу в течение"),
    Clock.PROCESS: re.compile(r"не позднее|обработать: до"),
}


def unfounded_claims(profile: SchoolProfile, text: str) -> list[str]:
    """The claims found in `text` that `profile` gives no ground for."""
    # The school's own words (a phone labelled «горячая линия», a link «Приказ о назначении
    # ответственного…») are its facts, not claims the app makes: they are taken out first.
    words = normalize(visible_text(text))
    for fact in sorted({normalize(f) for f in profile_facts(profile)}, key=len, reverse=True):
        if len(fact) >= 8:
            words = words.replace(fact, " ")
    rules = []
    if not SERVICE_WORDS.search(normalize(profile.support.name)):
        rules.append(("«служба сопровождения» for a service of another name", SERVICE_WORDS))
    if profile.support.hotline_phone is None:
        rules.append(("a hotline", HOTLINE_WORDS))
    if not profile.has_head:
        rules.append(("a head of the service", HEAD_WORDS))
    if profile.responsible is None:
        rules.append(("a person appointed by order", APPOINTED_WORDS))
    if profile.support.hours is None:
        rules.append(("service hours", CLOSED_WORDS))
    rules += [(f"the «{clock.label}» deadline", DEADLINE_WORDS[clock])
              for clock in Clock if profile.deadline_length(clock) is None]  # fmt: skip
    return [what for what, pattern in rules if pattern.search(words)]


def app_for(make_app, tmp_path, path: Path):
    """The app of a profile; a school without a support e-mail sets the sender in settings."""
    profile = load_profile(path)
    settings = {} if profile.support.email else {"MAIL_DEFAULT_SENDER": SENDER}
    return make_app(SCHOOL_PROFILE=str(path), **settings), profile


_LIVES: dict[tuple[Path, str], object] = {}


@pytest.fixture(params=PROFILES, ids=lambda p: p.stem)
def school_life(request, make_app, smtp, tmp_path, database_backend):
    """One request life per profile and database, read by every test of it (the life is plain
    data once lived: its pages and delivered messages)."""
    key = (request.param, database_backend)
    if key not in _LIVES:
        app, profile = app_for(make_app, tmp_path, request.param)
        _LIVES[key] = live_request_life(app, smtp, profile)
    return _LIVES[key]


def test_the_demo_facts_are_read_from_the_demo_profile():
    other = load_profile(OTHER_SCHOOL)
    demo_only = foreign_facts(shown=other, foreign=DEMO)
    distinctive = [DEMO.school.full_name, DEMO.school.short_name, DEMO.school.address,
                   DEMO.support.name, DEMO.support.email,
                   *(s for p in DEMO.support.phones for s in phone_spellings(p.number)),
                   *(s.name for s in DEMO.staff), *(s.email for s in DEMO.staff),
                   *(p.name for p in DEMO.platforms),
                   urlsplit(str(DEMO.school.site_url)).hostname]  # fmt: skip
    assert [f for f in distinctive if normalize(f) not in demo_only] == []
    titles = [x.title for x in (*DEMO.roles, *DEMO.channels, *DEMO.request_types)]
    left_out = [t for t in titles if normalize(t) not in demo_only]
    # Only words the other school or the product says too: «Учитель», «По телефону», «Другое»…
    assert len(left_out) <= 5, left_out


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_no_profile_copies_a_demo_fact(path):
    demo_only = foreign_facts(shown=load_profile(path), foreign=DEMO)
    assert leaked_facts(path.read_text(encoding="utf-8"), demo_only) == []


def test_no_page_or_message_of_a_request_life_shows_a_demo_fact(school_life):
    demo_only = foreign_facts(shown=school_life.profile, foreign=DEMO)
    leaks = {name: leaked_facts(page, demo_only) for name, page in school_life.pages.items()}
    for recipients, message in school_life.mails:
        found = {*leaked_facts(mail_text(message), demo_only),
                 *leaked_facts(mail_headers(message), demo_only, ignore_spaces=True)}  # fmt: skip
        leaks[f"{recipients[0]}: {message['Subject']}"] = sorted(found)
    assert len(school_life.mails) >= len(expected_mails(school_life))
    assert {where: facts for where, facts in leaks.items() if facts} == {}


def test_no_page_or_message_claims_what_the_school_does_not_have(school_life):
    profile = school_life.profile
    claims = {name: unfounded_claims(profile, page) for name, page in school_life.pages.items()}
    for recipients, message in school_life.mails:
        claims[f"{recipients[0]}: {message['Subject']}"] = unfounded_claims(profile, mail_text(message))
    assert {where: found for where, found in claims.items() if found} == {}


def test_a_request_life_shows_the_schools_own_facts_by_its_own_clock(school_life):
    profile = school_life.profile
    found = mails_by_label(school_life)
    assert [label for label, message in found.items() if message is None] == []
    for label, message in found.items():
        if profile.support.email:
            assert profile.support.email in message["From"], label
            assert untokened(message["Reply-To"]) == profile.support.email, label
    assert missing_on_pages(school_life) == {}
    assert missing_in_mails(school_life, found) == {}

    arrived = school_life.received_at
    theirs, demos = local_datetime(profile, arrived), local_datetime(DEMO, arrived)
    page = school_life.pages["desk request page after the answer"]
    acknowledgement = mail_text(found["acknowledgement to the author"])
    for where, text in (("desk request page", page), ("acknowledgement", acknowledgement)):
        assert theirs in text, where
        if profile.school.timezone != DEMO.school.timezone:
            assert demos not in text, where


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_hotline_form_offers_the_schools_own_ways_to_apply(make_app, tmp_path, path):
    app, profile = app_for(make_app, tmp_path, path)
    page = hotline_page(app, profile.controller.id)
    for request_type in profile.request_types:
        assert request_type.title in page
    # The known defect of issue 8: webapp/desk/forms.py CHANNEL_CHOICES offered the demo's ways
    # to apply whatever the profile said; now the choices are the profile's `channels`.
    assert offered_channels(page) == [c.id for c in profile.recorded_channels]
    assert leaked_facts(page, foreign_facts(shown=profile, foreign=DEMO)) == []


def test_the_leak_check_sees_the_demo_school_on_every_page_and_message_of_its_own_app(
    make_app, smtp, tmp_path
):
    """The same life under the demo profile: if the check found nothing here, it proves nothing."""
    demo_only = foreign_facts(shown=load_profile(OTHER_SCHOOL), foreign=DEMO)
    # Round-the-clock deadlines: the call of two hours ago is late at any hour of the week.
    calendar_clock = profile_variant(tmp_path, support__deadlines__clock="calendar")
    app = make_app(SCHOOL_PROFILE=calendar_clock)
    life = live_request_life(app, smtp, load_profile(Path(calendar_clock)))
    assert [label for label, message in mails_by_label(life).items() if message is None] == []
    assert life.breached and life.extended
    blind = [name for name, page in life.pages.items() if not leaked_facts(page, demo_only)]
    blind += [m["Subject"] for _, m in life.mails if not leaked_facts(mail_text(m), demo_only)]
    assert blind == []


def bare_profile(tmp_path: Path) -> Path:
    """The other school with every optional section left out: no head (a control role instead),
    no person appointed by order, no deadlines, no phone, no e-mail, no hours."""
    data = yaml.safe_load(OTHER_SCHOOL.read_text(encoding="utf-8"))
    for key in ("email", "phone", "phones", "hours", "deadlines"):
        data["support"].pop(key, None)
    data["control_role"] = data.pop("head_role")
    data.pop("responsible", None)
    path = tmp_path / "bare_school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_school_that_has_none_of_the_optional_sections_gets_no_claim_of_them(make_app, smtp, tmp_path):
    path = bare_profile(tmp_path)
    app, profile = app_for(make_app, tmp_path, path)
    life = live_request_life(app, smtp, profile)
    assert not (life.breached or life.extended or life.copied_to)
    claims = {name: unfounded_claims(profile, page) for name, page in life.pages.items()}
    for recipients, message in life.mails:
        claims[f"{recipients[0]}: {message['Subject']}"] = unfounded_claims(profile, mail_text(message))
    assert {where: found for where, found in claims.items() if found} == {}
    assert missing_on_pages(life) == {}
    assert "Сроки положением не установлены" in life.pages["desk request page after the answer"]
    assert "Сроки положением не установлены" in life.pages["output of `sla check`"]


def test_the_claims_check_sees_each_claim_the_app_once_made_for_every_school(tmp_path):
    """If the check found nothing in these words, written for every school before issue 14, it
    would prove nothing."""
    profile = load_profile(bare_profile(tmp_path))
    old = ("Обращение в службу сопровождения. Срочно? Позвоните на горячую линию. Обратитесь к руководителю службы. Это копия: вы "
           "получаете их как ответственный, назначенный приказом. Сейчас служба не работает. "
           "Обращение передадут специалисту до 3 марта. Взять в работу: в течение 30 мин. "
           "Ответ придёт не позднее 3 марта.")
    assert sorted(unfounded_claims(profile, old)) == sorted([
        "«служба сопровождения» for a service of another name", "a hotline", "a head of the service", "a person appointed by order", "service hours",
        *(f"the «{clock.label}» deadline" for clock in Clock),
    ])
