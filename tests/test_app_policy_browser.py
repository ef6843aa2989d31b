"""The app's Content-Security-Policy in Chromium: the widget for the visually impaired, the form
embedded in the site and the desk work under it, and the browser blocks nothing."""

from __future__ import annotations

import pytest

from tests.support.live import LiveServer
from tests.support.staff import login_page
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.requests.service import submit_request
from webapp.web.current import current_register

pytestmark = pytest.mark.browser


@pytest.fixture
def app_with_site(app, built_site):
    """The real app serving the demo site at "/" and its pages under /app."""
    app.config["SITE_DIR"] = str(built_site("demo").root)
    with LiveServer(app) as running:
        yield running


def blocked_by_policy(page) -> list[str]:
    """Every report of the browser that the page's policy refused something."""
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    return blocked


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"el => getComputedStyle(el)[{prop!r}]")


def test_the_widget_works_on_app_pages_under_the_policy(page, app_with_site):
    blocked = blocked_by_policy(page)
    response = page.goto(app_with_site.url + "/app/form")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.click(".app-header .vision-toggle")
    page.get_by_role("radio", name="Тёмно-синий на голубом", exact=True).check()
    assert style(page, "body", "backgroundColor") == "rgb(157, 209, 255)"
    page.reload()
    assert style(page, "body", "backgroundColor") == "rgb(157, 209, 255)"  # the choice is kept
    assert blocked == []


def test_the_form_embedded_in_the_site_and_the_desk_load_everything(page, app, app_with_site):
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        request_id = req.id
    blocked = blocked_by_policy(page)
    page.goto(app_with_site.url + "/obrashchenie/")
    frame = page.frame_locator("iframe.form-frame")
    frame.locator("form").first.wait_for()
    page.wait_for_function("document.querySelector('iframe.form-frame').style.height !== ''")
    login_page(page, app_with_site.url, "orlova", app=app)
    for path in ("/app/desk/", f"/app/desk/r/{request_id}", "/app/desk/hotline", "/app/desk/staff/"):
        page.goto(app_with_site.url + path)
        assert page.is_visible(".app-header .vision-toggle"), path
    assert blocked == []
