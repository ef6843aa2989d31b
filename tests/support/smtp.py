"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, catcher: SmtpCatcher):
        self.catcher = catcher

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.catcher.lock:
            self.catcher.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpCatcher:
    """`messages` holds (envelope recipients, parsed message) in the order received."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **controller_kwargs):
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._controller = Controller(
            _Handler(self), hostname=host, port=port or _free_port(), **controller_kwargs
        )
        self.host = host
        self.port = self._controller.port

    def __enter__(self) -> SmtpCatcher:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
