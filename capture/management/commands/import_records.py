"""Import records from REDCap's flat CSV into a live study, with a preview and a progress bar."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capture import imports
from capture.management.importing import add_import_arguments, progress_bar, study_and_person
from formats.records import Finding


class Command(BaseCommand):
    help = (
        "Import records (REDCap flat CSV) into a study as a person with entry rights. "
        "Prints everything the web preview shows: counts, every problem and warning by row "
        "and field, and every notice (columns skipped); nothing is written unless all is clean."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(
        self,
        *args: object,
        file: Path,
        study: int,
        email: str,
        dry_run: bool,
        **options: object,
    ) -> None:
        the_study, person = study_and_person(study, email)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot be read as UTF-8 text ({error}).") from error
        lines = max(text.count("\n"), 1)
        with progress_bar() as bar:
            task = bar.add_task("Checking", total=lines)
            check = imports.import_preview(
                actor=person,
                study=the_study,
                text=text,
                progress=lambda rows: bar.update(task, completed=min(rows, lines)),
            )
            bar.update(task, completed=lines)
        self._report(check)
        if not check.ok:
            raise CommandError(f"{len(check.errors)} problems: nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
            return
        with progress_bar() as bar:
            task = bar.add_task("Importing", total=check.records)
            try:
                done = imports.import_commit(
                    actor=person,
                    study=the_study,
                    text=text,
                    progress=lambda written: bar.update(task, completed=written),
                )
            except imports.ImportRefused as refused:
                # The data changed since the preview (a record locked, say): say what.
                for finding in refused.check.errors:
                    self.stderr.write(f"problem: {_where(finding)}")
                raise CommandError("Nothing was imported.") from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {check.records} records: {done.new_records} new, "
                f"{done.updated_records} updated, {done.unchanged_records} unchanged."
            )
        )

    def _report(self, check: imports.ImportCheck) -> None:
        """The preview as the web page shows it: counts, notices, problems, warnings."""
        self.stdout.write(
            f"{check.rows} rows, {check.records} records: {check.new_records} new, "
            f"{check.updated_records} updated, {check.unchanged_records} unchanged."
        )
        for label, changes in check.shown_changes:
            for name, old, new in changes:
                self.stdout.write(f"change: record {label}, {name}: {old} → {new}")
        for finding in check.notices:
            self.stdout.write(f"notice: {finding.message}")
        for finding in check.errors:
            self.stderr.write(f"problem: {_where(finding)}")
        for finding in check.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {_where(finding)}"))


def _where(finding: Finding) -> str:
    column = f", {finding.column}" if finding.column else ""
    return f"row {finding.row}{column}: {finding.message}"
