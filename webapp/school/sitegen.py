"""Feeds the school profile into the help site's pages (mkdocs-macros-plugin module).

mkdocs.yml names this file as the macros module. The pages read the same validated profile as
the app (`load_profile()`, honouring SCHOOL_PROFILE), so a fact is written once, in the profile.
A wrong profile stops `mkdocs build` with the profile's Russian message and no traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers

# mkdocs-macros loads this file by its path, so the repository root may not be importable yet.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from webapp.school import ProfileError, SchoolProfile, load_profile, profile_path  # noqa: E402
from webapp.school.confidentiality import (  # noqa: E402
    confidentiality_promise,
    readers_text,
    role_in_sentence,
)
from webapp.school.selfhelp import TOPICS  # noqa: E402
from webapp.school.wording import plural  # noqa: E402


def define_env(env) -> None:
    """Called by mkdocs-macros once per build, before any page is rendered."""
    from mkdocs.exceptions import PluginError

    try:
        profile = load_profile()
        check_linked_files(profile, Path(env.conf["docs_dir"]))
    except ProfileError as exc:
        raise PluginError(str(exc)) from None
    env.conf["site_name"] = profile.school.short_name
    env.conf["site_description"] = profile.support.name
    env.conf["copyright"] = f"{profile.school.full_name}. {profile.school.address}"
    env.variables["school"] = profile
    for func in (date_ru, tel_href, minutes_text, hours_text):
        env.filter(func)
    env.macro(lambda: deadlines_list(profile), "deadlines_list")
    env.macro(lambda: utc_offset(profile.school.timezone), "utc_offset")
    env.macro(lambda file: link_title(profile, file), "link_title")
    env.macro(lambda route_to: confidentiality_promise(profile, route_to), "confidentiality_promise")
    env.macro(lambda route_to: readers_text(profile, route_to), "confidential_readers")
    env.macro(lambda topic: types_suggesting(profile, topic), "types_suggesting")
    env.macro(lambda *words: platforms_about(profile, *words), "platforms_about")
    env.macro(platform_support, "platform_support")
    env.macro(lambda person: service_roles_text(profile, person), "service_roles")
    env.macro(lambda: ask_the_service(profile), "ask_the_service")
    env.macro(lambda topic: TOPICS[topic], "self_help_topic")
    env.macro(lambda: next((i for i in profile.links.items if i.kind == "act"), None), "regulation")


def check_linked_files(profile: SchoolProfile, docs_dir: Path) -> None:
    """Every `links.items[].file` must exist in the site's sources, or the link would be dead."""
    missing = [
        f"links.items[{i}].file: файл «{item.file}» не найден в папке {docs_dir}"
        for i, item in enumerate(profile.links.items)
        if item.file is not None and not (docs_dir / item.file).is_file()
    ]
    if missing:
        raise ProfileError(profile_path(), missing)


def link_title(profile: SchoolProfile, file: str) -> str:
    """The title under which the profile lists a document of the site (its page heading)."""
    return next(item.title for item in profile.links.items if item.file == file)


def types_suggesting(profile: SchoolProfile, topic: str) -> list:
    """The request types whose form suggests the answer page `topic` (`request_types[].self_help`);
    the page, in turn, names them as the way to ask the service."""
    return [t for t in profile.request_types if topic in t.self_help]


def platforms_about(profile: SchoolProfile, *words: str) -> list:
    """The profile's platforms whose purpose or `contact_about` mentions one of `words` (a word's
    start, any case): the ones an answer page about calls, chats or the diary speaks of."""
    found = []
    for platform in profile.platforms:
        text = f"{platform.purpose} {platform.contact_about}".lower()
        if any(word.lower() in text for word in words):
            found.append(platform)
    return found


def service_roles_text(profile: SchoolProfile, person) -> str:
    """A person's roles in the service, as prose after the position: '' when the only role says
    what the position already says (no «Педагог-психолог (Педагог-психолог)»), and never in
    brackets, since role titles carry brackets of their own."""
    position = person.position.casefold()
    titles = [profile.role(r).title for r in person.roles]
    titles = [t for t in titles if t.casefold() != position]
    return ", ".join(role_in_sentence(t) for t in titles)


def platform_support(platform) -> str:
    """A platform's support contacts from the profile, as one Markdown sentence."""
    parts = []
    if platform.in_app_help:
        parts.append(platform.in_app_help)
    if platform.phone:
        note = f" ({platform.phone_note})" if platform.phone_note else ""
        parts.append(f"горячая линия [{platform.phone}]({tel_href(platform.phone)}){note}")
    if platform.email:
        parts.append(f"почта [{platform.email}](mailto:{platform.email})")
    if platform.url:
        parts.append(f"сайт [{platform.url}]({platform.url})")
    return f"Поддержка «{platform.name}»: " + "; ".join(parts) + "." if parts else ""


def ask_the_service(profile: SchoolProfile) -> str:
    """The closing paragraph of an answer page: the form and the hotline, from the profile."""
    support = profile.support
    return (
        f"Не помогло? [Оставьте обращение](../obrashchenie.md) или позвоните на горячую линию "
        f"[{support.phone}]({tel_href(support.phone)}) ({support.hours.describe()}). "
        "Напишите, что уже попробовали, — так помогут быстрее."
    )


def hours_text(hours: int) -> str:
    return f"{hours} {plural(hours, 'час', 'часа', 'часов')}"


def minutes_text(minutes: int) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        return hours_text(minutes // 60)
    return f"{minutes} {plural(minutes, 'минута', 'минуты', 'минут')}"


def date_ru(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def tel_href(phone: str) -> str:
    """A `tel:` link target in international form, whatever way the profile writes the number."""
    number = phonenumbers.parse(phone, "RU")
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def utc_offset(timezone: str, at: dt.datetime | None = None) -> str:
    """'UTC+5' for Asia/Yekaterinburg: how a reader compares the service's hours with theirs."""
    offset = (at or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def deadlines_list(profile: SchoolProfile) -> str:
    """The three promised deadlines as a Markdown list, with how the clock runs."""
    d = profile.support.deadlines
    lines = [
        f"- **{minutes_text(d.assign_minutes)}** — за это время обращение передают "
        "специалисту, который за него отвечает;",
        f"- **{minutes_text(d.take_into_work_minutes)}** — за это время специалист берёт "
        "обращение в работу и при необходимости связывается с вами, чтобы уточнить подробности;",
        f"- **{hours_text(d.process_hours)}** с момента поступления — срок, в который вы "
        "получаете ответ по телефону или на почту.",
        "",
    ]
    if d.clock == "working_hours":
        lines.append(
            f"Сроки считаются в рабочее время службы ({profile.support.hours.describe()}): "
            "если обращение пришло в нерабочее время — вечером, в выходной или праздник, — "
            "отсчёт начнётся с ближайшего рабочего часа."
        )
    else:
        lines.append("Сроки считаются по календарю — вечер, ночь и выходные тоже идут в счёт.")
    lines.append(
        "В особых случаях руководитель службы может продлить срок — об этом вам сообщат."
    )
    return "\n".join(lines)


def on_files(files, config):
    """MkDocs hook: publish only the documents under acts/ that the profile links to.

    The folder may hold a school's older acts or the demo's sample documents; a page that the
    profile does not list would show facts that are not this school's.
    """
    linked = {item.file for item in load_profile().links.items if item.file}
    for file in list(files):
        if file.src_uri.startswith("acts/") and file.src_uri not in linked:
            files.remove(file)
    return files
