"""What the import commands share: their arguments, who and into which study, the bar."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accounts.models import User
from capture.models import Study


def add_import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--study", type=int, required=True, help="the study's id")
    parser.add_argument("--as", dest="email", required=True, help="who imports (email)")
    parser.add_argument("--dry-run", action="store_true", help="preview only")


def study_and_person(study_id: int, email: str) -> tuple[Study, User]:
    """The study named by --study and the active person named by --as, or a clear error."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        raise CommandError(f"No study with id {study_id}.")
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise CommandError(f"No active person with email {email}.")
    return study, person


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )
