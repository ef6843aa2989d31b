"""Reading replies: Russian charsets and transfer encodings, and cutting quotes and signatures."""

import pytest

from tests.support.imap import letter
from webapp.mailbox.answers import NUMBER
from webapp.mailbox.fetch import mailbox_name
from webapp.mailbox.parse import body_of, decode_bytes, is_automatic, read, screen
from webapp.mailbox.quotes import html_to_text, strip_quote

STAFF = "lebedev@school7-zarechny.example.ru"
ANSWER = "Здравствуйте! Камеру нужно разрешить в настройках браузера: значок замка, пункт Камера."


@pytest.mark.parametrize("charset", ["utf-8", "koi8-r", "windows-1251"])
@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_reply_text_is_decoded_from_russian_charsets(charset, encoding):
    raw = letter(sender=STAFF, subject="Re: Ответ по обращению", text=ANSWER, charset=charset,
                 encoding=encoding)  # fmt: skip
    reply = read(raw)
    assert reply.subject == "Re: Ответ по обращению"
    assert reply.sender == STAFF
    assert body_of(reply.message).text == ANSWER


def test_subject_with_raw_windows_1251_bytes_is_read():
    raw = (
        b"From: " + STAFF.encode() + b"\r\nSubject: Re: [N 2026-00042] \xce\xf2\xe2\xe5\xf2\r\n"
        b"Content-Type: text/plain\r\n\r\n\xc3\xee\xf2\xee\xe2\xee.\r\n"
    )
    reply = read(raw)
    assert reply.subject == "Re: [N 2026-00042] Ответ"
    assert body_of(reply.message).text == "Готово."


def test_text_without_a_charset_is_told_apart_as_koi8_or_windows_1251():
    sentence = "Пароль от дневника сброшен, войдите заново."
    assert decode_bytes(sentence.encode("koi8-r"), None) == sentence
    assert decode_bytes(sentence.encode("windows-1251"), None) == sentence
    assert decode_bytes(sentence.encode("koi8-r"), "x-unknown-charset") == sentence


@pytest.mark.parametrize(
    "subject",
    ["Re: [№ 2026-00042] Новое обращение", "RE: Fwd: [N 2026-00042]", "Ответ на №2026-00042",
     "Re: [# 2026-00042] тема"],
)  # fmt: skip
def test_request_number_is_found_in_the_ways_clients_keep_it(subject):
    assert NUMBER.search(subject).group(1) == "2026-00042"


def test_a_date_like_number_is_not_a_request_number():
    assert NUMBER.search("Re: расписание на 2026-03-15") is None


def test_message_id_and_thread_references_are_read():
    raw = letter(sender=STAFF.upper(), sender_name="Павел Лебедев", subject="Re: тема", text="ok",
                 in_reply_to="<abc@school7-zarechny.example.ru>")  # fmt: skip
    reply = read(raw)
    assert reply.sender == STAFF
    assert reply.references == ("<abc@school7-zarechny.example.ru>",)
    assert reply.key.startswith("<") and reply.key.endswith("@mail.test>")


def test_letter_with_two_senders_has_no_sender():
    raw = letter(sender=f"{STAFF}, other@example.ru", subject="Re", text="ok")
    assert read(raw).sender is None


def test_out_of_office_reply_is_automatic():
    raw = letter(sender=STAFF, subject="Автоответ: в отпуске", text="Я в отпуске до 20 марта.",
                 headers={"Auto-Submitted": "auto-replied"})  # fmt: skip
    assert is_automatic(read(raw).message)
    assert not is_automatic(read(letter(sender=STAFF, subject="Re", text="ok")).message)


def test_attached_file_is_noticed_but_a_signature_logo_is_not():
    with_file = letter(sender=STAFF, subject="Re", text=ANSWER,
                       attachment=("инструкция.pdf", "application/pdf", b"%PDF-1.4"))  # fmt: skip
    body = body_of(read(with_file).message)
    assert body.has_attachments and body.text == ANSWER
    related = (
        b"From: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>\xd0\x93\xd0\xbe\xd1\x82\xd0\xbe\xd0\xb2\xd0\xbe</p>"
        b'<img src="cid:logo">\r\n'
        b"--b\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n--b--\r\n"
    )
    body = body_of(read(related).message)
    assert not body.has_attachments and body.text == "Готово"


def test_html_only_reply_loses_its_quoted_block():
    html = (
        "<div>Добрый день!<br>Пароль сброшен.</div>"
        '<div class="gmail_quote">пн, 16 мар. 2026 г. в 10:00, Служба &lt;support@s.ru&gt;:'
        "<blockquote>Новое обращение № 2026-00042</blockquote></div>"
    )
    assert html_to_text(html) == "Добрый день!\nПароль сброшен."


def test_mail_ru_style_reply_keeps_only_the_new_text():
    text = (
        "Добрый день!\nПароль сброшен.\n\nС уважением,\nЛебедев\n\n"
        "Понедельник, 16 марта 2026, 10:00 +05:00 от Служба <support@school7.example.ru>:\n"
        ">Новое обращение № 2026-00042\n>Автор: Смирнова Анна\n"
    )
    assert strip_quote(text) == "Добрый день!\nПароль сброшен.\n\nС уважением,\nЛебедев"


def test_yandex_and_gmail_attributions_are_cut():
    yandex = 'Готово.\n\n16.03.2026, 10:00, "Служба" <support@s.ru>:\n> Новое обращение\n'
    assert strip_quote(yandex) == "Готово."
    gmail = "Готово.\n\nпн, 16 мар. 2026 г. в 10:00, Служба сопровождения <\nsupport@s.ru>:\n\n> текст\n"
    assert strip_quote(gmail) == "Готово."


def test_outlook_copy_below_the_header_block_is_cut():
    outlook = (
        "Готово, проверьте.\n\nОт: Служба <support@s.ru>\nОтправлено: 16 марта 2026 г. 10:00\n"
        "Кому: lebedev@s.ru\nТема: [№ 2026-00042] Новое обращение\n\nНовое обращение …\n"
    )
    assert strip_quote(outlook) == "Готово, проверьте."
    original = "Ответ.\n\n-----Original Message-----\nFrom: support@s.ru\nтекст\n"
    assert strip_quote(original) == "Ответ."


def test_signature_and_mobile_footer_are_cut():
    assert strip_quote("Готово.\n-- \nЛебедев П. С., техник") == "Готово."
    assert strip_quote("Готово.\n\nОтправлено из мобильной Почты Mail.ru") == "Готово."


def test_answers_between_quoted_lines_are_kept():
    text = "On Mon, 16 Mar 2026 at 10:00, support@s.ru wrote:\n> Камера?\nВключите в браузере.\n> Звук?\nПроверьте микрофон."
    assert strip_quote(text) == "Включите в браузере.\nПроверьте микрофон."


def test_a_line_with_an_address_and_a_time_is_not_taken_for_a_quote():
    text = "Пишите на help@school.ru в 10:00:\nотвечу сразу."
    assert strip_quote(text) == text


def test_folder_names_are_encoded_for_imap():
    assert mailbox_name("INBOX") == '"INBOX"'
    assert mailbox_name("Обработано") == '"&BB4EMQRABDAEMQQ+BEIEMAQ9BD4-"'
    assert mailbox_name('A&B "x"') == '"A&-B \\"x\\""'


@pytest.mark.parametrize("sender", [
    f"{STAFF} <attacker@evil.example>",  # Python reads the first, mail clients show the second
    "=?utf-8?b?bGViZWRldkBzY2hvb2w3LXphcmVjaG55LmV4YW1wbGUucnU=?=",  # decodes to the address
    "=?utf-8?b?bGViZWRldkBzY2hvb2w3LXphcmVjaG55LmV4YW1wbGUucnU=?= <attacker@evil.example>",
    f'"{STAFF}" <attacker@evil.example>',
    f"attacker@evil.example ({STAFF})",
    f"{STAFF}, attacker@evil.example",
])  # fmt: skip
def test_a_from_that_does_not_read_as_exactly_one_address_has_no_sender(sender):
    raw = f"From: {sender}\r\nSubject: Re\r\n\r\nok\r\n".encode()
    assert read(raw).sender is None


def test_a_plain_from_with_a_cyrillic_name_has_its_sender():
    raw = f"From: =?utf-8?b?0JvQtdCx0LXQtNC10LI=?= <{STAFF.upper()}>\r\nSubject: Re\r\n\r\nok\r\n".encode()
    assert read(raw).sender == STAFF


def test_headers_too_large_or_with_too_many_encoded_words_are_refused_before_parsing():
    limits = {"max_header_bytes": 64 * 1024, "max_encoded_words": 300}
    many = b"From: " + b" ".join([b"=?utf-8?b?0Ks=?="] * 301) + b" <a@b.ru>\r\n\r\ntext"
    huge = b"Subject: " + b"x" * 70_000 + b"\r\n\r\ntext"
    assert "закодированных фрагментов" in screen(many, **limits)
    assert "заголовки письма больше 64 КБ" in screen(huge, **limits)
    assert screen(letter(sender=STAFF, subject="Re: тема", text="=?" * 1000), **limits) is None


@pytest.mark.parametrize("footer", [
    "Отправлено из мобильной Почты Mail.ru", "Sent from Mail.ru app for Android",
    "Отправлено из Яндекс Почты для iPhone", "Sent from Yandex Mail for mobile",
    "Получите Outlook для iOS", "Get Outlook for Android", "Отправлено с iPad",
    "Sent from my Galaxy", "Отправлено с помощью Gmail",
])  # fmt: skip
def test_the_mail_clients_advertising_line_is_not_part_of_the_answer(footer):
    assert strip_quote(f"{ANSWER}\n\n{footer}\n") == ANSWER
