"""The help site loads nothing from foreign servers: no CDN, fonts, analytics or embeds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.support.site import PAGES, SiteServer

# Foreign addresses that occur in the theme's JavaScript (Material's bundle, its search worker
# and the lunr language files it copies), by prefix, each with the reason it is never fetched on
# our site. Any other foreign address in a script fails the test.
ALLOWED_IN_SCRIPTS = {
    # Code paths of the theme that our configuration never takes:
    "https://api.github.com/": "repository facts, fetched only when repo_url is set; it is not",
    "https://unpkg.com/mermaid": "loaded only for pages with Mermaid diagrams; we have none",
    "https://unpkg.com/resize-observer-polyfill": "loaded only by browsers without "
    "ResizeObserver; every browser the theme supports has it",
    "https://bit.ly/2s3ChXG": "a link inside a console warning text, never requested",
    # Licence and source comments inside the bundled libraries, never requested:
    "https://clipboardjs.com/": "licence comment",
    "http://lunrjs.com": "licence comment",
    "http://www.mozilla.org/MPL/": "licence comment of the lunr language files",
    "https://github.com/": "source references in comments",
    "http://snowball.tartarus.org/": "comment naming the stemming algorithms",
    "http://tartarus.org/": "comment naming the Porter stemmer",
    "http://code.google.com/p/urim/": "comment naming the stemmer generator",
    "http://chasen.org/": "licence comment of the Japanese segmenter",
    "http://docs.python.org/": "code comment",
    "http://en.wikipedia.org/": "code comment",
    "http://msdn.microsoft.com/": "code comment",
    "http://narwhaljs.org": "code comment",
    "http://people.mozilla.org/": "code comment",
    "http://underscorejs.org": "code comment",
    "http://wiki.commonjs.org/": "code comment",
    "http://wiki.ecmascript.org/": "code comment",
    "https://developer.mozilla.org/": "code comment",
}

# Attributes through which a page makes the browser fetch something.
RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
SCRIPT_URL = re.compile(r"""https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>\\]*""")


def is_own(url: str) -> bool:
    """Relative or same-origin paths, and data: URIs (inline, nothing is fetched)."""
    parts = urlsplit(url.strip())
    if parts.scheme == "data":
        return True
    return not parts.scheme and not parts.netloc and not url.strip().startswith("//")


class _ResourceFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in RESOURCE_ATTRIBUTES.get(tag, ()):
            for url in srcset_urls(attrs.get(name)) if "srcset" in name else [attrs.get(name)]:
                if url:
                    self.found.append((f"<{tag} {name}>", url))
        if attrs.get("style"):
            self.found += [("style=", u) for u in css_urls(attrs["style"])]
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.found.append(("<meta refresh>", (attrs.get("content") or "").split("url=")[-1]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [("<style>", u) for u in css_urls(data)]


def srcset_urls(value: str | None) -> list[str]:
    return [part.strip().split()[0] for part in (value or "").split(",") if part.strip()]


def css_urls(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(text)]


@pytest.fixture(params=["demo", "other_school"])
def site(request, built_site):
    return built_site(request.param)


def test_pages_reference_only_our_own_resources(site):
    foreign = []
    for path in site.files(".html"):
        finder = _ResourceFinder()
        finder.feed(path.read_text(encoding="utf-8"))
        rel = path.relative_to(site.root)
        foreign += [(str(rel), where, url) for where, url in finder.found if not is_own(url)]
    assert not foreign


def test_stylesheets_load_nothing_from_elsewhere(site):
    sheets = site.files(".css")
    assert any("vision" in p.name for p in sheets)
    foreign = [(p.name, url) for p in sheets
               for url in css_urls(p.read_text(encoding="utf-8")) if not is_own(url)]
    assert not foreign


def test_scripts_name_no_foreign_address_beyond_the_explained_ones(site):
    scripts = site.files(".js")
    assert any(p.name == "vision.js" for p in scripts)
    found = {url for p in scripts for url in SCRIPT_URL.findall(p.read_text(encoding="utf-8"))}
    assert found
    unexplained = {u for u in found if not u.startswith(tuple(ALLOWED_IN_SCRIPTS))}
    assert not unexplained


def test_our_own_scripts_and_styles_name_no_address_at_all(site):
    ours = [site.root / "assets" / n for n in
            ("vision/vision.js", "vision/vision.css", "form-frame.js", "site.css",
             "search-stemming.js", "javascripts/workers/search-stemming.js")]
    for path in ours:
        assert not SCRIPT_URL.findall(path.read_text(encoding="utf-8")), path.name


def test_the_scan_notices_foreign_resources():
    finder = _ResourceFinder()
    finder.feed('<link rel="stylesheet" href="https://fonts.example.com/css">'
                '<img srcset="a.png 1x, //cdn.example.com/b.png 2x">'
                '<div style="background: url(https://x.example.net/i.png)"></div>'
                '<script src="../assets/ok.js"></script><iframe src="/app/form?embed=1"></iframe>')
    foreign = [url for _, url in finder.found if not is_own(url)]
    assert foreign == ["https://fonts.example.com/css", "//cdn.example.com/b.png",
                       "https://x.example.net/i.png"]
    assert css_urls("@import 'https://a.example.org/x.css'; b{background:url(data:x)}") == [
        "https://a.example.org/x.css", "data:x"]


@pytest.mark.browser
def test_browser_requests_only_our_own_server(browser, built_site):
    with SiteServer(built_site("demo").root) as server:
        context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
        requested: list[str] = []
        context.on("request", lambda r: requested.append(r.url))
        page = context.new_page()
        try:
            for url in PAGES:
                page.goto(server.url + url, wait_until="networkidle")
            page.click("input.md-search__input")
            page.keyboard.type("платформа")
            page.keyboard.press("End")
            page.wait_for_selector(".md-search-result__item")
            page.keyboard.press("Escape")
            page.click(".vision-toggle")
            page.get_by_role("radio", name="Белый на чёрном").check()
            page.reload(wait_until="networkidle")
        finally:
            context.close()
    foreign = [u for u in requested if not u.startswith(server.url + "/")]
    assert requested and not foreign
    assert "/search/search_index.json" in server.requested
