"""Import a bibliography file for a person, through the same service as the web page.

manage.py import_outputs --person trainee@demo.radcollab.org --format bibtex refs.bib
manage.py import_outputs --person ... --format pubmed_xml pubmed.xml --dry-run
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from formats.bibliography import BibliographyError, Format, decode
from outputs.imports import Preview, import_commit, import_preview

STAGES = {"check": "Checking for duplicates", "write": "Writing authors"}


class Command(BaseCommand):
    help = "Import outputs from a BibTeX, RIS, PubMed, MEDLINE, ORCID or Crossref file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--person", required=True, help="The email of whose outputs these are.")
        parser.add_argument(
            "--format",
            choices=[f.value for f in Format],
            help="Detected from the file if left out.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Preview only; write nothing.")

    def handle(self, *args: str, **options: object) -> None:
        # As add_arguments declares them: the file a Path, --format a Format value or None.
        path, fmt = options["file"], options["format"]
        assert isinstance(path, Path)
        assert fmt is None or isinstance(fmt, str)
        person = get_user_model().objects.filter(email__iexact=options["person"]).first()
        if person is None:
            raise CommandError(f"No person with the email {options['person']}.")
        try:
            text, _ = decode(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except BibliographyError as error:
            raise CommandError(f"{path.name}: {error}; nothing was written.") from None
        console = Console(file=cast(IO[str], self.stdout), stderr=False)
        with _bar(console) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            preview = import_preview(person=person, text=text, fmt=fmt, progress=progress)
            self._report(console, preview)
            if preview.problems:
                raise CommandError("The import is refused; nothing was written.")
            if options["dry_run"]:
                console.print("Dry run: nothing was written.")
                return
            try:
                result = import_commit(
                    actor=None,
                    person=person,
                    text=text,
                    fmt=fmt,
                    filename=path.name,
                    progress=progress,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        console.print(
            f"Imported for {person}: {result.created} new, {result.merged} merged, "
            f"{result.refused} refused."
        )

    def _report(self, console: Console, preview: Preview) -> None:
        for problem in preview.problems:
            console.print(f"[red]{problem}[/red]", highlight=False)
        for entry in preview.duplicates:
            console.print(f"duplicate: {entry.where}: {entry.reason}", highlight=False)
        for entry in preview.possible:
            console.print(f"left out: {entry.where}: {entry.reason}", highlight=False)
        for entry in preview.refused:
            console.print(f"refused: {entry.where}: {entry.reason}", highlight=False)
        for entry in preview.entries:
            for warning in entry.warnings:
                console.print(f"check: {entry.where}: {warning}", highlight=False)
        console.print(
            f"{len(preview.new)} new, {len(preview.duplicates)} duplicates, "
            f"{len(preview.possible)} possible duplicates (left out), "
            f"{len(preview.refused)} refused."
        )


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
