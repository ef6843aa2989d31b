"""A person's submission in Chromium, from the help site's home page button to the e-mails."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.support.live import LiveServer
from tests.support.submissions import RESPONSIBLE, TECH_SPECIALISTS, png_bytes
from webapp.config import ROOT
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SupportRequest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUTTON = "Поддержка обучения в дистанционный период"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real help site of the demo school, built once for the session."""
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SCHOOL_PROFILE", None)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(target)],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)  # fmt: skip
    return target


@pytest.fixture
def site_and_app(make_app, built_site):
    app = make_app(SITE_DIR=str(built_site), WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    with LiveServer(app) as live:
        app.config["PUBLIC_BASE_URL"] = live.url  # the links in e-mails lead to this server
        yield app, live.url


def fill_the_form(form, *, with_js: bool = True) -> None:
    form.get_by_label("Фамилия, имя, отчество").fill("Смирнова Анна Сергеевна")
    form.get_by_label("Ученик", exact=True).check()
    form.get_by_label("Ваш класс" if with_js else "Класс").fill("7а")  # the label ends with its «*»
    form.get_by_label("Техническая проблема").check()
    form.get_by_label("Опишите проблему").fill("На уроке не включается камера, звук есть.")
    form.get_by_label("Телефон").fill("8 912 345-67-89")
    form.get_by_label("Электронная почта").fill("anna.smirnova@example.ru")
    form.locator("#consent").check()


def test_a_submission_from_the_home_page_button_reaches_the_specialists_and_the_author(
    site_and_app, page, smtp
):
    app, base = site_and_app
    page.goto(f"{base}/")
    page.get_by_role("link", name=BUTTON).first.click()
    page.wait_for_url(f"{base}/obrashchenie/")

    frame = page.frame_locator("iframe[data-helpdesk-form]")
    fill_the_form(frame)
    frame.locator("#attachments").set_input_files(
        [{"name": "screen.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    frame.get_by_role("button", name="Отправить обращение").click()

    frame.get_by_role("heading", name="Обращение принято").wait_for()
    confirmation = frame.locator("main").inner_text()
    number = re.search(r"Номер обращения: (\d{4}-\d{5})", confirmation).group(1)
    assert "передадут специалисту до" in confirmation and "не позднее" in confirmation
    status_url = frame.locator(".status-link a").get_attribute("href")
    # The frame took the height its page reported (postMessage), so nothing is cut off.
    page.wait_for_function(
        "() => parseInt(document.querySelector('iframe[data-helpdesk-form]').style.height) > 200"
    )

    with app.app_context():
        req = db.session.scalars(sa.select(SupportRequest)).one()
        assert (req.number, req.class_name, req.contact_phone) == (number, "7А", "+79123456789")
        assert req.routed_role == "tech" and len(req.attachments) == 1
        db.session.remove()

    assert deliver_due(app).sent == 4
    for specialist in TECH_SPECIALISTS:
        [mail] = smtp.to(specialist)
        assert mail["Subject"] == f"[№ {number}] Новое обращение: Техническая проблема"
    [copy] = smtp.to(RESPONSIBLE)
    assert number in copy["Subject"]
    [ack] = smtp.to("anna.smirnova@example.ru")
    assert status_url in ack.get_body(("plain",)).get_content()

    page.goto(status_url)
    assert number in page.locator("h1").inner_text()
    assert "Обращение зарегистрировано" in page.locator("main").inner_text()


def test_the_form_works_without_javascript_on_a_phone(site_and_app, browser):
    app, base = site_and_app
    context = browser.new_context(locale="ru-RU", java_script_enabled=False,
                                  viewport={"width": 360, "height": 740}, is_mobile=True)  # fmt: skip
    try:
        page = context.new_page()
        page.goto(f"{base}/obrashchenie/")
        page.get_by_role("link", name="Откройте форму обращения на отдельной странице").click()
        page.wait_for_url(f"{base}/app/form")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out
        fill_the_form(page, with_js=False)
        page.get_by_role("button", name="Отправить обращение").click()
        page.get_by_role("heading", name="Обращение принято").wait_for()
    finally:
        context.close()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest)) == 1


def test_a_mistake_in_the_embedded_form_is_shown_next_to_the_field(site_and_app, page):
    app, base = site_and_app
    page.goto(f"{base}/obrashchenie/")
    frame = page.frame_locator("iframe[data-helpdesk-form]")
    fill_the_form(frame)
    frame.get_by_label("Телефон").fill("12345")
    frame.get_by_label("Электронная почта").fill("")
    frame.get_by_role("button", name="Отправить обращение").click()
    error = frame.locator("#contact_phone-error")
    error.wait_for()
    assert "Проверьте номер телефона" in error.inner_text()
    assert frame.get_by_label("Фамилия, имя, отчество").input_value() == "Смирнова Анна Сергеевна"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest)) == 0
