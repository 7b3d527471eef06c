"""manage.py purge_expired_studies [--dry-run]: delete closed studies' data after retention."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from capture.retention import expired_studies, purge_due, purge_expired_studies


class Command(BaseCommand):
    help = (
        "Delete the records, exports, imports and analysis snapshots of every closed study "
        "whose retention period has ended, each with an audit row. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, delete nothing.")

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        if dry_run:
            due = expired_studies()
            for study in due:
                self.stdout.write(f"Would delete the data of “{study}” (due {purge_due(study)}).")
            self.stdout.write(f"{len(due)} studies are past their retention period.")
            return
        purged = purge_expired_studies()
        for done in purged:
            self.stdout.write(
                f"Deleted the data of “{done.study}”: {done.records} records, {done.exports} "
                f"exports, {done.imports} imports, {done.analyses} analyses."
            )
        self.stdout.write(f"{len(purged)} studies purged.")
