"""In Chromium, as people use it (issue 12): the author rates an answer through the confirm page
on a phone; the head opens a control figure; axe-core finds nothing on the control view, the
reports and the rating page at a phone's and a desktop's width."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.support.browser import axe_violations
from tests.support.staff import login_page
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import lifecycle
from webapp.requests.satisfaction import rate
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
UTC = dt.timezone.utc


def lived(app) -> tuple[int, str]:
    """An answered request and one closed with a low rating; (answered id, its status token)."""
    with app.app_context():
        reg = current_register()
        req = submit_request(reg, request_data())
        lifecycle.assign(reg, req, "orlova", "lebedev")
        lifecycle.record_oral_answer(reg, req, "lebedev", "Камеру включили в настройках.")
        low = submit_request(reg, request_data(request_type="journal"))
        lifecycle.assign(reg, low, "orlova", "kuznetsova")
        lifecycle.record_oral_answer(reg, low, "kuznetsova", "Пароль сброшен.")
        lifecycle.close(reg, low, "kuznetsova", "resolved")
        rate(current_school(), low, "no", "Пароль так и не пришёл.", dt.datetime.now(UTC))
        submit_request(reg, request_data(author_name="Новикова Полина"))
        db.session.commit()
        return req.id, req.status_token


def test_the_author_rates_the_answer_on_a_phone_through_the_confirm_page(browser, live_server, app):
    request_id, token = lived(app)
    context = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/app/rate/{token}?score=no")  # the link in the letter
        with app.app_context():
            assert db.session.get(SupportRequest, request_id).rating is None  # opening records nothing
        assert page.get_by_label("☹ Не помог").is_checked()
        page.get_by_label("😐 Помог отчасти").check()
        page.get_by_label("Комментарий (необязательно)").fill("Помогли, но со второго раза.")
        with page.expect_navigation():
            page.get_by_role("button", name="Отправить оценку").click()
        assert "Спасибо!" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        assert (req.rating, req.rating_comment) == ("partly", "Помогли, но со второго раза.")


def test_the_head_opens_a_control_figure_and_finds_the_same_number(browser, live_server, app):
    lived(app)
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    page = context.new_page()
    try:
        login_page(page, live_server.url, "orlova", app=app)
        page.get_by_role("link", name="Контроль", exact=True).click()
        page.wait_for_url("**/app/desk/control")
        link = page.get_by_role("link", name="Ждут закрытия (дан ответ)")
        shown = link.locator(".control__count").inner_text()
        with page.expect_navigation():
            link.click()
        assert page.locator(".register__count").inner_text().startswith(f"Найдено: {shown}")
        assert "Пароль так и не пришёл." not in page.content()  # the list is requests, not ratings
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_control_reports_and_rating_pages_have_no_accessibility_violations(browser, live_server, app, viewport):
    _request_id, token = lived(app)
    # axe-core is injected as a script of the test, so the page's own policy is bypassed for it.
    context = browser.new_context(locale="ru-RU", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found, wide = {}, []
    try:
        page.goto(f"{live_server.url}/app/rate/{token}?score=yes")
        found["rating"] = axe_violations(page)
        login_page(page, live_server.url, "orlova", app=app)
        for name, path in [("control", "/app/desk/control"), ("reports", "/app/desk/reports"),
                           ("reports: year", "/app/desk/reports?period=year"),
                           ("reports: bad dates", "/app/desk/reports?period=dates&from=2026-05-01&to=2026-01-01"),
                           ("queue: missed", "/app/desk/?status=all&missed=y"),
                           ("request", "/app/desk/r/1")]:  # fmt: skip
            page.goto(live_server.url + path)
            found[name] = axe_violations(page)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                wide.append(name)
    finally:
        context.close()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
    assert not wide, wide
