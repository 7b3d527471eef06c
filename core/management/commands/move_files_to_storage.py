"""`manage.py move_files_to_storage`: copy MEDIA_ROOT's files into the configured storage.

Run it once RADCOLLAB_STORAGE=s3 and the S3_* variables are set: each file keeps its
name, files already copied are skipped, so it may be run again after an interruption.
`--dry-run` lists what would be copied without writing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.files_move import files_move, local_files, same_place


class Command(BaseCommand):
    help = "Copy existing local files (MEDIA_ROOT) into the configured file storage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=None,
            help="The folder to copy from (default: MEDIA_ROOT).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be copied; write nothing."
        )

    def handle(self, *args: str, source: Path | None, dry_run: bool, **options: object) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        root = Path(source or settings.MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"There is no folder {root} to copy files from.")
        if same_place(root, default_storage):
            raise CommandError(
                f"The configured storage is the local folder {root} itself: set "
                "RADCOLLAB_STORAGE=s3 and the S3_* variables first (docs/deployment.md)."
            )
        total = sum(size for _, size in local_files(root))
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
        with Progress(*columns, console=None, transient=False) as bar:
            task = bar.add_task("Checking" if dry_run else "Copying", total=total)
            report = files_move(
                root=root,
                dry_run=dry_run,
                progress=lambda _, size: bar.advance(task, size),
            )
        verb = "Would copy" if dry_run else "Copied"
        for name in report.copied if dry_run else []:
            self.stdout.write(f"  {name}")
        self.stdout.write(
            f"{verb} {len(report.copied)} files ({report.bytes_copied:,} bytes); "
            f"{len(report.skipped)} already in storage; {len(report.failed)} failed."
        )
        for name, reason in report.failed:
            self.stderr.write(f"  {name}: {reason}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} files were not copied; run again to retry.")
