"""Write and restore a backup: the database and the attachments' files in one tar archive.

An archive is `helpdesk-backup-YYYYMMDD-HHMMSSZ.tar` (UTC) and holds:

- `manifest.json`: format, database kind, time taken, schema revision, number of files;
- `database.sqlite3` — made by SQLite's online backup API, a consistent copy of a database that
  is being written to (a file copy of a live WAL database may be torn), or
  `database.pgdump` — `pg_dump --format=custom`, which reads one snapshot;
- `uploads/<stored name>` for each attachment file.

The database is copied first, the files after it, so every attachment row of the copy finds its
file: a row is committed before its file takes its final name (requests/attachments.py), and a
file still under its temporary name is waited for. Files younger than the copy are orphans in
the restored folder, which `flask --app wsgi uploads clean` removes.

The archives hold personal data of minors: they are written with mode 0600 in a 0700 folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

ARCHIVE_PREFIX = "helpdesk-backup-"
ARCHIVE_SUFFIX = ".tar"
FORMAT = 1
TEMPORARY_SUFFIX = ".part"  # an attachment written by a transaction not yet known committed
SETTLE_SECONDS = 10.0  # how long a temporary attachment name may take to become final
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """`str()` is a Russian message for the person running the command; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    format: int
    database: str  # "sqlite" | "postgresql"
    created_at: str  # ISO 8601, UTC
    revision: str | None  # the Alembic revision of the copied schema, if it has one
    attachments: int  # files in the archive


def write_archive(
    engine: sa.Engine, upload_dir: str | os.PathLike, target_dir: str | os.PathLike,
    *, now: dt.datetime, keep: int,
) -> Path:
    """Back up the database behind `engine` and the files under `upload_dir` into `target_dir`.

    Keeps the `keep` newest archives of the folder (keep >= 1) and deletes older ones. Returns
    the archive's path. Raises BackupError if the database cannot be copied or an archive of
    that second already exists; a failed run leaves no archive behind.
    """
    if keep < 1:
        raise BackupError("Нужно хранить хотя бы одну копию (--keep 1 или больше).")
    kind = _kind(engine)
    folder = Path(target_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{ARCHIVE_PREFIX}{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}Z{ARCHIVE_SUFFIX}"
    if target.exists():
        raise BackupError(f"Копия «{target.name}» уже есть: запустите снова через секунду.")
    partial = target.with_name(f".{target.name}{TEMPORARY_SUFFIX}")
    with tempfile.TemporaryDirectory(prefix="backup-", dir=folder) as work:
        dump = Path(work) / DUMP_NAMES[kind]
        _dump_database(engine, kind, dump)
        revision = _revision(engine)
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                tar.add(dump, arcname=dump.name)
                added = _add_uploads(tar, Path(upload_dir))
                manifest = Manifest(FORMAT, kind, now.astimezone(dt.UTC).isoformat(), revision, added)
                _add_bytes(tar, "manifest.json", json.dumps(asdict(manifest), indent=2).encode())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    for old in list_archives(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def list_archives(target_dir: str | os.PathLike) -> list[Path]:
    """The folder's archives, oldest first (the name holds the UTC time)."""
    folder = Path(target_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}") if p.is_file())


def restore_archive(engine: sa.Engine, upload_dir: str | os.PathLike, archive: str | os.PathLike) -> Manifest:
    """Restore `archive` into the empty database behind `engine` and the empty `upload_dir`.

    Raises BackupError, changing nothing, when the archive is unreadable or of another database
    kind, or when the database has tables or the folder has files.
    """
    kind = _kind(engine)
    uploads = Path(upload_dir)
    try:
        tar = tarfile.open(archive, mode="r:")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Не удалось прочитать копию «{archive}»: {exc}") from None
    with tar, tempfile.TemporaryDirectory(prefix="restore-") as work:
        manifest = _read_manifest(tar)
        if manifest.database != kind:
            raise BackupError(
                f"Копия сделана с базы {manifest.database}, а приложение настроено на {kind}: "
                "восстановите её в базу того же вида."
            )
        if sa.inspect(engine).get_table_names():
            raise BackupError("База данных не пуста: восстановление делается только в новую, пустую базу.")
        if uploads.is_dir() and any(p.is_file() for p in uploads.iterdir()):
            raise BackupError(f"В папке вложений «{uploads}» уже есть файлы: укажите пустую папку.")
        try:
            tar.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"Копия «{archive}» повреждена: {exc}") from None
        dump = Path(work) / DUMP_NAMES[kind]
        if not dump.is_file():
            raise BackupError(f"В копии «{archive}» нет базы данных.")
        _restore_database(engine, kind, dump)
        uploads.mkdir(mode=0o700, parents=True, exist_ok=True)
        extracted = Path(work) / "uploads"
        if extracted.is_dir():
            for path in extracted.iterdir():
                shutil.move(path, uploads / path.name)
                os.chmod(uploads / path.name, 0o600)
    return manifest


def _kind(engine: sa.Engine) -> str:
    kind = engine.dialect.name
    if kind not in DUMP_NAMES:
        raise BackupError(f"Резервное копирование базы {kind} не поддерживается (только SQLite и PostgreSQL).")
    return kind


def _dump_database(engine: sa.Engine, kind: str, dump: Path) -> None:
    if kind == "sqlite":
        copy = sqlite3.connect(dump)
        source = engine.raw_connection()
        try:
            source.driver_connection.backup(copy)  # one read transaction: a consistent copy
        finally:
            source.close()
            copy.close()
        os.chmod(dump, 0o600)
        return
    _run_postgres_tool(
        engine, ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
        "Не удалось снять копию базы PostgreSQL",
    )


def _restore_database(engine: sa.Engine, kind: str, dump: Path) -> None:
    if kind == "sqlite":
        source = sqlite3.connect(dump)
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
            source.close()
        engine.dispose()  # pooled connections must not keep the empty schema they saw
        return
    _run_postgres_tool(
        engine,
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)],
        "Не удалось восстановить базу PostgreSQL",
    )


def _run_postgres_tool(engine: sa.Engine, command: list[str], failure: str) -> None:
    """Run pg_dump/pg_restore on the engine's database; the password travels in the environment,
    never on the command line where `ps` shows it."""
    url = engine.url
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        done = subprocess.run([*command, f"--dbname={target}"], env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{failure}: нет программы {command[0]} (пакет postgresql-client).") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"код {done.returncode}"]
        raise BackupError(f"{failure}: {detail[0]}")


def _add_uploads(tar: tarfile.TarFile, folder: Path) -> int:
    """Add the attachment files under their final names; returns how many were added.

    Called after the database copy: a row in the copy has its file either under its final name
    or, for the moment between commit and rename, under its temporary one. The temporary names
    present now are waited for (later ones belong to transactions the copy does not hold); one
    that outlives SETTLE_SECONDS (a process killed there) is taken under its final name, as it
    was written in full before its transaction committed. A file that vanishes meanwhile
    (a rolled-back submission) is skipped.
    """
    if not folder.is_dir():
        return 0
    waiting = {p for p in folder.iterdir() if p.name.endswith(TEMPORARY_SUFFIX)}
    deadline = time.monotonic() + SETTLE_SECONDS
    while waiting and time.monotonic() < deadline:
        time.sleep(0.05)
        waiting = {p for p in waiting if p.exists()}
    names = sorted({p.name.removesuffix(TEMPORARY_SUFFIX) for p in folder.iterdir()})
    added = 0
    for name in names:
        for path in (folder / name, folder / f"{name}{TEMPORARY_SUFFIX}"):
            try:
                tar.add(path, arcname=f"uploads/{name}", recursive=False)
            except FileNotFoundError:
                continue
            added += 1
            break
    return added


def _revision(engine: sa.Engine) -> str | None:
    if "alembic_version" not in sa.inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(time.time())
    tar.addfile(info, fileobj=io.BytesIO(data))


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.extractfile("manifest.json")
        data = json.loads(member.read()) if member else None
        manifest = Manifest(**data)
    except (KeyError, TypeError, ValueError, tarfile.TarError):
        raise BackupError("Это не копия службы поддержки: в архиве нет понятного manifest.json.") from None
    if manifest.format != FORMAT:
        raise BackupError(f"Копия сделана в формате {manifest.format}, эта версия читает формат {FORMAT}.")
    return manifest
