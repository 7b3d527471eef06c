"""Import a REDCap project XML into a study: the preview printed whole, then all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capture import projectxml
from capture.management.importing import add_import_arguments, progress_bar, study_and_person


class Command(BaseCommand):
    help = (
        "Import a REDCap project XML (dictionary, events, sites, repeating setup, records) "
        "into a study as its admin. Prints what the web preview shows: each step, each data "
        "access group's site, every problem, every change to an existing record and what "
        "is kept but not applied; nothing is written unless all is clean."
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
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error}).") from error
        result = projectxml.project_preview(actor=person, study=the_study, data=data)
        self._report(result)
        if not result.ok:
            raise CommandError("Nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
            return
        total = result.check.records if result.check else 0
        with progress_bar() as bar:
            task = bar.add_task("Importing", total=total or None)
            try:
                projectxml.project_import(
                    actor=person,
                    study=the_study,
                    data=data,
                    digest=result.digest,
                    progress=lambda done: bar.update(task, completed=done),
                )
            except projectxml.ProjectImportRefused as refused:
                for problem in projectxml.findings(refused.result):
                    self.stderr.write(f"problem: {problem}")
                raise CommandError("Nothing was imported.") from refused
        self.stdout.write(self.style.SUCCESS("The REDCap project is imported."))

    def _report(self, result: projectxml.ProjectImport) -> None:
        for step in result.steps:
            self.stdout.write(f"step: {step}")
        for dag, code in result.sites:
            self.stdout.write(f"group: {dag} → {code or 'no site (its records are refused)'}")
        for notice in result.notices:
            self.stdout.write(f"notice: {notice}")
        if result.check is not None:
            for label, changes in result.check.shown_changes:
                for name, old, new in changes:
                    self.stdout.write(f"change: record {label}, {name}: {old} → {new}")
            for finding in result.check.warnings:
                self.stdout.write(
                    self.style.WARNING(f"warning: {finding.column}: {finding.message}")
                )
        for problem in projectxml.findings(result):
            self.stderr.write(f"problem: {problem}")
