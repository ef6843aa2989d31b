"""Consultation fields in Chromium on a phone (390 px): shown only while a consultation type is
chosen; without JavaScript visible with their note; a consultation sent from the phone reaches
the author's class teacher."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.browser import axe_violations
from tests.support.live import LiveServer
from tests.test_consultations import consultation_school, write_profile
from webapp.extensions import db
from webapp.models import SupportRequest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


@pytest.fixture
def live(make_app, tmp_path):
    app = make_app(SCHOOL_PROFILE=write_profile(tmp_path, consultation_school()), WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield app, server.url


def phone_page(browser, **options):
    context = browser.new_context(locale="ru-RU", viewport=PHONE, has_touch=True, is_mobile=True, **options)
    return context, context.new_page()


def test_the_consultation_fields_appear_only_for_a_consultation_type_on_a_phone(live, browser):
    app, base = live
    context, page = phone_page(browser, bypass_csp=True)  # axe is injected as an inline script
    try:
        page.goto(f"{base}/app/form")
        form_choice = page.get_by_role("group", name="Форма консультации")
        subject = page.get_by_label("Предмет", exact=True)
        assert not form_choice.is_visible() and not subject.is_visible()  # no type chosen yet

        page.get_by_label("Техническая проблема").tap()
        assert not form_choice.is_visible() and not subject.is_visible()

        page.get_by_label("Консультация учителя по предмету").tap()
        assert form_choice.is_visible() and subject.is_visible()
        assert page.get_by_role("group", name="Как провести консультацию").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing pushes the page sideways
        assert axe_violations(page) == []

        page.get_by_label("Нужна консультация психолога").tap()
        assert not form_choice.is_visible() and not subject.is_visible()

        page.get_by_label("Консультация классного руководителя").tap()
        page.get_by_label("Фамилия, имя, отчество").fill("Смирнова Анна Сергеевна")
        page.get_by_label("Ученик", exact=True).tap()
        page.get_by_label("Ваш класс").fill("5а")
        page.get_by_label("Групповая").tap()
        page.get_by_label("Онлайн (видеосвязь)").tap()
        page.get_by_label("Опишите проблему").fill("Хотим разобрать с группой, как сдавать задания.")
        page.get_by_label("Телефон").fill("8 912 345-67-89")
        page.locator("#consent").tap()
        page.get_by_role("button", name="Отправить обращение").tap()
        page.wait_for_url(f"{base}/app/form/done/**")
    finally:
        context.close()
    with app.app_context():
        req = db.session.scalars(sa.select(SupportRequest)).one()
        assert (req.assignee, req.consultation_form, req.consultation_mode, req.class_name) == (
            "ivanova", "group", "online", "5А")  # fmt: skip
        db.session.remove()


def test_without_javascript_the_fields_stay_visible_with_their_note(live, browser):
    _, base = live
    context, page = phone_page(browser, java_script_enabled=False)
    try:
        page.goto(f"{base}/app/form")
        assert page.get_by_role("group", name="Форма консультации").is_visible()
        assert page.get_by_label("Предмет", exact=True).is_visible()
        assert page.get_by_text("Только для видов обращения: «Консультация классного руководителя»").first.is_visible()
    finally:
        context.close()
