"""The help site in tests: built by the real `mkdocs build --strict`, served over real HTTP."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask, request

from tests.support.live import LiveServer
from webapp.school import DEMO_PROFILE, SchoolProfile, load_profile

ROOT = Path(__file__).resolve().parents[2]
PROFILE_DIR = ROOT / "tests" / "profiles"
# "demo", and every test profile by its file's stem ("other_school", "school_000_nizhnie_sergi"…).
PROFILES = {"demo": DEMO_PROFILE, **{p.stem: p for p in sorted(PROFILE_DIR.glob("*.yaml"))}}

# The fixed page URLs of the help site (COMMON.md).
PAGES = [
    "/",
    "/poryadok/",
    "/kontakty/",
    "/dot-eo/",
    "/konsultacii/",
    "/obrashchenie/",
    "/personalnye-dannye/",
    "/soglasie/",
]


def run_mkdocs_build(dest: Path, profile: Path | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SCHOOL_PROFILE", None)
    if profile is not None:
        env["SCHOOL_PROFILE"] = str(profile)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(dest)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@dataclass
class BuiltSite:
    name: str
    root: Path
    profile: SchoolProfile

    def html(self, url: str) -> str:
        return (self.root / url.strip("/") / "index.html").read_text(encoding="utf-8")

    def has_page(self, url: str) -> bool:
        return (self.root / url.strip("/") / "index.html").is_file()

    def article(self, url: str) -> PageContent:
        """The page's own content (the Markdown part, without theme chrome)."""
        match = re.search(r"<article[^>]*>(.*)</article>", self.html(url), re.S)
        assert match, f"no <article> on {url}"
        return PageContent.parse(match.group(1))

    def files(self, *suffixes: str) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file() and p.suffix in suffixes)


class SiteBuilder:
    """Builds each profile's site once per test run, on first use."""

    def __init__(self, base: Path):
        self.base = base
        self._built: dict[str, BuiltSite] = {}

    def __call__(self, name: str, profile: Path | None = None) -> BuiltSite:
        """The site of PROFILES[name], or of the profile file `profile` under that name."""
        if name not in self._built:
            dest = self.base / name
            path = profile or PROFILES[name]
            result = run_mkdocs_build(dest, path)
            assert result.returncode == 0, result.stderr
            self._built[name] = BuiltSite(name, dest, load_profile(path))
        return self._built[name]


@dataclass
class PageContent:
    """Visible text (whitespace collapsed), links and table rows of a piece of HTML."""

    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    rows: list[list[str]] = field(default_factory=list)

    @classmethod
    def parse(cls, markup: str) -> PageContent:
        parser = _ContentParser()
        parser.feed(markup)
        return cls(squash(" ".join(parser.text)), parser.links, parser.rows)

    def hrefs(self) -> set[str]:
        return {href for href, _ in self.links}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


class _ContentParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self._link: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a":
            self._link = (attrs.get("href") or "", [])
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "a" and self._link:
            self.links.append((self._link[0], squash(" ".join(self._link[1]))))
            self._link = None
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(squash(" ".join(self._cell)))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._link:
            self._link[1].append(data)
        if self._cell is not None:
            self._cell.append(data)


class SiteServer:
    """The built site served by the app's own site blueprint, logging every path asked for.

    `extra_routes` maps a path to an HTML body: a stand-in for the app's pages where a test
    needs the other side of an interface (the embedded form).
    """

    def __init__(self, site_dir: Path, extra_routes: dict[str, str] | None = None):
        from webapp.site_files import bp as site_bp

        app = Flask("help_site_under_test")
        app.config["SITE_DIR"] = str(site_dir)
        self.requested: list[str] = []

        @app.before_request
        def _log():
            self.requested.append(request.full_path.rstrip("?"))

        for path, body in (extra_routes or {}).items():
            app.add_url_rule(path, path, lambda body=body: body)
        app.register_blueprint(site_bp)
        self._live = LiveServer(app)
        self.url = self._live.url

    def __enter__(self) -> SiteServer:
        self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._live.__exit__(*exc)
