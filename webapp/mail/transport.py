"""SMTP through Flask-Mail, with the two things Flask-Mail 0.10 leaves out.

Flask-Mail's `Connection.configure_host` opens `smtplib.SMTP(server, port)` with no timeout (a
server that accepts and never answers hangs the worker for ever) and calls `starttls()` /
`SMTP_SSL()` without an SSL context (so the server certificate is not verified). Our subclass
passes `MAIL_TIMEOUT` to every socket operation and a default-CA context (plus `MAIL_CA_FILE`)
with host-name checking. Messages are still Flask-Mail `Message`s.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl

import flask_mail
from flask import current_app

from ..models import OutboxMessage
from ..school import current_school


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


def sender() -> str | tuple[str, str]:
    configured = current_app.config.get("MAIL_DEFAULT_SENDER")
    if configured:
        return configured
    support = current_school().support
    # Characters that would split the display name in Flask-Mail's address parsing.
    return (re.sub(r'[",;:<>@\\]', "", support.name), support.email)


def build_message(row: OutboxMessage) -> flask_mail.Message:
    message = flask_mail.Message(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.body_text,
        html=row.body_html,
        sender=sender(),
        reply_to=row.reply_to,
        charset="utf-8",
    )
    message.msgId = row.message_id  # stable: a retry is the same message, not a new one
    if row.in_reply_to:
        message.extra_headers = {"In-Reply-To": row.in_reply_to, "References": row.in_reply_to}
    return message


def send_one(connection: VerifiedConnection, row: OutboxMessage) -> None:
    try:
        connection.send(build_message(row))
    except flask_mail.BadHeaderError as exc:
        raise TransportError("недопустимый заголовок письма", connection_lost=False) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise TransportError(_describe(exc), connection_lost=True) from exc
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
        # The server refused this message but the conversation goes on.
        raise TransportError(_describe(exc), connection_lost=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(_describe(exc), connection_lost=True) from exc


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
