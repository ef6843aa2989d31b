"""Issue 11 in Chromium, at 390 px (a phone, touch) and 1366 px: the consent label, the number in
view after sending from the site's page, one request however the same form is sent twice, the
browser's own check of files, the frame without inner scrolling, and reflow of every page at
320 and 390 px with the largest font and widest spacing and at 200 % zoom (axe still clean)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.browser import axe_violations
from tests.support.live import LiveServer
from tests.support.site import PAGES
from tests.test_submission_browser import fill_the_form
from webapp.extensions import db
from webapp.models import SupportRequest

pytestmark = pytest.mark.browser

WIDTHS = {"phone": 390, "desktop": 1366}


@pytest.fixture
def site_and_app(make_app, built_site):
    app = make_app(SITE_DIR=str(built_site("demo").root), WTF_CSRF_ENABLED=True)
    with LiveServer(app) as live:
        app.config["PUBLIC_BASE_URL"] = live.url
        yield app, live.url


@pytest.fixture(params=list(WIDTHS))
def screen(request, browser):
    phone = request.param == "phone"
    context = browser.new_context(locale="ru-RU", viewport={"width": WIDTHS[request.param], "height": 800},
                                  has_touch=phone, is_mobile=phone)  # fmt: skip
    yield context.new_page()
    context.close()


def requests_stored(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest))
        db.session.remove()
        return count


def test_a_tap_on_the_consent_label_ticks_the_box(site_and_app, screen):
    _, base = site_and_app
    screen.goto(f"{base}/app/form")
    label = screen.locator("label[for=consent]")
    if screen.viewport_size["width"] < 500:
        label.tap()
    else:
        label.click()
    assert screen.locator("#consent").is_checked()
    assert screen.url == f"{base}/app/form" and len(screen.context.pages) == 1  # no policy tab
    box = screen.locator("#consent").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.2 target size


def test_after_sending_from_the_sites_page_the_number_is_in_view(site_and_app, screen):
    app, base = site_and_app
    screen.goto(f"{base}/obrashchenie/")
    frame = screen.frame_locator("iframe[data-helpdesk-form]")
    fill_the_form(frame)
    frame.get_by_role("button", name="Отправить обращение").scroll_into_view_if_needed()
    frame.get_by_role("button", name="Отправить обращение").click()
    number = frame.locator(".confirmation__number")
    number.wait_for()
    screen.wait_for_function(
        "() => { const f = document.querySelector('iframe[data-helpdesk-form]');"
        " const n = f.contentDocument.querySelector('.confirmation__number');"
        " const top = f.getBoundingClientRect().top + n.getBoundingClientRect().top;"
        " return top >= 0 && top + n.getBoundingClientRect().height <= innerHeight; }")
    box = number.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= screen.viewport_size["height"]
    assert frame.locator("h1").evaluate("h => document.activeElement === h")  # read out at once
    assert requests_stored(app) == 1


def test_the_frame_takes_its_contents_height_without_inner_scrolling(site_and_app, screen):
    _, base = site_and_app
    screen.goto(f"{base}/obrashchenie/")
    frame = screen.frame_locator("iframe[data-helpdesk-form]")
    frame.locator("form").wait_for()
    fits = ("() => { const f = document.querySelector('iframe[data-helpdesk-form]');"
            " const d = f.contentDocument.documentElement;"
            " return d.scrollHeight <= f.clientHeight + 1 && d.scrollWidth <= f.clientWidth; }")
    screen.wait_for_function(fits)
    frame.get_by_role("button", name="Отправить обращение").click()  # empty: errors appear
    frame.locator("#error-summary").wait_for()
    screen.wait_for_function(fits)


def test_back_and_send_again_gives_one_request(site_and_app, screen):
    app, base = site_and_app
    screen.goto(f"{base}/app/form")
    fill_the_form(screen)
    screen.get_by_role("button", name="Отправить обращение").click()
    screen.get_by_role("heading", name="Обращение принято").wait_for()
    first = screen.locator(".confirmation__number strong").inner_text()
    screen.go_back()
    screen.locator("form.request-form").wait_for()
    if screen.get_by_label("Фамилия, имя, отчество").input_value() == "":
        fill_the_form(screen)  # the browser re-fetched the page without restoring it: the same again
    screen.get_by_role("button", name="Отправить обращение").click()
    screen.get_by_role("heading", name="Обращение принято").wait_for()
    assert screen.locator(".confirmation__number strong").inner_text() == first
    assert requests_stored(app) == 1


def test_reload_and_send_again_gives_one_request(site_and_app, screen):
    app, base = site_and_app
    screen.goto(f"{base}/app/form")
    fill_the_form(screen)
    screen.get_by_role("button", name="Отправить обращение").click()
    screen.get_by_role("heading", name="Обращение принято").wait_for()
    first = screen.locator(".confirmation__number strong").inner_text()
    screen.goto(f"{base}/app/form")  # a restored tab or a reload: a new page, a new one-time key
    screen.reload()
    fill_the_form(screen)
    screen.get_by_role("button", name="Отправить обращение").click()
    screen.get_by_role("heading", name="Обращение принято").wait_for()
    assert screen.locator(".confirmation__number strong").inner_text() == first
    assert requests_stored(app) == 1


def test_the_browser_checks_file_sizes_and_count_before_sending(site_and_app, screen):
    app, base = site_and_app
    posts: list[str] = []
    screen.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    screen.goto(f"{base}/app/form")
    fill_the_form(screen)
    big = {"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024)}
    screen.locator("#attachments").set_input_files([big])
    assert "больше 5 МБ" in screen.locator("#attachments-error").inner_text()
    small = [{"name": f"s{i}.png", "mimeType": "image/png", "buffer": b"\x89PNG"} for i in range(4)]
    screen.locator("#attachments").set_input_files(small)
    assert "не больше 3 файлов" in screen.locator("#attachments-error").inner_text()
    screen.get_by_role("button", name="Отправить обращение").click()
    assert screen.locator("#attachments").evaluate("el => document.activeElement === el")
    assert posts == [] and requests_stored(app) == 0
    assert screen.get_by_label("Фамилия, имя, отчество").input_value() == "Смирнова Анна Сергеевна"


def test_choosing_a_type_suggests_its_answer_pages_and_keeps_the_form(site_and_app, screen):
    _, base = site_and_app
    screen.goto(f"{base}/app/form")
    assert not screen.locator("[data-self-help-for=technical]").is_visible()
    screen.get_by_label("Техническая проблема").check()
    suggestion = screen.locator("[data-self-help-for=technical]")
    assert suggestion.is_visible()
    assert suggestion.get_by_role("link", name="Не получается войти: забыт пароль").get_attribute("href") == "/pomoshch/parol/"
    assert screen.locator("form.request-form").is_visible()
    screen.get_by_label("Проблема с электронным журналом (ЭЖД)").check()
    assert not suggestion.is_visible()
    assert screen.locator("[data-self-help-for=journal]").is_visible()


# --- Reflow: every site and app page ---------------------------------------------------------

SETTINGS = {
    "320 px, largest font, wide spacing": dict(width=320, vision=True, scale=1),
    "390 px, largest font, wide spacing": dict(width=390, vision=True, scale=1),
    # 200 % zoom of a 1366 px window: the page is laid out in 683 CSS pixels, drawn twice as big.
    "200 % zoom": dict(width=683, vision=False, scale=2),
}
LARGEST = "localStorage.setItem('helpdesk-vision', JSON.stringify({font: 'xlarge', spacing: 'wide'}))"
OVERFLOW = """() => {
  const d = document.documentElement;
  const clipped = [...document.querySelectorAll(
      '.md-header__topic:first-child .md-ellipsis, .app-header__school, .app-header__service, h1')]
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent.trim());
  return {wide: d.scrollWidth - d.clientWidth, clipped};
}"""
SELF_HELP = ["/pomoshch/", "/pomoshch/parol/", "/pomoshch/zvuk-i-kamera/", "/pomoshch/chat-klassa/",
             "/pomoshch/ocenki/", "/acts/polozhenie-sluzhba/"]


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_no_page_scrolls_sideways_or_clips_its_header(site_and_app, browser, setting):
    app, base = site_and_app
    s = SETTINGS[setting]
    context = browser.new_context(locale="ru-RU", viewport={"width": s["width"], "height": 700},
                                  device_scale_factor=s["scale"])  # fmt: skip
    if s["vision"]:
        context.add_init_script(LARGEST)
    page = context.new_page()
    page.goto(f"{base}/app/form")
    fill_the_form(page)
    page.get_by_role("button", name="Отправить обращение").click()
    page.get_by_role("heading", name="Обращение принято").wait_for()
    done_path = page.url.removeprefix(base)
    status_path = done_path.replace("/form/done/", "/status/")
    pages = [*PAGES, *SELF_HELP, "/app/form", done_path, status_path, "/app/staff/login", "/app/form/too-large"]
    problems = {}
    for path in pages:
        page.goto(base + path)
        result = page.evaluate(OVERFLOW)
        if result["wide"] > 0 or result["clipped"]:
            problems[path] = result
        if s["vision"]:
            assert page.evaluate("document.documentElement.dataset.visionFont") == "xlarge", path
    context.close()
    assert problems == {}


@pytest.mark.parametrize("path", ["/", "/obrashchenie/", "/pomoshch/parol/", "/kontakty/", "/app/form"])
def test_pages_stay_axe_clean_with_the_largest_font_on_a_phone(site_and_app, browser, path):
    _, base = site_and_app
    # axe is injected as a script of the test's own: the app's policy would refuse it.
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800}, bypass_csp=True)
    context.add_init_script(LARGEST)
    page = context.new_page()
    page.goto(base + path)
    assert axe_violations(page) == []
    context.close()
