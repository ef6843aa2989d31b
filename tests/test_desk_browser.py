"""The desk in Chromium, as people use it: a request's whole life by each role, an extension agreed
and one declined, the hotline form on a phone — and axe-core on every desk page."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from tests.support.browser import axe_violations
from tests.support.staff import login_page
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SupportRequest
from webapp.models.types import utc_now
from webapp.requests import lifecycle, problems
from webapp.requests.service import submit_request
from webapp.web.current import current_register

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AUTHOR = "anna.smirnova@example.ru"


@pytest.fixture
def person(browser, live_server, app):
    """A signed-in browser tab for a person of the roster: `person("orlova", phone=True)`."""
    contexts = []

    def open_as(staff_id: str, *, phone: bool = False):
        context = browser.new_context(locale="ru-RU", viewport=PHONE if phone else DESKTOP)
        contexts.append(context)
        page = context.new_page()
        login_page(page, live_server.url, staff_id, app=app)
        return page

    yield open_as
    for context in contexts:
        context.close()


def click_and_wait(page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def open_request(page, number: str) -> None:
    """From any desk page: the register, a search by number, the request."""
    click_and_wait(page, "link", "Обращения")
    page.get_by_label("Номер или начало ФИО").fill(number)
    click_and_wait(page, "button", "Показать")
    click_and_wait(page, "link", number)
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Обращение {number}")


def status_of(page) -> str:
    return page.locator("h1 .status").inner_text()


def submit_on_the_form(page, base_url: str) -> str:
    """The author sends a technical request through the public form; returns its number."""
    page.goto(f"{base_url}/app/form")
    page.get_by_label("Фамилия, имя, отчество").fill("Смирнова Анна Сергеевна")
    page.get_by_label("Ученик").check()
    page.get_by_label("Класс").fill("7А")
    page.get_by_label("Техническая проблема").check()
    page.get_by_label("Опишите проблему").fill("Не включается камера на уроке в Сферуме.")
    page.get_by_label("Электронная почта").fill(AUTHOR)
    page.locator("#consent").check()
    click_and_wait(page, "button", "Отправить обращение")
    return re.search(r"\d{4}-\d{5}", page.locator("main").inner_text()).group(0)


def test_a_request_lives_from_the_form_to_closing_by_each_role(browser, live_server, app, smtp, person):
    author = browser.new_context(locale="ru-RU", viewport=PHONE).new_page()
    number = submit_on_the_form(author, live_server.url)

    hotline = person("sidorova")  # hands it to a specialist
    open_request(hotline, number)
    hotline.get_by_label("Кому передать").select_option("lebedev")
    click_and_wait(hotline, "button", "Передать")
    assert "Обращение передано специалисту." in hotline.locator(".flash").inner_text()
    assert status_of(hotline) == "Передано специалисту"

    specialist = person("lebedev", phone=True)  # answers from a phone
    open_request(specialist, number)
    click_and_wait(specialist, "button", "Взять в работу")
    assert status_of(specialist) == "В работе"
    specialist.get_by_label("Текст ответа (уйдёт автору письмом)").fill(
        "Разрешите браузеру доступ к камере: значок замка в адресной строке → Камера → Разрешить."
    )
    click_and_wait(specialist, "button", "Отправить ответ")
    assert status_of(specialist) == "Дан ответ"

    deliver_due(app)
    [answer] = [m for m in smtp.to(AUTHOR) if "Ответ на ваше обращение" in m["Subject"]]
    assert answer["Subject"] == f"[№ {number}] Ответ на ваше обращение"
    assert "значок замка в адресной строке" in answer.get_body(("plain",)).get_content()

    head = person("orlova")  # closes it
    open_request(head, number)
    head.get_by_label("Вопрос решён").check()  # closing asks how the request ended
    click_and_wait(head, "button", "Закрыть обращение")
    assert status_of(head) == "Закрыто"

    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        steps = [(e.actor, e.action) for e in req.history]
        token = req.status_token
    assert steps == [("author", "created"), ("sidorova", "assigned"), ("lebedev", "taken"),
                     ("lebedev", "answer_email"), ("orlova", "closed")]  # fmt: skip
    author.goto(f"{live_server.url}/app/status/{token}")
    seen = author.locator("main").inner_text()
    assert "Закрыто" in seen and "значок замка в адресной строке" in seen
    author.context.close()


def _in_work(app, assignee: str = "lebedev") -> str:
    with app.app_context():
        req = submit_request(current_register(), request_data())
        lifecycle.assign(current_register(), req, "sidorova", assignee)
        lifecycle.take_into_work(current_register(), req, assignee)
        db.session.commit()
        return req.number


def _process_due(app, number: str) -> dt.datetime:
    with app.app_context():
        return db.session.scalar(sa.select(SupportRequest.process_due).filter_by(number=number))


def ask_for_more_time(page, number: str, new_due: str, reason: str) -> None:
    open_request(page, number)
    page.get_by_label("Новый срок (время школы)").fill(new_due)
    page.get_by_label("Почему нужно больше времени").fill(reason)
    click_and_wait(page, "button", "Отправить руководителю")
    assert "Просьба о продлении срока отправлена руководителю." in page.locator(".flash").inner_text()


def test_the_head_agrees_one_extension_and_declines_another(app, person):
    agreed_number, declined_number = _in_work(app), _in_work(app)
    before = _process_due(app, declined_number)
    specialist = person("lebedev", phone=True)
    day = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20)).date()
    ask_for_more_time(specialist, agreed_number, f"{day}T16:00", "Ждём ответа поставщика платформы.")
    ask_for_more_time(specialist, declined_number, f"{day + dt.timedelta(days=1)}T16:00", "Много других обращений.")

    head = person("orlova")
    head.goto(head.url.split("/app/")[0] + "/app/desk/?status=all&extension=y")
    assert {agreed_number, declined_number} <= set(re.findall(r"\d{4}-\d{5}", head.locator("table").inner_text()))
    open_request(head, agreed_number)
    assert "Ждём ответа поставщика платформы." in head.locator("main").inner_text()
    head.get_by_label("Согласовать новый срок").check()
    click_and_wait(head, "button", "Записать решение")
    assert "Срок продлён" in head.locator(".history").inner_text()

    open_request(head, declined_number)
    head.get_by_label("Отклонить").check()
    head.get_by_label("Комментарий (для сотрудников)").fill("Справитесь в срок, помогу с очередью.")
    click_and_wait(head, "button", "Записать решение")
    assert "Продление не согласовано" in head.locator(".history").inner_text()

    assert _process_due(app, agreed_number) == dt.datetime.combine(day, dt.time(11, 0), dt.timezone.utc)
    assert _process_due(app, declined_number) == before


def test_the_hotline_records_a_phone_call_from_a_phone(app, person):
    page = person("sidorova", phone=True)
    click_and_wait(page, "link", "Записать обращение")
    page.get_by_label("По телефону").check()
    page.get_by_label("ФИО обратившегося").fill("Кузьмина Ольга Петровна")
    page.get_by_label("Родитель").check()
    page.get_by_label("Класс ученика (для ученика и родителя)").fill("3Б")
    page.get_by_label("Проблема с электронным журналом (ЭЖД)").check()
    page.get_by_label("Суть обращения").fill("Не видно оценок за неделю.")
    page.get_by_label("Телефон для ответа").fill("8 912 600-11-22")
    page.get_by_label("Обратившийся устно согласился на обработку персональных данных").check()
    click_and_wait(page, "button", "Записать обращение")
    flash = page.locator(".flash").inner_text()
    number = re.search(r"\d{4}-\d{5}", flash).group(0)
    assert "по телефону" in page.locator("main").inner_text()
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        assert (req.channel, req.recorded_by, req.consent_oral, req.routed_role) == (
            "phone", "sidorova", True, "journal_admin")  # fmt: skip
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_head_opens_an_account_on_a_phone_and_the_specialist_signs_in_with_it(browser, live_server, person):
    head = person("orlova", phone=True)
    click_and_wait(head, "link", "Сотрудники")
    row = head.locator("#staff-lebedev")
    assert "Нет учётной записи" in row.inner_text()
    with head.expect_navigation():
        row.get_by_role("link", name="Создать учётную запись — Лебедев Павел Сергеевич").click()
    click_and_wait(head, "button", "Создать учётную запись")
    assert "Учётная запись создана" in head.locator(".flash").inner_text()
    one_time = head.locator("#one-time-password").inner_text()
    assert head.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    click_and_wait(head, "link", "Вернуться к списку сотрудников")
    assert "Действует" in head.locator("#staff-lebedev").inner_text()

    specialist = browser.new_context(locale="ru-RU", viewport=PHONE).new_page()
    specialist.goto(f"{live_server.url}/app/staff/login")
    specialist.get_by_label("Логин или адрес почты").fill("lebedev")
    specialist.get_by_label("Пароль").fill(one_time)
    specialist.get_by_role("button", name="Войти").click()
    specialist.wait_for_url(f"{live_server.url}/app/staff/password")  # a one-time password: changed first
    assert "Вы вошли с одноразовым паролем" in specialist.locator("main").inner_text()
    specialist.get_by_label("Нынешний пароль").fill(one_time)
    specialist.get_by_label("Новый пароль", exact=True).fill("my-own-secret-words")
    specialist.get_by_label("Новый пароль ещё раз").fill("my-own-secret-words")
    click_and_wait(specialist, "button", "Сменить пароль")
    assert "Пароль изменён." in specialist.locator(".flash").inner_text()
    assert "Сотрудники" not in specialist.locator("nav").inner_text()  # not the specialist's page
    specialist.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_desk_pages_have_no_accessibility_violations(browser, live_server, app, viewport):
    with app.app_context():
        req = submit_request(current_register(), request_data())
        lifecycle.take_into_work(current_register(), req, "lebedev")
        lifecycle.add_note(current_register(), req, "lebedev", "Внутренняя заметка")
        problem = problems.declare(current_register(), "orlova", problems.ProblemFacts(
            title="Не открывается Сферум", public_text="Сбой во всём регионе.", request_types=("journal",),
            platform=None, started_at=utc_now()))  # fmt: skip
        db.session.commit()
        request_id, problem_id = req.id, problem.id
    # axe-core is injected as an inline script: the test's tool, not the page's, so the page's
    # policy is bypassed for it (tests/test_security_headers.py checks the policy itself).
    context = browser.new_context(locale="ru-RU", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        page.goto(f"{live_server.url}/app/staff/login")
        found["login"] = axe_violations(page)
        page.get_by_role("button", name="Войти").click()  # refused: messages next to the fields
        page.wait_for_selector(".field-error")
        found["login with errors"] = axe_violations(page)
        login_page(page, live_server.url, "orlova", app=app)
        for name, path in [("queue", "/app/desk/"), ("register", "/app/desk/?status=all&overdue=y"),
                           ("request", f"/app/desk/r/{request_id}"), ("hotline", "/app/desk/hotline"),
                           ("password", "/app/staff/password"), ("logout", "/app/staff/logout"),
                           ("people", "/app/desk/people"), ("audit log", "/app/desk/audit"),
                           ("problems", "/app/desk/problems"), ("problem", f"/app/desk/problems/{problem_id}"),
                           ("staff", "/app/desk/staff/"), ("staff confirm", "/app/desk/staff/lebedev/create")]:  # fmt: skip
            page.goto(live_server.url + path)
            found[name] = axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        click_and_wait(page, "button", "Создать учётную запись")  # from the confirmation above
        found["staff one-time password"] = axe_violations(page)
        page.goto(f"{live_server.url}/app/desk/people")
        page.get_by_label("Электронная почта").fill(request_data().contact_email)
        click_and_wait(page, "button", "Найти обращения")  # the person's requests and the forms
        assert "Найдено обращений: 1" in page.locator("main").inner_text()
        found["people found"] = axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "people found"
        page.goto(f"{live_server.url}/app/desk/hotline")
        click_and_wait(page, "button", "Записать обращение")  # empty: every field complains
        found["hotline with errors"] = axe_violations(page)
    finally:
        context.close()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
