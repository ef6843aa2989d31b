"""Helpers for the form, submission and outbox tests: valid data, real files, counting rows."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import secrets
import socket
import struct
import threading
import zlib
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml

from webapp.extensions import db
from webapp.models import OutboxMessage, SupportRequest
from webapp.requests.service import RequestData
from webapp.school import DEMO_PROFILE

# The demo school (webapp/school/demo.yaml): who a technical request reaches.
TECH_SPECIALISTS = ("belov@school7-zarechny.example.ru", "lebedev@school7-zarechny.example.ru")
RESPONSIBLE = "gromov@school7-zarechny.example.ru"
SERVICE_MAILBOX = "support@school7-zarechny.example.ru"


def first_number() -> str:
    """The number the first request submitted now gets (the demo school's year)."""
    year = dt.datetime.now(ZoneInfo("Asia/Yekaterinburg")).year
    return f"{year}-00001"


def new_key() -> str:
    return secrets.token_urlsafe(24)


# A student's request, as typed into the form: valid as it stands.
STUDENT = {
    "author_name": "Смирнова Анна Сергеевна",
    "author_role": "student",
    "class_name": "7А",
    "request_type": "technical",
    "description": "На уроке по видеосвязи не включается камера, звук есть.",
    "contact_phone": "8 912 345-67-89",
    "contact_email": "anna.smirnova@example.ru",
}


def form_data(**overrides) -> dict:
    """The form's fields as a browser sends them; None leaves a field out."""
    data = {**STUDENT, "consent": "y", "website": "", "submission_key": new_key(), **overrides}
    return {k: v for k, v in data.items() if v is not None}


def request_data(**overrides) -> RequestData:
    return RequestData(**{**STUDENT, **overrides})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored_counts(app) -> tuple[int, int]:
    """(requests, outbox messages) in the app's database."""
    with app.app_context():
        result = count(SupportRequest), count(OutboxMessage)
        db.session.remove()
        return result


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG image."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))  # fmt: skip


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")  # fmt: skip


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def profile_variant(tmp_path: Path, name: str = "school.yaml", **changes) -> str:
    """The demo profile with top-level sections changed (`support__deadlines__clock="calendar"`)."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def without_hotline_words(data: dict) -> dict:
    """The demo's own texts name its hotline (a role, a way to apply, the failure rule): a variant
    without a hotline phone words them otherwise, or the profile check refuses it."""
    for section in ("roles", "channels", "request_types"):
        for item in data[section]:
            for key, value in item.items():
                if isinstance(value, str):
                    item[key] = value.replace("горячей линии", "приёмной").replace("горячую линию", "приёмную")
    procedure = data.get("procedure") or {}
    if procedure.get("platform_failure"):
        procedure["platform_failure"] = procedure["platform_failure"].replace("горячей линии", "приёмной")
    return data


def field_error(html: str, field: str) -> str | None:
    """The message shown next to a field, as a person reads it."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    if match is None:
        return None
    return re.sub(r"\s+", " ", html_lib.unescape(match.group(1))).strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentServer:
    """Accepts TCP connections on loopback and never says a word (a hung mail server)."""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._socket.close()

    @property
    def connections(self) -> int:
        return len(self._held)


# The demo school's clock, in which the hotline form's times are typed.
DEMO_ZONE = ZoneInfo("Asia/Yekaterinburg")


def school_clock(moment: dt.datetime) -> str:
    return moment.astimezone(DEMO_ZONE).strftime("%Y-%m-%dT%H:%M")


def hotline_data(**overrides) -> dict:
    """What the hotline specialist fills in for a parent's phone call twenty minutes ago."""
    data = {
        "channel": "phone",
        "received_at": school_clock(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20)),
        "author_name": "Кузьмина Ольга Петровна",
        "author_role": "parent",
        "class_name": "3б",
        "request_type": "journal",
        "description": "Не видно оценок ребёнка за неделю в электронном дневнике.",
        "contact_phone": "8 (912) 600-11-22",
        "contact_email": "",
        "consent": "y",
        "submission_key": new_key(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
