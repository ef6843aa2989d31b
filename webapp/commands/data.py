"""`flask --app wsgi data backup|restore|purge`: copies that restore, and the retention rule."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..backups import BackupError, restore_archive, write_archive
from ..extensions import db
from ..formatting import local_datetime
from ..models.types import utc_now
from ..retention.purge import PurgeResult, purge
from ..web.current import current_school

log = logging.getLogger(__name__)

data = AppGroup("data", help="Данные обращений: резервные копии, восстановление, срок хранения.")


@data.command("backup")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Сколько последних копий оставить в папке (по умолчанию BACKUP_KEEP).")
def backup_command(folder: Path | None, keep: int | None) -> None:
    """Сделать резервную копию базы и вложений, не останавливая приложение."""
    config = current_app.config
    folder = folder or Path(config["BACKUP_DIR"])
    try:
        archive = write_archive(
            db.engine, config["UPLOAD_DIR"], folder, now=utc_now(), keep=keep or config["BACKUP_KEEP"]
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    log.info("backup written: %s", archive.name)
    click.echo(f"Резервная копия: {archive}")


@data.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Восстановить копию в новую, пустую базу и пустую папку вложений."""
    try:
        manifest = restore_archive(db.engine, current_app.config["UPLOAD_DIR"], archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    log.info("backup restored: %s", archive.name)
    click.echo(
        f"Восстановлено из «{archive.name}» (копия от {manifest.created_at}, файлов: {manifest.attachments}). "
        "Дальше: flask --app wsgi db upgrade с теми же DATABASE_URL и UPLOAD_DIR — на случай, если копия "
        "сделана более старой версией."
    )


def purge_expired(*, dry_run: bool = False) -> PurgeResult:
    """Apply the profile's retention rule now (`privacy.retention_days`)."""
    return purge(db.session, current_school().privacy.retention_days, current_app.config["UPLOAD_DIR"],
                 utc_now(), dry_run=dry_run)  # fmt: skip


@data.command("purge")
@click.option("--dry-run", is_flag=True, help="Только показать, что будет удалено, ничего не меняя.")
def purge_command(dry_run: bool) -> None:
    """Удалить сведения о людях из обращений, закрытых раньше срока хранения."""
    result = purge_expired(dry_run=dry_run)
    profile = current_school()
    done = "Будет обезличено" if dry_run else "Обезличено"
    click.echo(f"Срок хранения: {profile.privacy.retention_days} дн. — закрытые до "
               f"{local_datetime(profile, result.cutoff)}.")  # fmt: skip
    click.echo(f"{done} обращений: {len(result.numbers)}" + (f" ({', '.join(result.numbers[:20])}"
               + (" …" if len(result.numbers) > 20 else "") + ")" if result.numbers else ""))  # fmt: skip
    click.echo(f"Файлов вложений {'будет удалено' if dry_run else 'удалено'}: {result.files}; "
               f"записей журнала доступа: {result.audit_entries}.")  # fmt: skip
    if not dry_run and result.numbers:
        log.info("retention purge: %s requests anonymised, %s files removed", len(result.numbers), result.files)
