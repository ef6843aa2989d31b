"""Search on the help site understands Russian word forms and works from our own server only."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.site import PAGES, SiteServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(built_site):
    return built_site("demo")


@pytest.fixture
def offline_page(browser, site):
    """A page on the demo site where any request to another server is refused and noted."""
    with SiteServer(site.root) as server:
        context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
        refused: list[str] = []

        def guard(route):
            if route.request.url.startswith(server.url + "/"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.goto(server.url + "/", wait_until="networkidle")
        yield page, server, refused
        context.close()


def search(page, words: str) -> list[str]:
    """Type into the search box as a person would; return the paths of the pages found."""
    page.click("input.md-search__input")
    page.keyboard.type(words)
    page.keyboard.press("End")  # a real keyboard sends keyup for every key; the theme listens to it
    page.wait_for_function(
        "document.querySelector('.md-search-result__meta').textContent.trim() !== "
        "'Начните печатать для поиска'"
    )
    hrefs = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    return sorted({urlsplit(urljoin(page.url, h)).path for h in hrefs})


def word_forms(site, url: str, stem: str) -> set[str]:
    return {w.lower() for w in re.findall(rf"\b{stem}\w*", site.article(url).text, re.I)}


def test_search_index_is_built_for_russian(site):
    config = json.loads((site.root / "search" / "search_index.json").read_text("utf-8"))["config"]
    assert config["lang"] == ["ru"]
    assert config["pipeline"] == ["stemmer", "stopWordFilter"]


def test_another_form_of_a_word_finds_the_page(offline_page, site):
    page, server, refused = offline_page
    # Pages that say "учитель" in some form, but never "учителя" as typed.
    other_forms = [u for u in PAGES if (f := word_forms(site, u, "учител")) and "учителя" not in f]
    assert "/konsultacii/" in other_forms
    found = search(page, "учителя")
    assert set(other_forms) & set(found), found
    assert "/konsultacii/" in found
    assert not refused


def test_a_word_absent_from_the_site_finds_nothing(offline_page):
    page, _, _ = offline_page
    assert search(page, "синхрофазотрон") == []
    assert "Совпадений не найдено" in page.inner_text(".md-search-result__meta")


def test_typing_part_of_a_word_still_finds_it(offline_page):
    page, _, _ = offline_page
    assert "/kontakty/" in search(page, "платфо")


def test_search_runs_offline_from_our_own_files(offline_page):
    page, server, refused = offline_page
    search(page, "консультации")
    assert not refused
    for path in ("/search/search_index.json",
                 "/assets/javascripts/lunr/min/lunr.stemmer.support.min.js",
                 "/assets/javascripts/lunr/min/lunr.ru.min.js"):
        assert path in server.requested
    assert any(p.startswith("/assets/javascripts/workers/search-stemming.js?worker=search.")
               for p in server.requested)


# Issue 11: «ё» and «е» are one letter to search, both ways; families' problems find answer pages.

@pytest.mark.parametrize("with_e, with_yo", [("ребенка", "ребёнка"), ("отсчет", "отсчёт")])
def test_e_and_yo_find_the_same_pages(browser, site, with_e, with_yo):
    saying = {u for u in site_pages(site) if with_yo in site.article(u).text}
    assert saying and not any(with_e in site.article(u).text for u in saying)
    found = {}
    for typed in (with_e, with_yo):
        with SiteServer(site.root) as server:  # a fresh page per spelling: nothing carried over
            context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(server.url + "/", wait_until="networkidle")
            found[typed] = search(page, typed)
            context.close()
    assert found[with_e] == found[with_yo]
    assert saying & set(found[with_e]), found


@pytest.mark.parametrize("word, answer", [("пароль", "/pomoshch/parol/"), ("камера", "/pomoshch/zvuk-i-kamera/"),
                                          ("оценки", "/pomoshch/ocenki/"), ("чат", "/pomoshch/chat-klassa/")])
def test_families_commonest_problems_find_an_answer_page(offline_page, word, answer):
    page, _, _ = offline_page
    assert answer in search(page, word)


def site_pages(site) -> list[str]:
    return [f"/{p.parent.relative_to(site.root)}/".replace("/./", "/")
            for p in site.root.rglob("index.html") if p.parent.name not in ("search", "404")
            and "<article" in p.read_text(encoding="utf-8")]
