"""The app run with another school's profile shows that school's facts and none of the demo's.

A request lives its whole life through HTTP (tests/support/request_life.py) under
tests/profiles/other_school.yaml, its messages delivered to the real SMTP server on loopback.
The demo's facts are read from webapp/school/demo.yaml (tests/support/school_facts.py), so a
fact added to the demo profile is searched for without touching this file.
"""

from __future__ import annotations

from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.request_life import ANSWER, AUTHOR_EMAIL, QUESTION, hotline_page, live_request_life
from tests.support.school_facts import foreign_facts, leaked_facts, normalize, phone_spellings
from tests.support.submissions import profile_variant
from webapp.mail.tokens import untokened
from webapp.formatting import local_datetime
from webapp.school import DEMO_PROFILE, load_profile

OTHER_SCHOOL = Path(__file__).resolve().parent / "profiles" / "other_school.yaml"
DEMO = load_profile(DEMO_PROFILE)
OTHER = load_profile(OTHER_SCHOOL)
DEMO_ONLY = foreign_facts(shown=OTHER, foreign=DEMO)


def mail_headers(message) -> str:
    """Every header as a mail program shows it: encoded words decoded as RFC 2047 says."""
    return "\n".join(f"{name}: {make_header(decode_header(value))}" for name, value in message.raw_items())


def mail_text(message) -> str:
    """Every header, and both bodies."""
    bodies = [message.get_body((kind,)).get_content() for kind in ("plain", "html")]
    return "\n".join([mail_headers(message), *bodies])


def expected_mails(life) -> dict[str, tuple[str, str]]:
    """What each message of the life is: (recipient, words of its subject)."""
    cast, profile = life.cast, life.profile
    call_specialist = profile.staff_with_role(cast.call_type.route_to)[0]
    return {
        "acknowledgement to the author": (AUTHOR_EMAIL, "Ваше обращение принято"),
        "new request to the routed specialist": (cast.specialist.email, "Новое обращение"),
        "phone call to its routed specialist": (call_specialist.email, "Новое обращение"),
        "copy to the responsible person": (profile.responsible_person.email, "Копия"),
        "assignment to the specialist": (cast.specialist.email, "Вам передано обращение"),
        "question to the author": (AUTHOR_EMAIL, "Уточнение по вашему обращению"),
        "extension request to the head": (cast.head.email, "Просьба продлить срок"),
        "answer to the author": (AUTHOR_EMAIL, "Ответ на ваше обращение"),
        "missed deadline to the head": (cast.head.email, "Нарушен срок"),
    }


def mails_by_label(life) -> dict[str, object]:
    found = {}
    for label, (recipient, subject) in expected_mails(life).items():
        matching = [m for rcpts, m in life.mails if recipient in rcpts and subject in m["Subject"]]
        found[label] = matching[0] if matching else None
    return found


def missing_on_pages(life) -> dict[str, list[str]]:
    """The other school's facts each page should show and does not."""
    pages, cast, support = life.pages, life.cast, OTHER.support
    every_page = [OTHER.school.short_name, support.name, support.phone, support.email]
    wanted = {
        "form page": [*every_page, support.hours.describe(), *(t.title for t in OTHER.request_types)],
        "confirmation page": every_page,
        "status page of the new request": [*every_page, cast.web_type.title],
        "status page after the answer": [*every_page, cast.web_type.title, ANSWER],
        "sign-in page": [*every_page, OTHER.head_of_service.name],
        "desk list of new requests": [cast.web_type.title, cast.call_type.title],
        "desk list after the answer": [cast.web_type.title, cast.specialist.name],
        "desk request page before assignment": [cast.web_type.title, cast.specialist.name,
                                                OTHER.role(cast.web_type.route_to).title],
        "desk request page in work": [cast.specialist.name, cast.head.name, QUESTION],
        "desk request page after the answer": [cast.head.name, cast.specialist.name, ANSWER],
        "desk request page of the phone call": [cast.call_type.title, cast.head.name],
        "output of `sla check`": [OTHER.head_of_service.name],
    }
    assert set(wanted) == set(pages)
    missing = {name: [f for f in facts if normalize(f) not in normalize(pages[name])]
               for name, facts in wanted.items()}  # fmt: skip
    return {name: facts for name, facts in missing.items() if facts}


def missing_in_mails(life, found: dict) -> dict[str, list[str]]:
    """The other school's facts each message should show and does not."""
    cast, support = life.cast, OTHER.support
    signature = [OTHER.school.short_name, support.name]
    wanted = {
        "acknowledgement to the author": [*signature, support.phone, cast.web_type.title],
        "new request to the routed specialist": [*signature, cast.specialist.name,
                                                 OTHER.role(cast.web_type.route_to).title],
        "phone call to its routed specialist": [*signature, cast.call_type.title],
        "copy to the responsible person": [*signature, OTHER.responsible_person.name,
                                           OTHER.responsible.order.number,
                                           f"{support.deadlines.take_into_work_minutes} мин"],
        "assignment to the specialist": [*signature, cast.specialist.name, cast.web_type.title],
        "question to the author": [*signature, support.phone, QUESTION],
        "extension request to the head": [*signature, cast.head.name, cast.specialist.name],
        "answer to the author": [*signature, support.phone, ANSWER],
        "missed deadline to the head": [*signature, cast.head.name, cast.call_type.title],
    }
    missing = {label: [f for f in facts if normalize(f) not in normalize(mail_text(found[label]))]
               for label, facts in wanted.items()}  # fmt: skip
    return {label: facts for label, facts in missing.items() if facts}


@pytest.fixture
def other_life(make_app, smtp):
    app = make_app(SCHOOL_PROFILE=str(OTHER_SCHOOL))
    return live_request_life(app, smtp, OTHER)


def test_the_demo_facts_are_read_from_the_demo_profile():
    distinctive = [DEMO.school.full_name, DEMO.school.short_name, DEMO.school.address,
                   DEMO.support.name, DEMO.support.email, *phone_spellings(DEMO.support.phone),
                   *(s.name for s in DEMO.staff), *(s.email for s in DEMO.staff),
                   *(p.name for p in DEMO.platforms),
                   urlsplit(str(DEMO.school.site_url)).hostname]  # fmt: skip
    assert [f for f in distinctive if normalize(f) not in DEMO_ONLY] == []
    titles = [x.title for x in (*DEMO.roles, *DEMO.channels, *DEMO.request_types)]
    left_out = [t for t in titles if normalize(t) not in DEMO_ONLY]
    # Only words the other school or the product says too: «Учитель», «По телефону», «Другое»…
    assert len(left_out) <= 5, left_out
    assert leaked_facts(OTHER_SCHOOL.read_text(encoding="utf-8"), DEMO_ONLY) == []


def test_no_page_of_a_request_life_shows_a_demo_fact(other_life):
    leaks = {name: leaked_facts(page, DEMO_ONLY) for name, page in other_life.pages.items()}
    assert {name: facts for name, facts in leaks.items() if facts} == {}


def test_no_message_of_a_request_life_shows_a_demo_fact(other_life):
    leaks = {}
    for recipients, message in other_life.mails:
        found = {*leaked_facts(mail_text(message), DEMO_ONLY),
                 *leaked_facts(mail_headers(message), DEMO_ONLY, ignore_spaces=True)}  # fmt: skip
        leaks[f"{recipients[0]}: {message['Subject']}"] = sorted(found)
    assert len(leaks) >= len(expected_mails(other_life))
    assert {mail: facts for mail, facts in leaks.items() if facts} == {}


def test_the_hotline_form_offers_none_of_the_demo_schools_channels(make_app):
    app = make_app(SCHOOL_PROFILE=str(OTHER_SCHOOL))
    page = hotline_page(app, OTHER.head_of_service.id)
    for request_type in OTHER.request_types:
        assert request_type.title in page
    # The known defect of issue 8: webapp/desk/forms.py CHANNEL_CHOICES offered the demo's ways
    # to apply («Лично», «Через чат классного руководителя») whatever the profile said. This
    # fails on such a fixed list and passes once the choices come from the profile's `channels`.
    assert leaked_facts(page, DEMO_ONLY) == []


def test_a_request_life_shows_the_other_schools_own_facts_by_its_own_clock(other_life):
    found = mails_by_label(other_life)
    assert [label for label, message in found.items() if message is None] == []
    for label, message in found.items():
        assert OTHER.support.email in message["From"], label
        assert untokened(message["Reply-To"]) == OTHER.support.email, label
    assert missing_on_pages(other_life) == {}
    assert missing_in_mails(other_life, found) == {}

    arrived = other_life.received_at
    theirs, demos = local_datetime(OTHER, arrived), local_datetime(DEMO, arrived)
    assert theirs != demos
    page = other_life.pages["desk request page after the answer"]
    acknowledgement = mail_text(found["acknowledgement to the author"])
    for where, text in (("desk request page", page), ("acknowledgement", acknowledgement)):
        assert theirs in text, where
        assert demos not in text, where


def test_the_leak_check_sees_the_demo_school_on_every_page_and_message_of_its_own_app(
    make_app, smtp, tmp_path
):
    """The same life under the demo profile: if the check found nothing here, it proves nothing."""
    # Round-the-clock deadlines: the call of two hours ago is late at any hour of the week.
    calendar_clock = profile_variant(tmp_path, support__deadlines__clock="calendar")
    app = make_app(SCHOOL_PROFILE=calendar_clock)
    life = live_request_life(app, smtp, load_profile(Path(calendar_clock)))
    assert [label for label, message in mails_by_label(life).items() if message is None] == []
    blind = [name for name, page in life.pages.items() if not leaked_facts(page, DEMO_ONLY)]
    blind += [m["Subject"] for _, m in life.mails if not leaked_facts(mail_text(m), DEMO_ONLY)]
    assert blind == []
