"""manage.py backup [--output PATH]: the database and uploaded files in one archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and every uploaded file to one .tar.gz with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        parser.add_argument(
            "--output", type=Path, default=Path(f"backups/radcollab-{stamp}.tar.gz")
        )

    def handle(self, *args: str, output: Path, **options: object) -> None:
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        files = len(manifest["files"]) - 1
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {files} files "
            f"to {output} ({output.stat().st_size / 1024:.0f} KiB)."
        )
