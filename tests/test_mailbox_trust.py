"""`mailbox fetch` against real Dovecot and aiosmtpd with the letters a help desk meets in the
wild: forged staff letters, robots, mail loops, an encoded-word bomb, forwards, advertising lines.
Whatever is not proven and meant as an answer changes nothing and reaches no one."""

from __future__ import annotations

import base64
import re
import time
import tracemalloc

import pytest

from tests.support.imap import letter
from tests.support.replies import (  # noqa: F401 (fixtures)
    request_with_letters,
    ANSWER,
    AUTHOR,
    LEBEDEV,
    SCHOOL_MX,
    app,
    dovecot,
    mailbox,
    reply,
    state,
    submit,
    vouched,
)
from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.mailbox.fetch import fetch_answers
from webapp.requests.service import submit_request
from webapp.web.current import current_register

SET_ASIDE = "HelpdeskSetAside"
PHISHING = "Срочно подтвердите пароль: http://evil.example/login"


def fetch(runner) -> str:
    result = runner.invoke(args=["mailbox", "fetch"])
    assert result.exit_code == 0, result.output
    return result.output


def line_about(output: str, marker: str) -> str:
    [line] = [x for x in output.splitlines() if marker in x]
    return line


def encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def forged_letters(notification, ack) -> dict[str, tuple[bytes, str]]:
    """Each way to pass for Lebedev, with the reason it is refused."""
    subject = f"Re: {notification['Subject']}"
    refs = {"subject": subject, "in_reply_to": notification["Message-ID"], "text": PHISHING}
    not_proven = "не доказано, что письмо написал сотрудник"
    return {
        "plain From": (letter(sender=LEBEDEV, **refs), not_proven),
        "address as name": (letter(sender=f"{LEBEDEV} <attacker@evil.example>", **refs),
                            "в поле «От» не один однозначно записанный адрес"),
        "encoded address": (letter(sender=encoded(LEBEDEV), **refs),
                            "в поле «От» не один однозначно записанный адрес"),
        "encoded name": (letter(sender=f"{encoded(LEBEDEV)} <attacker@evil.example>", **refs),
                         "в поле «От» не один однозначно записанный адрес"),
        "forged pass": (letter(sender=LEBEDEV, **refs, headers={
            "Authentication-Results": f"mx.evil.example; dmarc=pass header.from={LEBEDEV.split('@')[1]}"}),
            not_proven),
        "forged pass below ours": (
            f"Authentication-Results: {SCHOOL_MX}; dmarc=fail header.from=school7-zarechny.example.ru\r\n".encode()
            + letter(sender=LEBEDEV, **refs, **vouched(LEBEDEV)), not_proven),
        "pass for another domain": (letter(sender=LEBEDEV, **refs, headers={
            "Authentication-Results": f"{SCHOOL_MX}; dmarc=pass header.from=evil.example"}), not_proven),
        "author's reply address": (letter(sender=LEBEDEV, to=ack["Reply-To"], **refs),
                                   "адрес для ответа из письма другому получателю"),
        "guessed token": (letter(sender=LEBEDEV, to=re.sub(r"-[0-9a-f]{20}@", "-" + "0" * 20 + "@", notification["Reply-To"]),
                                 **refs), not_proven),
    }  # fmt: skip


def test_forged_staff_letters_change_nothing_and_reach_no_author_while_a_genuine_reply_works(
    app, runner, smtp, dovecot, mailbox
):
    number, notification, ack = request_with_letters(app, smtp)
    forged = forged_letters(notification, ack)
    for raw, _reason in forged.values():
        dovecot.deliver(mailbox, raw)

    output = fetch(runner)
    assert f"Переслано ответов: 0; оставлено в ящике: {len(forged)}." in output
    lines = [x for x in output.splitlines() if "письмо" in x and "от" in x]
    assert len(lines) == len(forged)
    for (_raw, reason), line in zip(forged.values(), lines):
        assert reason in line, line
    status, history = state(app, number)
    assert status == "new" and [action for action, _who, _text in history] == ["created"]
    deliver_due(app)
    assert smtp.to(AUTHOR) == []

    dovecot.deliver(mailbox, reply(notification))
    assert f"№ {number}: ответ Лебедев Павел Сергеевич переслан автору" in fetch(runner)
    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    text = answer.get_body(("plain",)).get_content()
    assert ANSWER in text and PHISHING not in text


def test_an_encoded_word_bomb_is_set_aside_in_bounded_time_and_memory_and_later_letters_are_read(
    app, smtp, dovecot, mailbox
):
    number, notification = submit(app, smtp)
    bomb_from = " ".join([encoded("Ы")] * 40_000)  # 680 KB of encoded words
    bomb = (f"From: {bomb_from} <{LEBEDEV}>\r\nTo: support@school7-zarechny.example.ru\r\n"
            f"Subject: Re: [№ {number}]\r\nMessage-ID: <bomb@evil.example>\r\n\r\nТекст\r\n").encode()  # fmt: skip
    assert len(bomb) > 600_000
    dovecot.deliver(mailbox, bomb)
    dovecot.deliver(mailbox, reply(notification))

    with app.app_context():
        tracemalloc.start()
        started = time.monotonic()
        report = fetch_answers(current_register(), app.config)
        seconds = time.monotonic() - started
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert seconds < 10 and peak < 64 * 1024 * 1024, (seconds, peak)
    (_uid, first), (_uid2, second) = report.outcomes
    assert first.status == "set_aside" and "письмо не разбирается" in first.reason
    assert first.sender == LEBEDEV.lower()
    assert second.status == "answered" and second.number == number

    with app.app_context():  # marked: never parsed again
        again = fetch_answers(current_register(), app.config)
    assert again.outcomes == []
    flags = [f for f, _raw in dovecot.letters(mailbox)]
    assert SET_ASIDE in flags[0] and "\\Seen" not in flags[0]


def automatic_letters(notification) -> dict[str, tuple[bytes, str]]:
    """Each kind of automatic letter, sent to the proven reply address, with its true reason."""
    subject = f"Re: {notification['Subject']}"

    def robot(text="I am on leave until 20 March", **kw):
        kw.setdefault("subject", subject)
        return reply(notification, text, **kw)

    dsn = (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.example.ru>\r\nTo: {notification['Reply-To']}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.ru>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.ru\r\n\r\n"
        "Final-Recipient: rfc822; x@example.ru\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B--\r\n"
    ).encode()  # fmt: skip
    return {
        "exchange": (robot(subject=f"Автоматический ответ: {notification['Subject']}",
                           headers={"X-Auto-Response-Suppress": "All"}), "автоответ"),
        "rfc3834": (robot(headers={"Auto-Submitted": "auto-replied"}), "Auto-Submitted: auto-replied"),
        "x-autoreply": (robot(headers={"X-Autoreply": "yes"}), "заголовок X-Autoreply"),
        "x-autorespond": (robot(headers={"X-Autorespond": "yes"}), "заголовок X-Autorespond"),
        "x-autogenerated": (robot(headers={"X-Autogenerated": "Reply"}), "заголовок X-Autogenerated"),
        "bulk": (robot(headers={"Precedence": "bulk"}), "Precedence: bulk"),
        "junk": (robot(headers={"Precedence": "junk"}), "Precedence: junk"),
        "auto_reply": (robot(headers={"Precedence": "auto_reply"}), "Precedence: auto_reply"),
        "suppress on a reply": (robot(subject=f"RE: {notification['Subject']}",
                                      headers={"X-Auto-Response-Suppress": "All"}), "X-Auto-Response-Suppress"),
        "out of office": (robot(subject=f"Out of Office: {notification['Subject']}"), "автоответ"),
        "автоответ mail.ru": (robot(subject=f"Автоответ: {subject}", text="Я в отпуске"), "автоответ"),
        "yandex": (robot(subject=f"Нет на месте: {subject}", text="Я в отпуске"), "автоответ"),
        "gmail vacation": (robot(subject=f"Vacation reply: {subject}"), "автоответ"),
        "Undelivered": (dsn, "уведомление о доставке"),
    }  # fmt: skip


def test_each_automatic_letter_is_left_with_its_true_reason_and_changes_nothing(
    app, runner, smtp, dovecot, mailbox
):
    number, notification = submit(app, smtp)
    robots = automatic_letters(notification)
    for raw, _reason in robots.values():
        dovecot.deliver(mailbox, raw)
    output = fetch(runner)
    assert f"Переслано ответов: 0; оставлено в ящике: {len(robots)}." in output
    lines = [x for x in output.splitlines() if x.startswith("  письмо")]
    for (_raw, reason), line in zip(robots.values(), lines):
        assert reason in line, line
    status, history = state(app, number)
    assert status == "new" and [action for action, _who, _text in history] == ["created"]
    deliver_due(app)
    assert smtp.to(AUTHOR) == []


def test_a_sender_writing_in_a_loop_is_set_aside_and_reported_once(make_app, smtp, dovecot, mailbox):
    app = make_app(**dovecot.settings(mailbox), MAILBOX_LOOP_LIMIT=5)
    number, notification = submit(app, smtp)
    for n in range(6):
        dovecot.deliver(mailbox, letter(sender="robot@example.ru", subject=f"Re: уведомление {n}", text="?"))
    dovecot.deliver(mailbox, reply(notification))
    runner = app.test_cli_runner()
    output = fetch(runner)
    assert output.count("похоже на петлю автоответов: 6 писем за час") == 6
    assert f"№ {number}: ответ" in output
    assert "Переслано ответов: 0; оставлено в ящике: 0." in fetch(runner)


def test_a_forwarded_letter_gives_the_author_only_what_the_specialist_wrote(
    app, runner, smtp, dovecot, mailbox
):
    number, notification = submit(app, smtp)
    internal = notification.get_body(("plain",)).get_content()
    forwarded = f"{ANSWER}\n\nBegin forwarded message:\n\nFrom: {notification['From']}\nSubject: {notification['Subject']}\n\n{internal}"
    dovecot.deliver(mailbox, letter(sender=LEBEDEV, to=notification["Reply-To"], text=forwarded,
                                    subject=f"Fwd: {notification['Subject']}"))  # fmt: skip
    assert f"№ {number}: ответ" in fetch(runner)
    deliver_due(app)
    [answer] = smtp.to(AUTHOR)
    text = answer.get_body(("plain",)).get_content()
    assert ANSWER in text and "Исполнителя назначат" not in text and "/desk" not in text


def test_a_copy_of_the_internal_letter_pasted_under_the_answer_is_not_sent(
    app, runner, smtp, dovecot, mailbox
):
    number, notification = submit(app, smtp)
    internal = notification.get_body(("plain",)).get_content()
    pasted = f"{ANSWER}\n\n\n\n{internal}"
    dovecot.deliver(mailbox, letter(sender=LEBEDEV, to=notification["Reply-To"], text=pasted,
                                    subject=f"Re: {notification['Subject']}"))  # fmt: skip
    line = line_about(fetch(runner), "письмо 1")
    assert "текст служебного письма" in line and "ответьте автору в рабочем месте" in line
    assert state(app, number)[0] == "new"
    deliver_due(app)
    assert smtp.to(AUTHOR) == []


@pytest.mark.parametrize("footer", [
    "Отправлено из мобильной Почты Mail.ru", "Sent from Mail.ru app for Android",
    "Отправлено из приложения Яндекс Почта", "Sent from Yandex Mail for mobile",
    "Получите Outlook для Android", "Get Outlook for iOS", "Отправлено с iPhone",
    "Sent from my iPhone", "Sent from Gmail Mobile",
])  # fmt: skip
def test_the_mail_clients_advert_is_cut_from_the_answer(app, runner, smtp, dovecot, mailbox, footer):
    number, notification = submit(app, smtp)
    dovecot.deliver(mailbox, reply(notification, f"{ANSWER}\n\n{footer}"))
    assert f"№ {number}: ответ" in fetch(runner)
    assert ("answer_email", "lebedev", ANSWER) in state(app, number)[1]


def test_an_answer_signed_with_the_services_name_is_still_an_answer(app, runner, smtp, dovecot, mailbox):
    number, notification = submit(app, smtp)
    signed = f"{ANSWER}\n\nС уважением,\nСлужба сопровождения дистанционного обучения"
    dovecot.deliver(mailbox, reply(notification, signed))
    assert f"№ {number}: ответ" in fetch(runner)
