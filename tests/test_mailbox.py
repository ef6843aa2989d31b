"""`mailbox fetch` against a real IMAP server (a private Dovecot on loopback, over TLS) and a
real SMTP server (aiosmtpd): a specialist answers the notification from their mail client, the
answer is recorded and reaches the author; everything else stays in the mailbox, reported."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.support.imap import letter
from tests.support.replies import (  # noqa: F401 (fixtures)
    ANSWER,
    AUTHOR,
    KEYWORD,
    KUZNETSOVA,
    LEBEDEV,
    app,
    dovecot,
    mailbox,
    vouched,
)
from tests.support.replies import reply as _reply
from tests.support.replies import state as _state
from tests.support.replies import submit as _submit
from tests.support.submissions import SERVICE_MAILBOX, request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.mail.tokens import untokened
from webapp.models import HistoryEntry, SupportRequest
from webapp.models.types import utc_now
from webapp.requests.escalation import check_breaches
from webapp.requests.service import submit_request
from webapp.web.current import current_register


def test_specialists_reply_is_recorded_and_reaches_the_author(app, runner, smtp, dovecot, mailbox):
    number, notification = _submit(app, smtp)
    assert untokened(notification["Reply-To"]) == SERVICE_MAILBOX
    dovecot.deliver(mailbox, _reply(notification))

    result = runner.invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 0, result.output
    assert f"№ {number}: ответ Лебедев Павел Сергеевич переслан автору" in result.output
    assert "Переслано ответов: 1; оставлено в ящике: 0." in result.output

    status, history = _state(app, number)
    assert status == "answered"
    assert ("answer_email", "lebedev", ANSWER) in history  # the quote is gone
    assert any(a == "note" and LEBEDEV in t for a, _who, t in history)

    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    assert answer["Subject"] == f"[№ {number}] Ответ на ваше обращение"
    assert SERVICE_MAILBOX in answer["From"] and LEBEDEV not in str(answer)
    text = answer.get_body(("plain",)).get_content()
    assert ANSWER in text and "Новое обращение" not in text

    [(flags, _raw)] = dovecot.letters(mailbox)
    assert {"\\Seen", KEYWORD} <= flags


def test_fetching_twice_answers_once(app, runner, smtp, dovecot, mailbox):
    number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    assert runner.invoke(args=["mailbox", "fetch"]).exit_code == 0
    again = runner.invoke(args=["mailbox", "fetch"])
    assert again.exit_code == 0 and "Переслано ответов: 0; оставлено в ящике: 0." in again.output
    deliver_due(app)
    assert len(smtp.to(AUTHOR)) == 1
    assert [a for a, _w, _t in _state(app, number)[1]].count("answer_email") == 1


def test_a_letter_the_server_forgot_to_flag_is_not_answered_again(app, runner, smtp, dovecot, mailbox):
    _number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    assert runner.invoke(args=["mailbox", "fetch"]).exit_code == 0
    imap = dovecot.connect(mailbox)  # as if the flag was lost between the commit and the STORE
    imap.select("INBOX")
    imap.uid("STORE", "1:*", "-FLAGS", f"({KEYWORD})")
    imap.logout()
    again = runner.invoke(args=["mailbox", "fetch"])
    assert "Переслано ответов: 0" in again.output
    assert "отмечено как обработанные раньше: 1" in again.output
    deliver_due(app)
    assert len(smtp.to(AUTHOR)) == 1
    assert KEYWORD in dovecot.letters(mailbox)[0][0]


def test_reply_is_matched_by_its_thread_when_the_number_was_removed(app, runner, smtp, dovecot, mailbox):
    number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification, subject="Re: камера"))
    result = runner.invoke(args=["mailbox", "fetch"])
    assert f"№ {number}: ответ" in result.output
    assert _state(app, number)[0] == "answered"


@pytest.mark.parametrize("subject", ["Ответ [№ {}]", "Ответ по обращению {}", "#{} готово"])
def test_a_new_letter_with_only_the_number_is_matched_when_the_school_server_vouches_for_it(
    app, runner, smtp, dovecot, mailbox, subject
):
    number, _notification = _submit(app, smtp)
    dovecot.deliver(mailbox, letter(sender=LEBEDEV, subject=subject.format(number), text=ANSWER,
                                    **vouched(LEBEDEV)))  # fmt: skip
    result = runner.invoke(args=["mailbox", "fetch"])
    assert f"№ {number}: ответ" in result.output
    assert ("answer_email", "lebedev", ANSWER) in _state(app, number)[1]


def test_reply_in_koi8_r_reaches_the_author_readable(app, runner, smtp, dovecot, mailbox):
    number, notification = _submit(app, smtp)
    # KOI8-R has no «» or №: the client sends the text alone, the subject falls back to UTF-8.
    reply = letter(sender=LEBEDEV, subject=f"Re: {notification['Subject']}", text=ANSWER,
                   charset="koi8-r", encoding="base64", in_reply_to=notification["Message-ID"],
                   to=notification["Reply-To"])
    assert b"charset=\"koi8-r\"" in reply
    dovecot.deliver(mailbox, reply)
    assert runner.invoke(args=["mailbox", "fetch"]).exit_code == 0
    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    assert ANSWER in answer.get_body(("plain",)).get_content()


def test_unmatched_and_unsafe_letters_stay_in_the_mailbox_and_are_reported(
    app, runner, smtp, dovecot, mailbox
):
    number, notification = _submit(app, smtp)
    other_number, other = _submit(app, smtp)
    refs = {"in_reply_to": notification["Message-ID"]}
    subject = f"Re: [№ {number}] Новое обращение"
    letters = {
        "Вопрос без номера": (letter(sender=LEBEDEV, subject="Вопрос без номера", text="Когда собрание?",
                                     **vouched(LEBEDEV)), "в теме нет номера обращения"),
        "от родителя": (_reply(notification, "Спасибо", sender="parent@example.ru", subject=f"{subject} от родителя"),
                        "отправитель не сотрудник службы"),
        "большое": (_reply(notification, "Ответ. " * 20000, subject=f"{subject} большое"),
                    "письмо больше 64 КБ"),
        "с файлом": (_reply(notification, subject=f"{subject} с файлом",
                            attachment=("скрин.pdf", "application/pdf", b"%PDF-1.4")),
                     "приложены файлы"),
        "автоответ": (_reply(notification, "Я в отпуске.", subject=f"{subject} автоответ",
                             headers={"Auto-Submitted": "auto-replied"}), "автоматическое письмо"),
        "чужая нить": (_reply(other, subject=f"{subject} чужая нить"), "не совпадает"),
        "не его": (letter(sender=KUZNETSOVA, subject=f"{subject} не его", text=ANSWER, **refs,
                          **vouched(KUZNETSOVA)), "Кузнецова Ольга Игоревна: У вас нет права ответить"),
        "подделка": (letter(sender=LEBEDEV, subject=f"{subject} подделка", text=ANSWER, **refs,
                            **vouched(LEBEDEV, server="mx.evil.example")),
                     "не доказано, что письмо написал сотрудник"),
        "пустой": (_reply(notification, "", subject=f"{subject} пустой"), "не осталось текста"),
        "нет такого": (letter(sender=LEBEDEV, subject="Re: [№ 2026-99999] нет такого", text=ANSWER,
                              **vouched(LEBEDEV)), "обращения № 2026-99999 нет в реестре"),
    }  # fmt: skip
    for raw, _reason in letters.values():
        dovecot.deliver(mailbox, raw)

    result = runner.invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 0
    assert f"Переслано ответов: 0; оставлено в ящике: {len(letters)}." in result.output
    lines = result.output.splitlines()
    for marker, (_raw, reason) in letters.items():
        [line] = [x for x in lines if marker in x]
        assert reason in line, line

    kept = dovecot.letters(mailbox)
    assert len(kept) == len(letters)
    assert all(not flags & {"\\Seen", KEYWORD} for flags, _raw in kept)
    assert _state(app, number)[0] == "new" and _state(app, other_number)[0] == "new"
    deliver_due(app)
    assert smtp.to(AUTHOR) == []


def test_starttls_connection_is_used_when_ssl_is_off(make_app, dovecot, mailbox, smtp):
    app = make_app(**dovecot.settings(mailbox, starttls=True))
    number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    result = app.test_cli_runner().invoke(args=["mailbox", "fetch"])
    assert f"№ {number}: ответ" in result.output
    assert "TLS" in dovecot.log().rsplit("Login:", 1)[1].split("\n", 1)[0]


def test_processed_letters_move_to_the_folder_named_in_settings(make_app, dovecot, mailbox, smtp):
    app = make_app(**dovecot.settings(mailbox, IMAP_PROCESSED_FOLDER="Обработано"))
    _number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    dovecot.deliver(mailbox, letter(sender="parent@example.ru", subject="Вопрос", text="?"))
    assert app.test_cli_runner().invoke(args=["mailbox", "fetch"]).exit_code == 0
    [(_flags, left)] = dovecot.letters(mailbox)
    assert b"parent@example.ru" in left
    [(flags, moved)] = dovecot.letters(mailbox, "&BB4EMQRABDAEMQQ+BEIEMAQ9BD4-")
    assert KEYWORD in flags and LEBEDEV.encode() in moved


def test_untrusted_certificate_is_refused_and_nothing_is_read(make_app, dovecot, mailbox, smtp):
    app = make_app(**dovecot.settings(mailbox, IMAP_CA_FILE=dovecot.untrusted_ca_file))
    number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    result = app.test_cli_runner().invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 1
    assert "Сертификат сервера 127.0.0.1" in result.output and "не прошёл проверку" in result.output
    assert _state(app, number)[0] == "new"
    assert "\\Seen" not in dovecot.letters(mailbox)[0][0]


def test_wrong_password_gets_a_russian_explanation(make_app, dovecot, mailbox):
    app = make_app(**dovecot.settings(mailbox, IMAP_PASSWORD="wrong"))
    result = app.test_cli_runner().invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 1 and "не принял имя и пароль ящика" in result.output


def test_fetch_without_settings_says_what_to_set(make_app):
    result = make_app().test_cli_runner().invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 1 and "задайте IMAP_HOST" in result.output


def test_history_shows_the_emailed_answer_to_the_author(app, runner, smtp, dovecot, mailbox):
    number, notification = _submit(app, smtp)
    dovecot.deliver(mailbox, _reply(notification))
    runner.invoke(args=["mailbox", "fetch"])
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        public = db.session.scalars(
            sa.select(HistoryEntry).filter_by(request_id=req.id, public=True)
        ).all()
        assert any(h.action == "answer_email" and h.text == ANSWER for h in public)
        assert not any(LEBEDEV in h.text for h in public)


def test_heads_reply_to_a_deadline_alert_is_not_sent_to_the_author(app, runner, smtp, dovecot, mailbox):
    head = "orlova@school7-zarechny.example.ru"
    with app.app_context():  # "other" requests go to the head; this one is long overdue
        req = submit_request(current_register(), request_data(request_type="other"),
                             received_at=utc_now() - dt.timedelta(days=10))  # fmt: skip
        db.session.commit()
        number = req.number
        check_breaches(current_register(), utc_now())
        db.session.commit()
    deliver_due(app)
    alert = next(m for m in smtp.to(head) if "Нарушен срок" in m["Subject"])
    [routed] = [m for m in smtp.to(head) if "Новое обращение" in m["Subject"]]
    smtp.clear()
    dovecot.deliver(mailbox, _reply(alert, "Почему до сих пор не ответили?", sender=head))
    result = runner.invoke(args=["mailbox", "fetch"])
    assert "это ответ на служебное письмо" in result.output
    assert _state(app, number)[0] == "new"

    dovecot.deliver(mailbox, _reply(routed, ANSWER, sender=head))  # her answer to the request
    result = runner.invoke(args=["mailbox", "fetch"])
    assert f"№ {number}: ответ Орлова Марина Викторовна переслан автору" in result.output
    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    assert ANSWER in answer.get_body(("plain",)).get_content()
