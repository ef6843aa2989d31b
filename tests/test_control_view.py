"""The control view (issue 12): each number equals the queue its link opens, and each is checked
against a count made here from the requests the test created."""

from __future__ import annotations

import datetime as dt
import html
import re

from tests.support.staff import login
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.models.marks import MAILBOX_FETCH, record_run
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register

UTC = dt.timezone.utc


def populate(app) -> dict[str, int]:
    """A day of the desk; returns the counts a person would make by looking at each request."""
    now = dt.datetime.now(UTC)
    with app.app_context():
        reg = current_register()
        old = now - dt.timedelta(days=6)
        overdue_new = [submit_request(reg, request_data(), received_at=old, now=now) for _ in range(2)]
        fresh = submit_request(reg, request_data(), received_at=now, now=now)  # hand-over due in 30 min
        assigned = submit_request(reg, request_data(request_type="journal"), received_at=now, now=now)
        lifecycle.assign(reg, assigned, "orlova", "kuznetsova", now=now)
        in_work = submit_request(reg, request_data(), received_at=now, now=now)
        lifecycle.take_into_work(reg, in_work, "lebedev", now=now)
        lifecycle.request_extension(reg, in_work, "lebedev", "Ждём ответа платформы.", now + dt.timedelta(days=5), now=now)
        answered = submit_request(reg, request_data(), received_at=old, now=now)  # answered late
        lifecycle.assign(reg, answered, "orlova", "belov", now=now)
        lifecycle.record_oral_answer(reg, answered, "belov", "Ответили.", now=now)
        # Deadlines set by the test, whatever the hour it runs at (working hours would move them).
        fresh.assign_due = now + dt.timedelta(minutes=20)
        assigned.take_due = now + dt.timedelta(minutes=25)
        for req in (fresh, assigned, in_work):
            req.process_due = now + dt.timedelta(days=3)
        db.session.add(OutboxMessage(recipient="x@example.ru", subject="s", body_text="t", status="failed",
                                     kind="answer_sent", message_id="<failed-1@example.ru>"))  # fmt: skip
        db.session.commit()
        assert fresh.status == "new"
    return {
        "Просрочены сейчас": 2,  # the two old new ones (the late answer is done)
        "Срок истекает в течение получаса": 2,  # the fresh one's hand-over, the assigned one's take
        "Ждут решения о продлении срока": 1,
        "Ждут закрытия (дан ответ)": 1,
        "Открытые, у которых срок пропускался": 2,  # the two overdue now (the late one is answered)
        "Низкая оценка автора": 0,
        "Новое": 3,
        "Передано специалисту": 1,
        "В работе": 1,
        "Никому не передано": 3,
        "Кузнецова Ольга Игоревна": 1,
        "Лебедев Павел Сергеевич": 1,
        "Белов Кирилл Андреевич": 0,
    }


def figures(page: str) -> list[tuple[str, str, int]]:
    """(label, link, number) of every figure on the control view."""
    found = re.findall(
        r'<a href="([^"]+)"><span class="control__count">(\d+)</span> <span class="control__label">([^<]+)</span>', page
    )
    return [(html.unescape(label), html.unescape(link), int(count)) for link, count, label in found]


def counted(page: str) -> int:
    return int(re.search(r"Найдено: (\d+)", page).group(1))


def test_each_control_number_equals_the_queue_its_link_opens(app, client):
    by_hand = populate(app)
    login(client, "orlova")
    response = client.get("/app/desk/control")
    assert response.status_code == 200
    shown = figures(response.get_data(as_text=True))
    assert len(shown) >= 12
    for label, link, number in shown:
        assert counted(client.get(link).get_data(as_text=True)) == number, (label, link)
    numbers = {label: number for label, _, number in shown}
    for label, expected in by_hand.items():
        assert numbers[label] == expected, label
    assert '<span class="control__count">1</span> писем так и не удалось отправить' in response.get_data(as_text=True)


def test_the_control_view_is_for_the_head_and_roles_that_see_all(app, client):
    login(client, "gromov")  # the IT coordinator: view_all
    assert client.get("/app/desk/control").status_code == 200
    other = app.test_client()
    login(other, "kuznetsova")
    assert other.get("/app/desk/control").status_code == 404
    assert app.test_client().get("/app/desk/control").status_code == 302  # to the sign-in page


def test_the_control_view_says_what_the_last_mailbox_fetch_left_in_the_mailbox(app, client):
    login(client, "orlova")
    assert "Почтовый ящик для обращений ещё ни разу не разбирался" in client.get("/app/desk/control").get_data(as_text=True)
    with app.app_context():
        record_run(db.session, MAILBOX_FETCH, ok=True, summary="Переслано ответов: 2; оставлено в ящике: 3")
    page = html.unescape(client.get("/app/desk/control").get_data(as_text=True))
    assert "Переслано ответов: 2; оставлено в ящике: 3." in page
    with app.app_context():
        record_run(db.session, MAILBOX_FETCH, ok=False, summary="Сервер IMAP не отвечает")
    assert "с ошибкой: Сервер IMAP не отвечает" in html.unescape(client.get("/app/desk/control").get_data(as_text=True))
