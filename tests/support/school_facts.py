"""A school's facts in every spelling the app or a message could show them, and a search for them.

The facts are read from a profile, never listed by hand: a school adopts the product by editing
its profile, so whatever the demo profile says is exactly what must not reach another school.

    demo_only = foreign_facts(shown=other_profile, foreign=demo_profile)
    assert not leaked_facts(page_html, demo_only)
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import phonenumbers
from pydantic import AnyUrl

from webapp.school import SchoolProfile
from webapp.school.sitegen import hours_text, minutes_text

# Keys whose values are codes, settings or references, not words a person reads. (The people of
# `staff` and the titles of `roles` are added by `profile_facts` itself, in several spellings.)
HIDDEN_KEYS = {
    "id", "route_to", "roles", "permissions", "days", "clock", "clocks", "kind", "notify",
    "head_role", "control_role", "staff", "public", "confidential", "file", "calendar", "start",
    "end", "self_help", "route_by", "consultation", "hotline", "help", "class_teacher", "teachers",
    "classes", "request_type",
}  # fmt: skip

# The product's own words, said to every school: the author's roles, the form's e-mail field and
# its hint «телефон, почту или и то и другое», the web form as a channel, an answer given by
# phone. The demo's channel «По телефону» or request type «Другое» found in them proves nothing.
PRODUCT_WORDS = (
    "Ученик", "Родитель", "Учитель", "Электронная почта", "и то и другое", "форма на сайте",
    "Ответ дан по телефону",
)  # fmt: skip

# A text that is a date (the demo's consent_version «2026-11-30») may be today's, which a date
# field of any school shows: not a fact one could tell apart.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def normalize(text: str) -> str:
    """Text as compared: entities decoded, case and «ё» ignored, any run of spaces one space."""
    text = html.unescape(text).casefold().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip()


def visible_text(markup: str) -> str:
    """What a person reads on a page: the markup without scripts, styles and tags."""
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", markup, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", markup)


def profile_facts(profile: SchoolProfile) -> set[str]:
    """Every fact of the profile a person could read, in the spellings people write it."""
    found: set[str] = set()
    _walk(profile.model_dump(mode="python"), None, found)
    for role in profile.roles:  # `roles` is hidden from the walk: in `staff` it lists ids
        found |= {role.title, role.duties}
    for member in profile.staff:
        found |= name_spellings(member.name)
        found |= {member.position, member.email}
    for phone in _phones(profile):
        found |= phone_spellings(phone)
    for address in _emails(profile) | _urls(profile):
        found.add(_host(address))
    for text in [profile.school.full_name, profile.school.short_name,
                 *(p.name for p in profile.platforms)]:  # fmt: skip
        found |= set(re.findall(r"«([^»]+)»", text))
        found |= {part.strip() for part in text.split(" / ")}
    found |= {part.strip() for part in profile.school.address.split(",") if len(part.strip()) > 5}
    hours = profile.support.hours
    if hours is not None:
        found |= {hours.describe(), f"{hours.start}–{hours.end}", f"{hours.start}-{hours.end}"}
    deadlines = profile.support.deadlines
    if deadlines is not None:
        for minutes in (deadlines.assign_minutes, deadlines.take_into_work_minutes):
            if minutes is not None:
                found |= {minutes_text(minutes), f"{minutes} мин"}
        if deadlines.process_hours is not None:
            found.add(hours_text(deadlines.process_hours))
    for order in _orders(profile):
        found.add(order.describe())
        if order.number:
            found.add(f"№ {order.number}")
    return {f for f in found if f and not _ISO_DATE.fullmatch(f)}


def foreign_facts(shown: SchoolProfile, foreign: SchoolProfile) -> list[str]:
    """The facts of `foreign` that must not show in an app run for `shown`: all of them except
    those that are part of a fact of `shown` («Учитель» of «Учитель истории») or of the
    product's own words."""
    own = [normalize(f) for f in profile_facts(shown)] + [normalize(w) for w in PRODUCT_WORDS]
    theirs = {normalize(f) for f in profile_facts(foreign)}
    return sorted(f for f in theirs if not any(f in o for o in own))


def leaked_facts(text: str, facts: list[str], *, ignore_spaces: bool = False) -> list[str]:
    """The facts found in `text` (markup or plain text; both the markup and its words are read).

    A fact that begins or ends with a letter or digit counts only as a whole word there, so the
    demo's «Лично» is not found in «отлично». With `ignore_spaces` (for mail headers, whose
    encoded words may gain or lose a space where they are folded) spaces are dropped on both
    sides and only facts of ten or more characters are sought."""
    haystack = normalize(text) + "\n" + normalize(visible_text(text))
    if ignore_spaces:
        haystack = haystack.replace(" ", "")
        return [f for f in facts if len(f.replace(" ", "")) >= 10 and f.replace(" ", "") in haystack]
    return [f for f in facts if _pattern(f).search(haystack)]


def name_spellings(name: str) -> set[str]:
    """«Орлова Марина Викторовна», «Орлова», «Орлова М. В.», «М. В. Орлова», «Марина Викторовна»."""
    parts = name.split()
    spellings = {name, parts[0]}
    if len(parts) == 3:
        surname, first, middle = parts
        initials = f"{first[0]}. {middle[0]}."
        spellings |= {f"{surname} {initials}", f"{surname} {first[0]}.{middle[0]}.",
                      f"{initials} {surname}", f"{first} {middle}"}  # fmt: skip
    return spellings


def phone_spellings(phone: str) -> set[str]:
    """The profile's spelling, the digits alone, and the usual national and international forms."""
    number = phonenumbers.parse(phone, "RU")
    formats = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
               phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.RFC3966)  # fmt: skip
    spellings = {phone, re.sub(r"\D", "", phone)}
    spellings |= {phonenumbers.format_number(number, f) for f in formats}
    return spellings


def _walk(value, key, found: set[str]) -> None:
    if key in HIDDEN_KEYS:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, k, found)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, key, found)
    elif isinstance(value, AnyUrl):
        found.add(str(value))
    elif isinstance(value, str) and value:
        found.add(value)


def _orders(profile: SchoolProfile) -> list:
    """The director's orders the profile names: the appointment and the approval."""
    orders = [profile.responsible.order] if profile.responsible else []
    approval = profile.procedure.approved_by
    return orders + ([approval.order] if approval and approval.order else [])


def _phones(profile: SchoolProfile) -> set[str]:
    phones = {p.number for p in profile.support.phones}
    phones |= {s.phone for s in profile.staff if s.phone}
    phones |= {p.phone for p in profile.platforms if p.phone}
    return phones


def _emails(profile: SchoolProfile) -> set[str]:
    emails = {profile.support.email} - {None} | {s.email for s in profile.staff}
    return emails | {p.email for p in profile.platforms if p.email}


def _urls(profile: SchoolProfile) -> set[str]:
    urls = [profile.school.site_url, *(p.url for p in profile.platforms),
            *(i.url for i in (profile.links.items if profile.links else [])),
            *(a.url for a in profile.legal_basis)]  # fmt: skip
    return {str(u) for u in urls if u is not None}


def _host(address: str) -> str:
    """The domain of an address or a link: a page naming it points at that school."""
    if "@" in address and "//" not in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(address).hostname or address


def _pattern(fact: str) -> re.Pattern:
    left = r"(?<!\w)" if fact[0].isalnum() else ""
    right = r"(?!\w)" if fact[-1].isalnum() else ""
    return re.compile(left + re.escape(fact) + right)
