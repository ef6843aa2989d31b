"""What our letters look like on the wire, read back from a real SMTP server (aiosmtpd): headers
that decode to exactly the text meant, no line over 998 octets, the anti-loop headers, a
non-ASCII mailbox that fails alone (or goes with SMTPUTF8), and words that fit their reader."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import random
import threading

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.support.submissions import SERVICE_MAILBOX, form_data, free_port, profile_variant, request_data
from webapp import create_app
from webapp.config import ConfigError
from webapp.extensions import db
from webapp.mail.outbox import deliver_due
from webapp.mail.queue import enqueue
from webapp.mail.transport import open_connection, send_one
from webapp.models import OutboxMessage, SupportRequest
from webapp.models.types import utc_now
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.requests.validation import InvalidInput, clean_email
from webapp.vocabulary import MailKind
from webapp.web.current import current_register

LEBEDEV = "lebedev@school7-zarechny.example.ru"  # tech: answers, may not assign
ORLOVA = "orlova@school7-zarechny.example.ru"  # the head: may assign
AUTHOR = "anna.smirnova@example.ru"
WORDS = ("Служба сопровождения дистанционного обучения Проблема с электронным журналом (ЭЖД) "
         "«Школа № 7», \"кавычки\" запятая; точка. ёжик a@b <x> =?utf-8?q?x?= 😀").split()  # fmt: skip


class RawCatcher:
    """An SMTP server that keeps each letter's bytes and the MAIL FROM options it came with."""

    def __init__(self, *, smtputf8: bool):
        self.letters: list[tuple[list[str], list[str], bytes]] = []  # (rcpts, mail options, raw)
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                      enable_SMTPUTF8=smtputf8, decode_data=False)  # fmt: skip

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.letters.append((list(envelope.rcpt_tos), list(envelope.mail_options), envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[bytes]:
        with self.lock:
            return [raw for rcpts, _options, raw in self.letters if address in rcpts]


@pytest.fixture
def catcher():
    server = RawCatcher(smtputf8=False)
    server._controller.start()
    yield server
    server._controller.stop()


@pytest.fixture
def utf8_catcher():
    server = RawCatcher(smtputf8=True)
    server._controller.start()
    yield server
    server._controller.stop()


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def longest_line(raw: bytes) -> int:
    return max(len(line) for line in raw.split(b"\r\n"))


def text_of(n: int, rng: random.Random) -> str:
    text = ""
    while len(text) < n:
        text += rng.choice(WORDS) + " "
    return " ".join(text[:n].split()) or "Ы"


def test_every_header_we_write_decodes_to_exactly_the_text_meant(make_app, catcher):
    """Subjects through the outbox in one batch; sender names (a setting) over one connection."""
    app = make_app(MAIL_PORT=catcher.port, OUTBOX_BATCH=200)
    rng = random.Random(9)
    subjects = {f"reader{n}@example.ru": text_of(n, rng) for n in range(1, 201)}
    names = {f"head{n}@example.ru": text_of(n, rng) for n in range(1, 201)}
    with app.app_context():
        for recipient, subject in subjects.items():
            enqueue(kind=MailKind.SLA_BREACH, recipient=recipient, sender_domain="school.example.ru",
                    subject=subject, body_text="Текст", body_html="<p>Текст</p>",
                    reply_to=SERVICE_MAILBOX)  # fmt: skip
        db.session.commit()
    assert deliver_due(app).sent == 200
    with app.app_context(), open_connection() as connection:
        for n, (recipient, name) in enumerate(names.items(), start=1):
            app.config["MAIL_DEFAULT_SENDER"] = (name, SERVICE_MAILBOX)
            row = OutboxMessage(id=10_000 + n, message_id=f"<n{n}@school.example.ru>", kind="sla_breach",
                                recipient=recipient, subject="Тема", body_text="Текст",
                                reply_to=SERVICE_MAILBOX)  # fmt: skip
            send_one(connection, row)
    for recipient, subject in subjects.items():
        [raw] = catcher.to(recipient)
        assert str(parsed(raw)["Subject"]) == subject
        assert longest_line(raw) <= 998
    for recipient, name in names.items():
        [raw] = catcher.to(recipient)
        letter = parsed(raw)
        [sender] = letter["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (name, SERVICE_MAILBOX)
        assert not letter["From"].defects
        assert longest_line(raw) <= 998


def test_a_long_description_and_answer_go_out_with_no_line_over_998_octets(make_app, catcher):
    app = make_app(MAIL_PORT=catcher.port)
    description = ("Камера не включается, " * 300)[:5000]  # one line, 5,000 characters
    answer = ("Разрешите доступ к камере в браузере, " * 200)[:5000]
    with app.app_context():
        req = submit_request(current_register(), request_data())
        req.description = description  # longer than the form allows: any stored text must go
        db.session.commit()
        number = req.number
    deliver_due(app)
    [notification] = catcher.to(LEBEDEV)
    assert longest_line(notification) <= 998
    text = parsed(notification).get_body(("plain",)).get_content()
    assert description in text
    assert description in parsed(notification).get_body(("html",)).get_content()

    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
        lifecycle.answer_by_email(current_register(), req, "lebedev", answer)
        db.session.commit()
    assert deliver_due(app).sent == 1
    [_ack, answer_letter] = catcher.to(AUTHOR)
    assert longest_line(answer_letter) <= 998
    assert answer in parsed(answer_letter).get_body(("plain",)).get_content()


def test_our_letters_carry_the_anti_loop_headers(make_app, catcher):
    app = make_app(MAIL_PORT=catcher.port)
    with app.app_context():
        req = submit_request(current_register(), request_data())
        db.session.commit()
        lifecycle.answer_by_email(current_register(), req, "lebedev", "Ответ специалиста.")
        db.session.commit()
    deliver_due(app)
    [to_staff] = [parsed(raw) for raw in catcher.to(LEBEDEV)]
    assert to_staff["Auto-Submitted"] == "auto-generated"
    assert to_staff["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    acknowledgement, answer = [parsed(raw) for raw in catcher.to(AUTHOR)]
    assert acknowledgement["Auto-Submitted"] == "auto-generated"
    assert acknowledgement["X-Auto-Response-Suppress"] is None
    assert answer["Auto-Submitted"] is None  # a person's words: a reply to it is welcome
    for letter in (to_staff, acknowledgement, answer):
        assert letter["Reply-To"].addresses[0].addr_spec.startswith("support+r")


def test_a_non_ascii_mailbox_fails_alone_and_the_rest_of_the_batch_is_delivered(make_app, catcher):
    app = make_app(MAIL_PORT=catcher.port, OUTBOX_MAX_ATTEMPTS=2)
    recipients = ["first@example.ru", "иван@почта.рф", "ivan@почта.рф", "last@example.ru"]
    with app.app_context():
        for recipient in recipients:
            enqueue(kind=MailKind.ANSWER_SENT, recipient=recipient, sender_domain="school.example.ru",
                    subject="Ответ", body_text="Текст", body_html=None)  # fmt: skip
        db.session.commit()
    report = deliver_due(app)
    assert (report.sent, report.retried) == (3, 1)
    assert catcher.to("first@example.ru") and catcher.to("last@example.ru")
    assert catcher.to("ivan@xn--80a1acny.xn--p1ai")  # a Cyrillic domain goes in IDNA
    with app.app_context():
        failed = db.session.scalar(sa.select(OutboxMessage).filter_by(recipient="иван@почта.рф"))
        assert (failed.status, failed.attempts) == ("pending", 1)
        assert "SMTPUTF8" in failed.last_error
    later = utc_now() + dt.timedelta(minutes=2)
    assert deliver_due(app, now=later).failed == 1  # retried, then given up on: listed for a person
    listing = app.test_cli_runner().invoke(args=["outbox", "failed"]).output
    assert "иван@почта.рф" in listing and "попыток: 2" in listing and "SMTPUTF8" in listing
    assert len(catcher.letters) == 3  # nothing was sent twice


def test_a_non_ascii_mailbox_is_delivered_with_smtputf8_where_the_server_offers_it(make_app, utf8_catcher):
    app = make_app(MAIL_PORT=utf8_catcher.port)
    with app.app_context():
        enqueue(kind=MailKind.ANSWER_SENT, recipient="иван@почта.рф", sender_domain="school.example.ru",
                subject="Ответ на ваше обращение", body_text="Текст ответа", body_html=None)  # fmt: skip
        db.session.commit()
    assert deliver_due(app).sent == 1
    [(rcpts, options, raw)] = utf8_catcher.letters
    assert rcpts == ["иван@xn--80a1acny.xn--p1ai"] and "SMTPUTF8" in options
    letter = parsed(raw)
    assert str(letter["Subject"]) == "Ответ на ваше обращение"
    assert letter.get_body(("plain",)).get_content().strip() == "Текст ответа"


def test_the_form_says_at_once_that_a_cyrillic_mailbox_cannot_be_served():
    with pytest.raises(InvalidInput, match="русскими буквами до знака @"):
        clean_email("иван@почта.рф")
    assert clean_email("ivan@почта.рф") == "ivan@почта.рф"
    assert clean_email("иван@почта.рф", smtputf8=True) == "иван@почта.рф"


@pytest.mark.parametrize("replies_read", [False, True], ids=["no mailbox read", "IMAP_HOST set"])
def test_each_letter_says_what_its_reader_can_and_should_do(make_app, catcher, replies_read):
    """A letter asks to be answered by e-mail only where `mailbox fetch` reads the answers."""
    app = make_app(MAIL_PORT=catcher.port, **({"IMAP_HOST": "imap.example.ru"} if replies_read else {}))
    with app.app_context():
        submit_request(current_register(), request_data(contact_email=None))  # phone only
        submit_request(current_register(), request_data(request_type="other"))  # to the head
        db.session.commit()
    deliver_due(app)
    [phone_only] = [parsed(raw).get_body(("plain",)).get_content() for raw in catcher.to(LEBEDEV)]
    assert "ответьте на это письмо" not in phone_only
    assert "нет электронной почты: позвоните" in phone_only
    assert "Назначить исполнителя" not in phone_only  # he may not assign
    assert "Исполнителя назначат до" in phone_only
    head = [parsed(raw).get_body(("plain",)).get_content() for raw in catcher.to(ORLOVA)]
    assert any("Назначить исполнителя: до" in text for text in head)
    if replies_read:
        assert all("ответьте на это письмо" in text for text in head)
    else:
        assert not any("ответьте на это письмо" in text or "из почты" in text for text in head)
        assert all("Ответьте автору в рабочем месте: http://127.0.0.1:5000/app/desk/r/" in text for text in head)


@pytest.mark.parametrize("smtputf8", [False, True])
def test_the_form_takes_a_cyrillic_mailbox_only_where_the_schools_server_delivers_it(make_app, utf8_catcher, smtputf8):
    app = make_app(MAIL_PORT=utf8_catcher.port, MAIL_SMTPUTF8=smtputf8)
    response = app.test_client().post("/app/form", data=form_data(contact_email="иван@почта.рф"))
    with app.app_context():
        stored = db.session.scalars(sa.select(SupportRequest.contact_email)).all()
    if not smtputf8:  # told at once, nothing stored
        assert response.status_code == 422
        assert "русскими буквами до знака @" in response.get_data(as_text=True)
        assert stored == []
        return
    assert response.status_code == 303 and stored == ["иван@почта.рф"]
    deliver_due(app)
    [options] = [o for r, o, _raw in utf8_catcher.letters if r == ["иван@xn--80a1acny.xn--p1ai"]]
    assert "SMTPUTF8" in options


def test_without_a_support_email_replies_come_back_to_the_sender_with_their_token(make_app, catcher, tmp_path):
    """Seeds 001–004 give no support e-mail: the school sets MAIL_DEFAULT_SENDER, and replies
    come back to that mailbox, still carrying the token that proves which letter they answer."""
    path = profile_variant(tmp_path, support__email=None)
    app = make_app(MAIL_PORT=catcher.port, SCHOOL_PROFILE=path,
                   MAIL_DEFAULT_SENDER="Служба <help@school7-zarechny.example.ru>")  # fmt: skip
    with app.app_context():
        submit_request(current_register(), request_data())
        db.session.commit()
    deliver_due(app)
    [to_staff] = [parsed(raw) for raw in catcher.to(LEBEDEV)]
    [acknowledgement] = [parsed(raw) for raw in catcher.to(AUTHOR)]
    for letter in (to_staff, acknowledgement):
        assert letter["From"].addresses[0].addr_spec == "help@school7-zarechny.example.ru"
        reply_to = letter["Reply-To"].addresses[0].addr_spec
        assert reply_to.startswith("help+r") and reply_to.endswith("@school7-zarechny.example.ru")
        assert "support@" not in letter.as_string()


def test_without_a_support_email_or_a_sender_production_refuses_to_start_and_development_mails_locally(tmp_path):
    path = profile_variant(tmp_path, support__email=None)
    production = {"APP_ENV": "production", "SECRET_KEY": "a-long-random-production-secret-key",
                  "DATABASE_URL": "sqlite://", "PUBLIC_BASE_URL": "https://help.school.example",
                  "SCHOOL_PROFILE": path}  # fmt: skip
    with pytest.raises(ConfigError, match="MAIL_DEFAULT_SENDER не задан, а в профиле школы нет support.email"):
        create_app(production)
    given = create_app({**production, "MAIL_DEFAULT_SENDER": "help@school.example"})
    assert given.config["MAIL_DEFAULT_SENDER"] == "help@school.example"
    development = create_app({**production, "APP_ENV": "development"})
    assert development.config["MAIL_DEFAULT_SENDER"][1] == "helpdesk@localhost"
