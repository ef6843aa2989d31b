"""SMTP with Flask-Mail's settings, fixing what Flask-Mail 0.10 gets wrong.

Flask-Mail's `Connection.configure_host` opens `smtplib.SMTP(server, port)` with no timeout (a
server that accepts and never answers hangs the worker for ever) and calls `starttls()` /
`SMTP_SSL()` without an SSL context (so the server certificate is not verified). Our subclass
passes `MAIL_TIMEOUT` to every socket operation and a default-CA context (plus `MAIL_CA_FILE`)
with host-name checking.

Flask-Mail's `Message` is not used: it splits encoded headers inside words, loses spaces between
them, sends bodies as 8bit with lines over the 998-octet limit and cannot write a non-ASCII
mailbox. Messages are `email.message.EmailMessage`s under `policy.SMTP`, handed to smtplib's
`send_message`, which uses SMTPUTF8 where the server offers it and a message needs it.
"""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import flask_mail
from flask import current_app

from ..models import OutboxMessage
from ..vocabulary import MailKind
from .headers import set_address, set_mailbox, set_text
from .tokens import reply_token, tokened_address


class TransportError(Exception):
    """A message could not be handed to the server; `connection_lost` if the link is gone."""

    def __init__(self, message: str, *, connection_lost: bool):
        super().__init__(message)
        self.connection_lost = connection_lost


class VerifiedConnection(flask_mail.Connection):
    def __init__(self, mail, *, timeout: float, context: ssl.SSLContext):
        super().__init__(mail)
        self.timeout = timeout
        self.context = context

    def open(self) -> VerifiedConnection:
        # Unlike Flask-Mail, never "suppress": the outbox records a message as sent only
        # when a server took it.
        self.host = self.configure_host()
        self.num_emails = 0
        return self

    def __enter__(self) -> VerifiedConnection:
        return self if self.host is not None else self.open()

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is None:
            return
        try:
            if exc_type is None:
                self.host.quit()
            else:
                self.host.close()
        except (smtplib.SMTPException, OSError):
            self.host.close()

    def configure_host(self) -> smtplib.SMTP:
        mail = self.mail
        if mail.use_ssl:
            host = smtplib.SMTP_SSL(mail.server, mail.port, timeout=self.timeout, context=self.context)
        else:
            host = smtplib.SMTP(mail.server, mail.port, timeout=self.timeout)
        try:
            # Without this, Nagle's algorithm and delayed ACKs stall every message by ~40 ms.
            host.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if mail.use_tls:
                host.starttls(context=self.context)
            if mail.username and mail.password:
                host.login(mail.username, mail.password)
            host.ehlo_or_helo_if_needed()  # so `send_message` knows whether SMTPUTF8 is offered
        except BaseException:
            host.close()
            raise
        return host


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The system's trusted CAs, plus a school's own CA when MAIL_CA_FILE names one."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def open_connection() -> VerifiedConnection:
    """An open SMTP conversation (use it as a context manager); TransportError if impossible."""
    config = current_app.config
    connection = VerifiedConnection(
        current_app.extensions["mail"],
        timeout=config["MAIL_TIMEOUT"],
        context=tls_context(config.get("MAIL_CA_FILE")),
    )
    try:
        return connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(_describe(exc), connection_lost=True) from exc


def default_sender(name: str, address: str | None) -> tuple[str, str] | None:
    """The sender when MAIL_DEFAULT_SENDER is not set: the service's name and address, as is
    (the `email` package quotes and encodes the name itself); None when the profile gives no
    support e-mail (seed 001): then MAIL_DEFAULT_SENDER must be set."""
    return (name, address) if address else None


# RFC 5322 headers folded and bodies encoded for SMTP: CRLF, no line over 78 characters where
# it can be helped and never over 998 octets; every text part goes out as quoted-printable or
# base64 (`cte_type="7bit"`), whatever the length of its lines. Headers written by headers.py
# are already folded and must stay as written (`refold_source="none"`).
OUTGOING = email.policy.SMTP.clone(cte_type="7bit", refold_source="none")


def mailbox_address(address: str) -> str:
    """An address as SMTP takes it: the domain in IDNA (`почта.рф` → `xn--80a1acny.xn--p1ai`);
    a non-ASCII local part stays and needs SMTPUTF8. ValueError when it cannot be written."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("адрес получателя без @")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"домен адреса не переводится в IDNA: {exc}") from None
    return f"{local}@{ascii_domain}"


def sender() -> Address:
    configured = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(configured, (tuple, list)):
        name, address = configured
    else:
        name, address = parseaddr(configured or "")
    if not address:
        raise ValueError(
            "не задан адрес отправителя: в профиле нет support.email — укажите MAIL_DEFAULT_SENDER"
        )
    return Address(display_name=" ".join((name or "").split()), addr_spec=mailbox_address(address))


def build_message(row: OutboxMessage, *, secret: str) -> EmailMessage:
    """The letter of one outbox row. Every text header is written by headers.py so that it
    decodes back to exactly the text given; the bodies never have a line over 998 octets.
    Letters the product writes itself say so (RFC 3834), and letters to staff ask Exchange for
    no out-of-office reply: no robot answers them, and no two robots loop."""
    kind = _kind(row.kind)
    message = EmailMessage(policy=OUTGOING)
    service = sender()
    set_address(message, "From", service)
    set_mailbox(message, "To", mailbox_address(row.recipient))
    # Replies come back with the token that proves which letter they answer (tokens.py), to
    # the service's mailbox: the profile's support e-mail, or the sender where it has none.
    token = reply_token(secret, row.id, row.message_id)
    reply_to = mailbox_address(tokened_address(row.reply_to or service.addr_spec, token))
    set_address(message, "Reply-To", Address(addr_spec=reply_to))
    set_text(message, "Subject", row.subject or "")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id  # stable: a retry is the same message, not a new one
    if row.in_reply_to:
        message["In-Reply-To"] = row.in_reply_to
        message["References"] = row.in_reply_to
    if kind is None or kind.written_by == "system":
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: robots, do not answer
    if kind is not None and kind.reader == "staff":
        message["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # Exchange: no out-of-office
    message.set_content(row.body_text or "")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


def _kind(code: str) -> MailKind | None:
    try:
        return MailKind(code)
    except ValueError:
        return None


def send_one(connection: VerifiedConnection, row: OutboxMessage) -> None:
    """Hand one message to the server. Whatever goes wrong with this message alone (a header
    that cannot be written, an address the server cannot take) is this message's TransportError
    with `connection_lost=False`: the others in the batch still go."""
    host = connection.host
    try:
        message = build_message(row, secret=current_app.config["SECRET_KEY"])
        host.send_message(message, from_addr=sender().addr_spec,
                          to_addrs=[mailbox_address(row.recipient)])  # fmt: skip
    except smtplib.SMTPNotSupportedError as exc:
        raise TransportError(
            "в адресе русские буквы до @, а почтовый сервер не поддерживает SMTPUTF8",
            connection_lost=False,
        ) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise TransportError(_describe(exc), connection_lost=True) from exc
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
        # The server refused this message but the conversation goes on.
        raise TransportError(_describe(exc), connection_lost=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(_describe(exc), connection_lost=True) from exc
    except Exception as exc:  # an address or header `email`/smtplib cannot write: this one only
        _reset(host)  # it may have failed half-way through MAIL FROM / RCPT TO
        raise TransportError(f"письмо не удалось записать: {exc}", connection_lost=False) from exc


def _reset(host: smtplib.SMTP) -> None:
    try:
        host.rset()
    except (smtplib.SMTPException, OSError):
        pass  # a lost connection shows on the next message


def _describe(exc: BaseException) -> str:
    # smtplib wraps a socket timeout in SMTPServerDisconnected: look at what caused it.
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, smtplib.SMTPServerDisconnected) and cause is not None:
        exc = cause
    if isinstance(exc, TimeoutError):
        return "почтовый сервер не ответил вовремя (MAIL_TIMEOUT)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"сертификат почтового сервера не прошёл проверку: {exc.verify_message}"
    if isinstance(exc, ConnectionRefusedError):
        return "почтовый сервер не принимает подключения"
    return f"{type(exc).__name__}: {exc}"
