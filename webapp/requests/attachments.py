"""Screenshots attached to a request: checked by their content, kept outside any served folder.

A file is written under a temporary name (`<name>.part`) inside the transaction that adds its
row, and gets its own name only once that transaction commits; a rollback deletes it. A process
killed in between leaves only `.part` files, which `remove_orphans` (run by the worker and by
`flask --app wsgi uploads clean`) deletes a day later, with any file no row refers to.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Attachment, SupportRequest

log = logging.getLogger(__name__)
PENDING = "attachments_written"  # session.info key: (temporary, final) paths of this transaction
TEMPORARY_SUFFIX = ".part"
ORPHAN_AGE = dt.timedelta(days=1)
NO_SPACE = (
    "Не удалось сохранить файлы: на сервере закончилось место. Обращение не отправлено — "
    "попробуйте ещё раз позже или отправьте его без файлов."
)

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
# Detected type -> the file name endings that may carry it.
ALLOWED = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jfif"),
    "application/pdf": ("pdf",),
}
KIND_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "application/pdf": "PDF"}
# PDF readers look for the header in the first 1024 bytes (ISO 32000-1 note in 7.5.2, Adobe's
# "PDF Reference" implementation note 13), and files from scanners and mail often begin with a
# line feed, CR LF or spaces. Only PDF whitespace (ISO 32000-1, table 1) may stand before it:
# anything else there is another format's file carrying a PDF header inside (a polyglot).
PDF_HEADER = b"%PDF-"
PDF_HEADER_WINDOW = 1024
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


class AttachmentError(ValueError):
    """`str()` is a Russian message for the person who chose the file."""


@dataclass(frozen=True)
class UploadedFile:
    name: str  # the sender's file name, cleaned for display
    data: bytes
    content_type: str  # detected from the content, never taken from the browser


def inspect_upload(filename: str, data: bytes) -> UploadedFile:
    """Accept a PNG, JPEG or PDF of at most 5 MB whose name does not lie about its content."""
    name = clean_filename(filename)
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"Файл «{name}» больше 5 МБ. Уменьшите его или сделайте снимок части экрана.")
    if not data:
        raise AttachmentError(f"Файл «{name}» пустой.")
    mime = detect_type(data)
    if mime not in ALLOWED:
        raise AttachmentError(f"Файл «{name}» не подходит: можно приложить только PNG, JPEG или PDF.")
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ending not in ALLOWED[mime]:
        raise AttachmentError(
            f"Имя файла «{name}» не соответствует содержимому: на самом деле это {KIND_NAMES[mime]}. "
            "Сохраните файл с правильным расширением."
        )
    return UploadedFile(name=name, data=data, content_type=mime)


def detect_type(data: bytes) -> str | None:
    """The MIME type read from the content, or None. A PDF may start after up to 1024 bytes of
    whitespace, as readers accept; a file whose first bytes are another format stays that format."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime
    at = data.find(PDF_HEADER, 0, PDF_HEADER_WINDOW + len(PDF_HEADER))
    if at > 0 and not data[:at].strip(PDF_WHITESPACE):
        return "application/pdf"
    return None


def clean_filename(filename: str) -> str:
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>\"]", "", base).strip()
    return base[:120] or "файл"


def store(upload_dir: str | os.PathLike, request: SupportRequest, files: list[UploadedFile]) -> None:
    """Write the files under `upload_dir` with random names and attach their rows to `request`.

    Raises AttachmentError (nothing left on disk) when the disk is full or the folder unwritable.
    """
    if not files:
        return
    folder = Path(upload_dir)
    pending = db.session.info.setdefault(PENDING, [])
    for item in files:
        stored_name = f"{secrets.token_hex(16)}.{ALLOWED[item.content_type][0]}"
        final = folder / stored_name
        temporary = final.with_name(stored_name + TEMPORARY_SUFFIX)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            pending.append((temporary, final))
            temporary.write_bytes(item.data)
        except OSError as exc:
            log.error("attachment not written: %s", exc.strerror or type(exc).__name__)
            _discard(db.session)
            raise AttachmentError(NO_SPACE) from None
        request.attachments.append(
            Attachment(
                original_name=item.name,
                content_type=item.content_type,
                size=len(item.data),
                stored_name=stored_name,
            )
        )



@sa.event.listens_for(Session, "after_commit")
def _keep(session: Session) -> None:
    """The rows are in: the files take their own names."""
    for temporary, final in session.info.pop(PENDING, ()):
        try:
            os.replace(temporary, final)
        except OSError as exc:  # the row stays; the page then says the file is missing
            log.error("attachment %s not renamed: %s", final.name, exc.strerror or type(exc).__name__)


@sa.event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    """The rows are gone: so are the files written for them."""
    for temporary, _final in session.info.pop(PENDING, ()):
        temporary.unlink(missing_ok=True)


def remove_orphans(upload_dir: str | os.PathLike, *, now: dt.datetime, age: dt.timedelta = ORPHAN_AGE) -> int:
    """Delete files older than `age` that no attachment row names (and temporary files left by
    a killed process); younger files may belong to a transaction still running. Returns how
    many were deleted."""
    folder = Path(upload_dir)
    if not folder.is_dir():
        return 0
    referenced = set(db.session.scalars(sa.select(Attachment.stored_name)))
    cutoff = (now - age).timestamp()
    removed = 0
    for path in folder.iterdir():
        if not path.is_file() or path.name in referenced:
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
