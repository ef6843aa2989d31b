"""Feeds the school profile into the help site's pages (mkdocs-macros-plugin module and hooks).

mkdocs.yml names this file as the macros module and as a hook. The pages read the same
validated profile as the app (`site_profile_path()`: SCHOOL_PROFILE from the environment, else
from instance/config.py, else the demo), so a fact is written once, in the profile. A section the
profile leaves out is not shown, and a page made only of such a section is not published.
A wrong profile stops `mkdocs build` with the profile's Russian message and no traceback.
"""

from __future__ import annotations

import os
import re
import sys
import types
from pathlib import Path

import yaml

# mkdocs-macros loads this file by its path, so the repository root may not be importable yet.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from webapp.school import DEMO_PROFILE, ProfileError, SchoolProfile, load_profile  # noqa: E402
from webapp.school import sitewords  # noqa: E402
from webapp.school.confidentiality import (  # noqa: E402
    confidentiality_promise,
    readers_text,
    role_in_sentence,
)
from webapp.school.selfhelp import published_topics, unpublished_pages  # noqa: E402
from webapp.school.sitewords import (  # noqa: E402, F401  (names the tests import from here)
    date_ru,
    hours_text,
    minutes_text,
    tel_href,
    utc_offset,
)
from webapp.school.wording import plural  # noqa: E402, F401

INSTANCE_DIR = _ROOT / "instance"

# Pages shown only when the profile has the section they are made of.
OPTIONAL_PAGES = {"konsultacii.md": "consultations", "dot-eo.md": "links"}


def site_profile_path(instance_dir: Path = INSTANCE_DIR) -> Path:
    """The profile the app would load (webapp/factory.py): SCHOOL_PROFILE from the environment
    wins over instance/config.py, and neither (or an empty value) means the demo school."""
    if "SCHOOL_PROFILE" in os.environ:
        return Path(os.environ["SCHOOL_PROFILE"] or DEMO_PROFILE)
    return Path(_instance_setting(instance_dir, "SCHOOL_PROFILE") or DEMO_PROFILE)


def _instance_setting(instance_dir: Path, key: str):
    """A setting of instance/config.py, read as Flask's `from_pyfile` reads it (the file is
    Python, run in a module of its own), without importing Flask here."""
    path = instance_dir / "config.py"
    if not path.is_file():
        return None
    module = types.ModuleType("config")
    module.__file__ = str(path)
    exec(compile(path.read_bytes(), str(path), "exec"), module.__dict__)  # noqa: S102
    return getattr(module, key, None)


def site_profile(docs_dir: Path | None = None) -> SchoolProfile:
    """The validated profile (with its linked files checked against `docs_dir`); a wrong one
    stops the build with the profile's Russian message and no traceback."""
    from mkdocs.exceptions import PluginError

    try:
        profile = load_profile(site_profile_path())
        if docs_dir is not None:
            check_linked_files(profile, docs_dir)
    except ProfileError as exc:
        raise PluginError(str(exc)) from None
    return profile


def define_env(env) -> None:
    """Called by mkdocs-macros once per build, before any page is rendered."""
    profile = site_profile(Path(env.conf["docs_dir"]))
    env.conf["site_name"] = profile.school.short_name
    env.conf["site_description"] = profile.support.name
    env.conf["copyright"] = f"{profile.school.full_name}. {profile.school.address}"
    env.variables["school"] = profile
    for func in (date_ru, tel_href, minutes_text, hours_text, sitewords.capitalized,
                 sitewords.quoted):
        env.filter(func)
    env.filter(role_in_sentence, "in_sentence")
    env.filter(sitewords.phone_link, "phone_link")
    for func in (sitewords.deadlines_list, sitewords.contact_lines, sitewords.phones_inline,
                 sitewords.hours_of, sitewords.ask_the_service, sitewords.approval_text,
                 sitewords.responsible_text, sitewords.procedure_scope,
                 sitewords.help_kinds_text, sitewords.control_role_text, sitewords.viewers_text):
        env.macro(lambda func=func: func(profile), func.__name__)
    env.macro(lambda: utc_offset(profile.school.timezone), "utc_offset")
    env.macro(lambda file: link_title(profile, file), "link_title")
    env.macro(lambda route_to: confidentiality_promise(profile, route_to), "confidentiality_promise")
    env.macro(lambda route_to: readers_text(profile, route_to), "confidential_readers")
    env.macro(lambda topic: types_suggesting(profile, topic), "types_suggesting")
    env.macro(lambda *words: platforms_about(profile, *words), "platforms_about")
    env.macro(sitewords.platform_support, "platform_support")
    env.macro(lambda person: service_roles_text(profile, person), "service_roles")
    env.macro(lambda: published_topics(profile), "self_help_topics")
    env.macro(lambda: regulation(profile), "regulation")
    env.macro(lambda rtype: sitewords.routed_to(profile, rtype), "routed_to")
    env.macro(lambda page: page not in hidden_pages(profile), "published")


def regulation(profile: SchoolProfile):
    """The first act the profile links to, or None."""
    items = profile.links.items if profile.links else []
    return next((i for i in items if i.kind == "act"), None)


def published_optional_pages(profile: SchoolProfile) -> set[str]:
    return {page for page, key in OPTIONAL_PAGES.items() if getattr(profile, key) is not None}


def hidden_pages(profile: SchoolProfile) -> set[str]:
    """The pages the profile gives nothing to: optional pages of absent sections, and the answer
    pages of problems no request type suggests (with their list, when none is left)."""
    return (set(OPTIONAL_PAGES) - published_optional_pages(profile)) | unpublished_pages(profile)


def check_linked_files(profile: SchoolProfile, docs_dir: Path) -> None:
    """Every `links.items[].file` must exist in the site's sources, or the link would be dead;
    a document made from a profile section (`requires:` in its front matter) needs that section."""
    items = profile.links.items if profile.links else []
    problems = []
    for i, item in enumerate(items):
        if item.file is None:
            continue
        source = docs_dir / item.file
        if not source.is_file():
            problems.append(f"links.items[{i}].file: файл «{item.file}» не найден в папке {docs_dir}")
            continue
        for key in required_sections(source):
            if getattr(profile, key, None) is None:
                problems.append(
                    f"links.items[{i}].file: документ «{item.file}» составлен из раздела {key}, "
                    f"а его в профиле нет — добавьте раздел {key} или уберите ссылку"
                )
    if problems:
        raise ProfileError(site_profile_path(), problems)


def required_sections(source: Path) -> list[str]:
    """The profile sections a Markdown page names in its front matter (`requires: [...]`)."""
    if source.suffix != ".md":
        return []
    match = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.S)
    meta = yaml.safe_load(match.group(1)) if match else None
    return list((meta or {}).get("requires", []))


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
    """A person's roles, as prose after the position: '' when the only role says what the
    position already says (no «Педагог-психолог (Педагог-психолог)», no «Секретарь; по
    обращениям — секретарь школы»), and never in brackets, since role titles carry brackets of
    their own."""
    position = person.position.casefold()
    titles = [profile.role(r).title for r in person.roles]
    titles = [t for t in titles if not _same_post(t.casefold(), position)]
    return ", ".join(role_in_sentence(t) for t in titles)


def _same_post(title: str, position: str) -> bool:
    """«секретарь школы» and «секретарь» name one post: one is the other with words added."""
    return title == position or title.startswith(position + " ") or position.startswith(title + " ")


def on_config(config):
    """MkDocs hook: take out of the menu the pages the profile gives nothing to, and a menu
    section left empty («Частые проблемы» of a school whose forms suggest no answer page)."""
    hidden = hidden_pages(site_profile())
    config["nav"] = _without(config["nav"], hidden) if config.get("nav") else config["nav"]
    return config


def _without(nav: list, hidden: set[str]) -> list:
    kept = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            value = _without(value, hidden)
            if value:
                kept.append({next(iter(entry)): value} if isinstance(entry, dict) else value)
        elif value not in hidden:
            kept.append(entry)
    return kept


def on_files(files, config):
    """MkDocs hook: publish only the documents under acts/ that the profile links to, and only
    the pages the profile gives something to (`hidden_pages`).

    The acts folder may hold a school's older acts or the demo's sample documents; a page that
    the profile does not list would show facts that are not this school's.
    """
    profile = site_profile()
    items = profile.links.items if profile.links else []
    linked = {item.file for item in items if item.file}
    hidden = hidden_pages(profile)
    for file in list(files):
        if file.src_uri.startswith("acts/") and file.src_uri not in linked:
            files.remove(file)
        elif file.src_uri in hidden:
            files.remove(file)
    return files
