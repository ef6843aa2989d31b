"""`flask --app wsgi uploads clean`: files of attachments that no request refers to."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models.types import utc_now
from ..requests.attachments import remove_orphans

log = logging.getLogger(__name__)

uploads = AppGroup("uploads", help="Файлы вложений обращений.")


def clean_uploads() -> int:
    """Delete day-old files without a row (left by a failed or killed submission)."""
    removed = remove_orphans(current_app.config["UPLOAD_DIR"], now=utc_now())
    db.session.rollback()  # end the read: a sleeping worker must not hold a snapshot
    if removed:
        log.info("uploads: %s orphaned files removed", removed)
    return removed


@uploads.command("clean")
def clean_command() -> None:
    """Удалить файлы вложений старше суток, на которые не ссылается ни одно обращение."""
    removed = clean_uploads()
    click.echo(f"Удалено файлов без обращения: {removed}.")
