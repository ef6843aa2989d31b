"""axe-core finds no WCAG 2.1 A/AA violation on any page, on a phone and a desktop, in the usual
look and in the visually-impaired modes."""

from __future__ import annotations

import json
from pathlib import Path

import axe_playwright_python
import pytest

from tests.support.site import PAGES, SiteServer

pytestmark = pytest.mark.browser

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VISION_KEY = "helpdesk-vision"


@pytest.fixture(scope="module")
def demo_server(built_site):
    with SiteServer(built_site("demo").root) as server:
        yield server


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        {"rule": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]


def check_pages(browser, base_url: str, viewport: dict, vision: dict | None) -> dict:
    context = browser.new_context(locale="ru-RU", viewport=viewport)
    if vision:
        context.add_init_script(
            f"localStorage.setItem({json.dumps(VISION_KEY)}, {json.dumps(json.dumps(vision))})"
        )
    page = context.new_page()
    found = {}
    try:
        for url in PAGES:
            page.goto(base_url + url)
            page.wait_for_selector(".vision-toggle")
            if vision:
                assert page.get_attribute("html", "data-vision-scheme") == vision["scheme"]
            violations = axe_violations(page)
            if violations:
                found[url] = violations
    finally:
        context.close()
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_pass_axe_in_the_usual_look(browser, demo_server, viewport):
    found = check_pages(browser, demo_server.url, viewport, None)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("scheme", ["bw", "wb", "blue"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_pass_axe_in_each_visually_impaired_scheme(browser, demo_server, viewport, scheme):
    vision = {"font": "large", "scheme": scheme, "images": "on", "spacing": "wide"}
    found = check_pages(browser, demo_server.url, viewport, vision)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_open_vision_panel_passes_axe(browser, demo_server):
    context = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(demo_server.url + "/")
        page.click(".vision-toggle")
        page.wait_for_selector("#vision-panel", state="visible")
        assert axe_violations(page) == []
    finally:
        context.close()
