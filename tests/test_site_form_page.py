"""The form page embeds the app's form, sized to its content, with a link that needs no JavaScript."""

from __future__ import annotations

import pytest

from tests.support.site import SiteServer

pytestmark = pytest.mark.browser

# Stand-in for the app's /app/form?embed=1: it reports its height to the parent page the way
# the real form does (the interface in COMMON.md), so the site's side can be checked alone.
REPORTING_FORM = """<!doctype html><html lang="ru"><head><title>Форма</title></head>
<body style="margin:0"><div id="form" style="height:1234px">Форма обращения</div>
<script>
  function report() {
    parent.postMessage({type: "helpdesk-form-height",
                        height: document.documentElement.scrollHeight}, location.origin);
  }
  report();
  window.grow = function () { document.getElementById("form").style.height = "1500px"; report(); };
</script></body></html>"""


@pytest.fixture(scope="module")
def server(built_site):
    with SiteServer(built_site("demo").root, {"/app/form": REPORTING_FORM}) as running:
        yield running


def frame_height(page) -> float:
    return page.eval_on_selector("iframe.form-frame", "f => f.getBoundingClientRect().height")


def test_frame_takes_the_height_the_form_reports(page, server):
    page.goto(server.url + "/obrashchenie/")
    page.wait_for_function("document.querySelector('iframe.form-frame').style.height === '1234px'")
    assert frame_height(page) == 1234
    assert "/app/form?embed=1" in server.requested
    page.frame_locator("iframe.form-frame").locator("body").evaluate("() => window.grow()")
    page.wait_for_function("document.querySelector('iframe.form-frame').style.height === '1500px'")


def test_height_messages_from_elsewhere_are_ignored(page, server):
    page.goto(server.url + "/obrashchenie/")
    page.wait_for_function("document.querySelector('iframe.form-frame').style.height === '1234px'")
    # The page itself (not the form's frame) and a message of another kind change nothing.
    page.evaluate("window.postMessage({type: 'helpdesk-form-height', height: 40}, '*')")
    page.frame_locator("iframe.form-frame").locator("body").evaluate(
        "() => parent.postMessage({type: 'something-else', height: 40}, location.origin)")
    page.frame_locator("iframe.form-frame").locator("body").evaluate(
        "() => parent.postMessage({type: 'helpdesk-form-height', height: 'много'}, '*')")
    page.wait_for_timeout(300)
    assert frame_height(page) == 1234


def test_form_is_reachable_without_javascript(browser, server):
    context = browser.new_context(locale="ru-RU", java_script_enabled=False,
                                  viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(server.url + "/obrashchenie/")
        assert frame_height(page) >= 600  # the frame is usable, just not sized to fit
        link = page.get_by_role("link", name="Откройте форму обращения на отдельной странице")
        assert link.is_visible()
        link.click()
        page.wait_for_url(server.url + "/app/form")
        assert page.locator("#form").is_visible()
    finally:
        context.close()


def test_frame_has_a_title_for_screen_readers(page, server):
    page.goto(server.url + "/obrashchenie/")
    assert page.get_attribute("iframe.form-frame", "title") == "Форма обращения за помощью"


@pytest.fixture
def app_with_site(make_app, built_site):
    """The real app serving the demo site at "/" and its own form under /app."""
    from tests.support.live import LiveServer

    with LiveServer(make_app(SITE_DIR=str(built_site("demo").root))) as running:
        yield running


def test_real_form_of_the_app_fits_its_frame(page, app_with_site):
    page.goto(app_with_site.url + "/obrashchenie/")
    form = page.frame_locator("iframe.form-frame")
    form.locator("form").first.wait_for()
    page.wait_for_function("document.querySelector('iframe.form-frame').style.height !== ''")
    inner = form.locator("html").evaluate("el => el.getBoundingClientRect().height")
    assert frame_height(page) == pytest.approx(inner, abs=2)
