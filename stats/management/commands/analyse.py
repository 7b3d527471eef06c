"""Run an analysis on a CSV file and print its tables: the same choices as the web form.

    python manage.py analyse reads.csv accuracy --index ai_score --threshold 50 \
        --reference ref_ich
    python manage.py analyse reads.csv agreement --measurements r1_call r2_call
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from stats import figures
from stats.analyses import run_analysis
from stats.inputs import (
    CI_METHODS,
    TRANSFORMS,
    WEIGHTS,
    Analysis,
    AnalysisInputError,
    Column,
    Dataset,
    Settings,
)
from stats.report import cells, results_csv
from stats.results import Result

OPTIONS = {
    "index": "--index",
    "index_second": "--index-second",
    "reference": "--reference",
    "measurements": "--measurements",
    "index_positive": "--index-positive",
    "reference_positive": "--reference-positive",
    "threshold": "--threshold",
    "ci_method": "--ci-method",
    "level": "--level",
    "transform": "--transform",
    "weights": "--weights",
    "order": "--order",
    "multiplier": "--multiplier",
    "exclude_missing": "--exclude-missing",
}


class Command(BaseCommand):
    help = (
        "Run a statistical analysis on a CSV file (one row per case, one column per "
        "variable) and print the tables and reporting sentences."
    )
    # It reads a file and touches no database, so it runs without the project's checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV with a header row (UTF-8)")
        parser.add_argument("analysis", choices=[a.value for a in Analysis])
        parser.add_argument("--index", default="", help="index test column")
        parser.add_argument("--index-second", default="", help="second test (paired DeLong)")
        parser.add_argument("--reference", default="", help="reference standard column")
        parser.add_argument(
            "--measurements",
            nargs="+",
            default=[],
            metavar="COL",
            help="readers or repeated measurements (agreement, icc, bland_altman, repeatability)",
        )
        parser.add_argument("--index-positive", default="", help="codes counted positive: 4,5")
        parser.add_argument("--reference-positive", default="", help="codes counted positive")
        parser.add_argument("--threshold", type=float, help="numeric index positive at or above")
        parser.add_argument("--ci-method", default="wilson", choices=list(CI_METHODS))
        parser.add_argument("--level", type=float, default=0.95, help="confidence level")
        parser.add_argument("--transform", default="none", choices=list(TRANSFORMS))
        parser.add_argument("--weights", default="none", choices=list(WEIGHTS))
        parser.add_argument(
            "--order",
            default="",
            help="agreement categories from lowest to highest, e.g. None,Minimal,Moderate,Severe "
            "(weighted kappa on words needs it; numbers are taken in numeric order)",
        )
        parser.add_argument("--multiplier", type=float, default=1.96, help="LoA multiplier")
        parser.add_argument(
            "--exclude-missing",
            action="store_true",
            help="leave out rows with a missing value (empty, NA, N/A, #N/A, NaN or .)",
        )
        parser.add_argument("--id-column", default="", help="column naming each row in messages")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--csv-out", type=Path, help="also write the results as CSV")
        parser.add_argument("--figures", type=Path, help="write the figures (SVG, PNG) here")

    def handle(self, *args: str, **options: object) -> None:
        # As add_arguments declares them: argparse gives the file as a Path, the rest as
        # text, numbers and flags, which Settings.from_json checks by name.
        file, id_column = options["file"], options["id_column"]
        csv_out, folder = options["csv_out"], options["figures"]
        assert isinstance(file, Path)
        assert isinstance(id_column, str)
        data = read_csv(file, id_column)
        chosen = {name: options[name] for name in OPTIONS}
        try:
            settings = Settings.from_json({"analysis": options["analysis"], **chosen})
            result = run_analysis(data, settings)
        except AnalysisInputError as error:
            flag = OPTIONS.get(error.field, error.field)
            raise CommandError(f"{flag}: {error.message}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self._print(result)
        if isinstance(csv_out, Path):
            csv_out.write_text(results_csv(result), encoding="utf-8")
        if isinstance(folder, Path):
            self._figures(result, folder)

    def _print(self, result: Result) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=120, highlight=False)
        excluded = result["excluded"]
        console.print(f"[bold]{result['title']}[/bold]: {result['n']} rows analysed")
        if excluded:
            console.print(f"Left out for a missing value: {', '.join(excluded)}")
        for stored in result["tables"]:
            table = Table(title=stored["title"], title_justify="left")
            for name, kind in zip(stored["columns"], stored["formats"], strict=True):
                table.add_column(name, justify="left" if kind == "text" else "right")
            for row in cells(stored):
                table.add_row(*row)
            console.print(table)
        for warning in result.get("warnings", []):
            console.print(f"[bold]Warning:[/bold] {warning}")
        for sentence in result["sentences"]:
            console.print(sentence)
        for note in result["notes"]:
            console.print(f"[dim]Note: {note}[/dim]")

    def _figures(self, result: Result, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in figures.figure_names(result):
            drawn = figures.draw(result, name)
            (folder / f"{name}.svg").write_bytes(figures.svg(drawn))
            (folder / f"{name}.png").write_bytes(figures.png(drawn))
            self.stdout.write(f"Wrote {folder / name}.svg and .png")


def read_csv(path: Path, id_column: str = "") -> Dataset:
    """A CSV as a dataset; rows are named by line or `id_column`.

    Cells are kept as written: which of them are missing (empty, NA, N/A, NaN, ".") is
    decided by `stats.inputs.is_missing`, the same for the CSV, the API and captured data.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise CommandError(f"{path} is empty: a header row naming the columns is needed.")
    header = [name.strip() for name in header]
    if len(set(header)) != len(header):
        raise CommandError(f"{path}: the header names a column twice.")
    rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise CommandError(
                f"{path}, line {line}: {len(row)} cells where the header has {len(header)}."
            )
    if id_column and id_column not in header:
        raise CommandError(f"--id-column: there is no column {id_column!r}.")
    at = header.index(id_column) if id_column else None
    ids = [row[at] if at is not None else f"line {n}" for n, row in enumerate(rows, start=2)]
    columns = {
        name: Column(name, tuple(row[i].strip() or None for row in rows))
        for i, name in enumerate(header)
    }
    return Dataset(tuple(ids), columns)
