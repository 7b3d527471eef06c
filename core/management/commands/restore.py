"""manage.py restore ARCHIVE --yes: put back the database and files of a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and MEDIA_ROOT with a backup's, after checking every file "
        "of the archive; then compare each table's rows and each file with the manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: everything now stored is replaced."
        )

    def handle(self, *args: str, archive: Path, yes: bool, **options: object) -> None:
        if not yes:
            raise CommandError(
                "Restoring replaces the whole database and every uploaded file: add --yes."
            )
        if not archive.is_file():
            raise CommandError(f"No backup archive at {archive}.")
        try:
            result = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            raise CommandError(
                "Restored, but it differs from the backup: " + "; ".join(result.problems)
            )
        self.stdout.write(
            f"Restored {result.tables} tables and {result.files} files from {archive}; "
            "every row count and checksum matches the backup."
        )
