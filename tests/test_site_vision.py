"""The version for the visually impaired: each switch changes the page, the choice survives a
reload and a move to another page, the panel works from the keyboard, the app can reuse it."""

from __future__ import annotations

import json

import pytest

from tests.support.site import SiteServer

pytestmark = pytest.mark.browser

# A page of the app, as the app's base template will include the widget (a stand-in: the test
# checks the widget's contract, not the app).
APP_LIKE_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Форма</title>
<link rel="stylesheet" href="/assets/vision/vision.css">
<script src="/assets/vision/vision.js"></script></head>
<body><header class="app-header"><a href="/">Школа</a><span data-vision-slot></span></header>
<main><h1>Обращение</h1><p>Текст страницы приложения.</p></main></body></html>"""


@pytest.fixture(scope="module")
def server(built_site):
    with SiteServer(built_site("demo").root, {"/app/form": APP_LIKE_PAGE}) as running:
        yield running


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"el => getComputedStyle(el)[{prop!r}]")


def font_px(page) -> float:
    return float(style(page, "html", "fontSize").removesuffix("px"))


def choose(page, label: str) -> None:
    if page.is_hidden("#vision-panel"):
        page.click(".vision-toggle")
    page.get_by_role("radio", name=label, exact=True).check()


def saved(page) -> dict:
    return json.loads(page.evaluate("localStorage.getItem('helpdesk-vision')") or "{}")


def test_three_font_sizes_grow_the_text(page, server):
    page.goto(server.url + "/poryadok/")
    sizes = [font_px(page)]
    for label in ("Крупный", "Очень крупный"):
        choose(page, label)
        sizes.append(font_px(page))
    assert sizes[0] < sizes[1] < sizes[2]
    assert saved(page)["font"] == "xlarge"


@pytest.mark.parametrize("label, fg, bg", [
    ("Чёрный на белом", "rgb(0, 0, 0)", "rgb(255, 255, 255)"),
    ("Белый на чёрном", "rgb(255, 255, 255)", "rgb(0, 0, 0)"),
    ("Тёмно-синий на голубом", "rgb(6, 52, 98)", "rgb(157, 209, 255)"),
])
def test_colour_scheme_recolours_text_header_and_links(page, server, label, fg, bg):
    page.goto(server.url + "/kontakty/")
    header_before = style(page, ".md-header", "backgroundColor")
    choose(page, label)
    for selector in ("body", ".md-header", ".md-content p", ".md-content a"):
        assert style(page, selector, "color") == fg, selector
        assert style(page, selector, "backgroundColor") in (bg, "rgba(0, 0, 0, 0)"), selector
    assert style(page, ".md-header", "backgroundColor") == bg != header_before
    assert "underline" in style(page, ".md-content p a", "textDecorationLine")


def test_images_can_be_hidden_and_shown(page, server):
    page.goto(server.url + "/")
    picture = "img.home-picture"
    assert style(page, picture, "display") != "none"
    choose(page, "Скрыть")
    assert style(page, picture, "display") == "none"
    choose(page, "Показывать")
    assert style(page, picture, "display") != "none"


def test_letter_spacing_can_be_widened(page, server):
    page.goto(server.url + "/konsultacii/")
    assert style(page, ".md-content p", "letterSpacing") == "normal"
    choose(page, "Увеличенное")
    spacing = float(style(page, ".md-content p", "letterSpacing").removesuffix("px"))
    font = float(style(page, ".md-content p", "fontSize").removesuffix("px"))
    assert spacing == pytest.approx(0.12 * font, rel=0.05)


def test_choice_survives_reload_and_applies_before_the_body_is_drawn(page, server):
    page.goto(server.url + "/")
    choose(page, "Белый на чёрном")
    choose(page, "Очень крупный")
    choose(page, "Скрыть")
    # On the next load, note the scheme at the moment <body> first enters the document.
    page.add_init_script("""
        new MutationObserver((changes, observer) => {
          if (document.body) {
            window.schemeAtBody = document.documentElement.getAttribute('data-vision-scheme');
            observer.disconnect();
          }
        }).observe(document, {childList: true, subtree: true});
    """)
    page.reload()
    assert page.evaluate("window.schemeAtBody") == "wb"
    assert style(page, "body", "backgroundColor") == "rgb(0, 0, 0)"
    assert style(page, "img.home-picture", "display") == "none"
    page.goto(server.url + "/soglasie/")
    assert style(page, ".md-content p", "color") == "rgb(255, 255, 255)"
    assert page.get_attribute("html", "data-vision-font") == "xlarge"
    page.click(".vision-toggle")
    assert page.get_by_role("radio", name="Белый на чёрном").is_checked()


def test_choices_are_kept_under_one_storage_key(page, server):
    page.goto(server.url + "/")
    choose(page, "Крупный")
    choose(page, "Тёмно-синий на голубом")
    choose(page, "Увеличенное")
    keys = page.evaluate("Object.keys(localStorage)")
    assert [k for k in keys if "vision" in k] == ["helpdesk-vision"]
    assert saved(page) == {"font": "large", "scheme": "blue", "images": "on", "spacing": "wide"}


def test_reset_returns_the_usual_look(page, server):
    page.goto(server.url + "/")
    normal = font_px(page)
    choose(page, "Белый на чёрном")
    choose(page, "Очень крупный")
    page.get_by_role("button", name="Обычная версия сайта").click()
    assert font_px(page) == normal
    assert page.get_attribute("html", "data-vision-scheme") is None
    assert page.get_by_role("radio", name="Как на сайте").is_checked()
    page.reload()
    assert font_px(page) == normal


def test_damaged_saved_choice_falls_back_to_the_usual_look(page, server):
    page.goto(server.url + "/")
    page.evaluate("localStorage.setItem('helpdesk-vision', '{not json')")
    page.reload()
    assert page.get_attribute("html", "data-vision-scheme") is None
    page.evaluate("localStorage.setItem('helpdesk-vision', JSON.stringify({scheme: 'pink'}))")
    page.reload()
    assert page.get_attribute("html", "data-vision-scheme") is None


def test_panel_works_from_the_keyboard(page, server):
    page.goto(server.url + "/")
    toggle = page.locator(".vision-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('vision-toggle')"):
            break
    else:
        pytest.fail("the toggle cannot be reached with Tab")
    assert toggle.get_attribute("aria-controls") == "vision-panel"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.is_visible("#vision-panel")
    assert page.evaluate("document.activeElement.name") == "vision-font"
    page.keyboard.press("ArrowDown")  # radio group: the next size
    assert page.get_attribute("html", "data-vision-font") == "large"
    page.keyboard.press("Escape")
    assert page.is_hidden("#vision-panel")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('vision-toggle')")


def test_toggle_is_named_for_screen_readers_on_a_phone(browser, server):
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        button = page.get_by_role("button", name="Версия для слабовидящих")
        assert button.is_visible()
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    finally:
        context.close()


def test_app_pages_reuse_the_widget_and_the_saved_choice(page, server):
    page.goto(server.url + "/")
    choose(page, "Тёмно-синий на голубом")
    page.goto(server.url + "/app/form")
    assert page.is_visible(".app-header [data-vision-slot] .vision-toggle")
    assert style(page, "main p", "color") == "rgb(6, 52, 98)"
    assert style(page, "body", "backgroundColor") == "rgb(157, 209, 255)"
