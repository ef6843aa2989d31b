"""Screenshots attached to a request: checked by their content, kept outside any served folder."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype

from ..models import Attachment, SupportRequest

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
# Detected type -> the file name endings that may carry it.
ALLOWED = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jfif"),
    "application/pdf": ("pdf",),
}
KIND_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "application/pdf": "PDF"}


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
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise AttachmentError(f"Файл «{name}» не подходит: можно приложить только PNG, JPEG или PDF.")
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ending not in ALLOWED[mime]:
        raise AttachmentError(
            f"Имя файла «{name}» не соответствует содержимому: на самом деле это {KIND_NAMES[mime]}. "
            "Сохраните файл с правильным расширением."
        )
    return UploadedFile(name=name, data=data, content_type=mime)


def clean_filename(filename: str) -> str:
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>\"]", "", base).strip()
    return base[:120] or "файл"


def store(upload_dir: str | os.PathLike, request: SupportRequest, files: list[UploadedFile]) -> None:
    """Write the files under `upload_dir` with random names and attach their rows to `request`."""
    if not files:
        return
    folder = Path(upload_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for item in files:
        stored_name = f"{secrets.token_hex(16)}.{ALLOWED[item.content_type][0]}"
        (folder / stored_name).write_bytes(item.data)
        request.attachments.append(
            Attachment(
                original_name=item.name,
                content_type=item.content_type,
                size=len(item.data),
                stored_name=stored_name,
            )
        )

