"""The author writes back by e-mail (real Dovecot and aiosmtpd): the letter joins the request's
history, the specialist is told, an answered request reopens and a closed one stays closed."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.replies import (  # noqa: F401 (fixtures)
    request_with_letters,
    AUTHOR,
    LEBEDEV,
    app,
    dovecot,
    mailbox,
    reply,
    state,
)
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.models import SupportRequest
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register


def fetch(runner) -> str:
    result = runner.invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_authors_reply_is_in_the_history_the_specialist_is_told_and_an_answer_reopens(
    app, runner, smtp, dovecot, mailbox
):
    number, _notification, ack = request_with_letters(app, smtp)
    dovecot.deliver(mailbox, reply(ack, "Добавлю: камера не работает и в другом браузере.", sender=AUTHOR))
    output = fetch(runner)
    assert f"№ {number}: письмо автора добавлено к обращению" in output
    status, history = state(app, number)
    assert status == "new"
    assert ("author_letter", "author", "Добавлю: камера не работает и в другом браузере.") in history
    deliver_due(app)
    [told] = smtp.to(LEBEDEV)
    assert "Автор ответил" in told["Subject"]
    assert "в другом браузере" in told.get_body(("plain",)).get_content()
    assert told["Auto-Submitted"] == "auto-generated"
    smtp.clear()

    dovecot.deliver(mailbox, reply(told))  # the specialist answers the letter that told him
    assert f"№ {number}: ответ Лебедев Павел Сергеевич переслан автору" in fetch(runner)
    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    smtp.clear()
    dovecot.deliver(mailbox, reply(answer, "Не помогло, камера всё так же чёрная.", sender=AUTHOR))
    assert f"№ {number}: письмо автора" in fetch(runner)
    status, history = state(app, number)
    assert status == "in_work" and history[-1][0] == "reopened"
    deliver_due(app)
    [told] = smtp.to(LEBEDEV)
    assert "снова в работе" in told.get_body(("plain",)).get_content()


def test_the_authors_reply_to_a_closed_request_is_shown_and_it_stays_closed(
    app, runner, smtp, dovecot, mailbox
):
    number, _notification, ack = request_with_letters(app, smtp)
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        lifecycle.record_oral_answer(current_register(), req, "lebedev", "Объяснил по телефону.")
        lifecycle.close(current_register(), req, "orlova")
        db.session.commit()
    dovecot.deliver(mailbox, reply(ack, "Спасибо, всё работает!", sender=AUTHOR))
    assert f"№ {number}: письмо автора" in fetch(runner)
    status, history = state(app, number)
    assert status == "closed" and ("author_letter", "author", "Спасибо, всё работает!") in history
    deliver_due(app)
    [told] = smtp.to(LEBEDEV)
    assert "останется закрытым" in told.get_body(("plain",)).get_content()


def test_a_stranger_replying_in_the_authors_thread_is_left(app, runner, smtp, dovecot, mailbox):
    number, _notification, ack = request_with_letters(app, smtp)
    dovecot.deliver(mailbox, reply(ack, "Я тоже хочу", sender="someone@example.ru"))
    assert "не автор обращения" in fetch(runner)
    assert [a for a, _w, _t in state(app, number)[1]] == ["created"]
