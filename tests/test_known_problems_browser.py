"""A known problem as families and staff meet it in Chromium: on the site, on the form, on the desk."""

from __future__ import annotations

import json

import pytest
import requests

from tests.support.browser import axe_violations
from tests.support.live import LiveServer
from tests.support.staff import login_page
from tests.support.submissions import form_data
from webapp.extensions import db
from webapp.models.types import utc_now
from webapp.requests import problems
from webapp.web.current import current_register

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
TITLE = "Не открывается Сферум"
TEXT = "Сферум недоступен во всём регионе. Уроки идут в ИСОУ «Виртуальная школа»."


@pytest.fixture
def app_and_site(make_app, built_site):
    app = make_app(SITE_DIR=str(built_site("demo").root))
    with LiveServer(app) as running:
        yield app, running.url


def declare(app) -> int:
    with app.app_context():
        problem = problems.declare(current_register(), "orlova", problems.ProblemFacts(
            title=TITLE, public_text=TEXT, request_types=("technical",), platform="sferum",
            started_at=utc_now()))  # fmt: skip
        db.session.commit()
        return problem.id


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_site_and_the_form_show_a_problem_until_it_is_resolved(browser, app_and_site, viewport):
    app, base = app_and_site
    with_js = browser.new_context(locale="ru-RU", viewport=viewport)
    without_js = browser.new_context(locale="ru-RU", viewport=viewport, java_script_enabled=False)
    home, form, head = with_js.new_page(), without_js.new_page(), with_js.new_page()
    try:
        home.goto(base + "/")
        home.wait_for_load_state("networkidle")
        assert home.locator(".known-problem").count() == 0
        login_page(head, base, "orlova", app=app)  # the head declares it on the desk
        head.get_by_role("link", name="Известные проблемы").click()
        head.get_by_label("Что не работает (коротко, это увидят семьи)").fill(TITLE)
        head.get_by_label("Что известно и что делает школа").fill(TEXT)
        head.get_by_label("Техническая проблема").check()
        with head.expect_navigation():
            head.get_by_role("button", name="Объявить").click()
        assert "Проблема объявлена" in head.locator("main").inner_text()
        home.reload()
        banner = home.locator(".known-problem")
        banner.first.wait_for(timeout=5000)
        assert TITLE in banner.inner_text() and TEXT in banner.inner_text()
        assert home.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        form.goto(base + "/app/form")  # no JavaScript: the app writes the list into the page
        assert TITLE in form.locator(".known-problem").inner_text()
        technical = form.locator("#request_type").inner_text()
        assert "Школа уже знает" in technical  # next to the affected type

        noscript = without_js.new_page()
        noscript.goto(base + "/")  # the static page links to the app's list instead
        noscript.get_by_role("link", name="Известные сбои").click()
        assert TITLE in noscript.locator("main").inner_text()

        head.get_by_label("Письмо семьям: что случилось и что делать теперь").fill("Сферум снова работает.")
        with head.expect_navigation():
            head.get_by_role("button", name="Решено: ответить всем").click()
        assert "Проблема решена" in head.locator("main").inner_text()
        home.reload()
        home.wait_for_load_state("networkidle")
        assert home.locator(".known-problem").count() == 0
        form.reload()
        assert form.locator(".known-problem").count() == 0
    finally:
        with_js.close()
        without_js.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_problem_pages_are_accessible(browser, app_and_site, viewport):
    app, base = app_and_site
    problem_id = declare(app)
    context = browser.new_context(locale="ru-RU", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        sent = requests.post(base + "/app/form", data=form_data(contact_email="parent@example.ru"),
                             allow_redirects=False, timeout=30)  # fmt: skip
        assert sent.status_code == 303
        for name, path in [("home with a problem", "/"), ("form with a problem", "/app/form"),
                           ("public list", "/app/problems"), ("confirmation of a linked request", sent.headers["Location"])]:  # fmt: skip
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            found[name] = axe_violations(page)
        assert "Школа уже знает об этой проблеме" in page.locator("main").inner_text()
        login_page(page, base, "orlova", app=app)
        for name, path in [("desk list", "/app/desk/problems"), ("desk problem", f"/app/desk/problems/{problem_id}"),
                           ("hotline", "/app/desk/hotline")]:  # fmt: skip
            page.goto(base + path)
            found[name] = axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        assert TITLE in page.locator("main").inner_text()  # the hotline sees the open problem
    finally:
        context.close()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
