"""Import records from REDCap's flat CSV into a live study, with a preview and a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from accounts.models import User
from capture import imports
from capture.models import Study


class Command(BaseCommand):
    help = (
        "Import records (REDCap flat CSV) into a study as a person with entry rights. "
        "Every problem is listed by row and field; nothing is written unless all is clean."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--study", type=int, required=True, help="the study's id")
        parser.add_argument("--as", dest="email", required=True, help="who imports (email)")
        parser.add_argument("--dry-run", action="store_true", help="preview only")

    def handle(self, *args: Any, **options: Any) -> None:
        study = Study.objects.filter(pk=options["study"]).first()
        if study is None:
            raise CommandError(f"No study with id {options['study']}.")
        person = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if person is None:
            raise CommandError(f"No active person with email {options['email']}.")
        text = options["file"].read_text(encoding="utf-8-sig")
        check = imports.import_preview(actor=person, study=study, text=text)
        for finding in check.warnings[:50]:
            self.stdout.write(self.style.WARNING(f"warning: {finding}"))
        if not check.ok:
            for finding in check.errors:
                self.stderr.write(f"error: {finding}")
            raise CommandError(f"{len(check.errors)} problems: nothing was imported.")
        self.stdout.write(
            f"{check.rows} rows, {check.records} records "
            f"({check.new_records} new, {check.updated_records} updated)."
        )
        if options["dry_run"]:
            return
        with Progress() as bar:
            task = bar.add_task("Importing", total=check.records)
            imports.import_commit(
                actor=person,
                study=study,
                text=text,
                progress=lambda done: bar.update(task, completed=done),
            )
        self.stdout.write(self.style.SUCCESS(f"Imported {check.records} records."))
