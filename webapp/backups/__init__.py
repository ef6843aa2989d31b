"""Backups of the register: one archive holding the database and the attachments' files."""

from .archive import (
    ARCHIVE_PREFIX,
    BackupError,
    Manifest,
    list_archives,
    restore_archive,
    write_archive,
)

__all__ = [
    "ARCHIVE_PREFIX",
    "BackupError",
    "Manifest",
    "list_archives",
    "restore_archive",
    "write_archive",
]
