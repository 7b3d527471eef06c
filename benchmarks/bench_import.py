"""Publication import speed: 5,000 BibTeX entries and 5,000 PubMed records, SQLite and PostgreSQL.

Generates both files (with LaTeX accents, multi-line abstracts, eight authors per entry
and a tenth of the PubMed records duplicating BibTeX entries by DOI), then imports each
for one person through `outputs.imports.import_commit`, the service the web page, the
API and `manage.py import_outputs` use, in a scratch database.

    .venv/bin/python benchmarks/bench_import.py             # both databases
    .venv/bin/python benchmarks/bench_import.py --db sqlite --entries 1000

Prints figures; asserts nothing about time. Target: 5,000 entries in under 10 s.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from scratch import ROOT, scratch_database, setup_django

PG_BENCH_DB = "radcollab_bench_import"
FAMILIES = [
    ('M{\\"u}ller', "Müller"),
    ("Sm{\\o}rgrav", "Smørgrav"),
    ("Dupr\\'{e}", "Dupré"),
    ("Garc{\\'\\i}a", "García"),
    ("Okafor", "Okafor"),
    ("Nakamura", "Nakamura"),
    ("O'Brien", "O'Brien"),
    ("{\\v{S}}imi{\\'c}", "Šimić"),
    ("Patel", "Patel"),
    ("Kowalski", "Kowalski"),
]
GIVENS = ['J{\\"o}rg', "Amara", "Am\\'elie", "Ken", "Siobh{\\'a}n", "Nisha", "Ivan", "Helen"]
TOPICS = ["MRI", "CT", "ultrasound", "PET-CT", "radiography"]
FINDINGS = ["stroke", "appendicitis", "pulmonary embolism", "hip fracture", "renal colic"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # the child process's database URL
    args = parser.parse_args()
    if args.run:
        run(args)
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        child = [sys.executable, __file__, "--run", _database(db), f"--entries={args.entries}"]
        subprocess.run(child, check=True, cwd=ROOT)


def _database(db: str) -> str:
    return scratch_database(db, PG_BENCH_DB)


def bibtex_file(entries: int, rng: random.Random) -> str:
    parts = []
    for i in range(entries):
        authors = " and ".join(f"{rng.choice(FAMILIES)[0]}, {rng.choice(GIVENS)}" for _ in range(8))
        parts.append(
            f"@article{{bench{i},\n"
            f"  author = {{{authors}}},\n"
            f"  title = {{{_title(i, rng)}: a caf\\'e {{\\'e}}tude}},\n"
            f"  journal = {{European Radiology}},\n"
            f"  year = {{{2000 + i % 25}}},\n  month = {['jan', 'jun', 'nov'][i % 3]},\n"
            f"  doi = {{10.5555/bench.{i}}},\n"
            f"  abstract = {{Purpose: a benchmark entry.\n    Methods: generated.\n"
            f"    Results: none to speak of.}}\n}}\n"
        )
    return "\n".join(parts)


def pubmed_file(records: int, rng: random.Random) -> str:
    articles = []
    for i in range(records):
        # Every tenth record is the same work as a BibTeX entry: merged, not doubled.
        doi = f"10.5555/bench.{i}" if i % 10 == 0 else f"10.5555/pubmed.{i}"
        authors = "".join(
            f"<Author><LastName>{escape(rng.choice(FAMILIES)[1])}</LastName>"
            f"<ForeName>Ana</ForeName><Initials>A</Initials></Author>"
            for _ in range(8)
        )
        articles.append(
            "<PubmedArticle><MedlineCitation><PMID>"
            f"{30_000_000 + i}</PMID><Article><Journal><JournalIssue><PubDate>"
            f"<Year>{2000 + i % 25}</Year><Month>Mar</Month></PubDate></JournalIssue>"
            "<Title>Clinical radiology</Title></Journal>"
            f"<ArticleTitle>{escape(_title(i, rng))}, PubMed record {i}.</ArticleTitle>"
            "<Abstract><AbstractText Label='PURPOSE'>A benchmark record.</AbstractText>"
            "<AbstractText Label='METHODS'>Generated.</AbstractText></Abstract>"
            f"<AuthorList>{authors}</AuthorList></Article></MedlineCitation>"
            f"<PubmedData><ArticleIdList><ArticleId IdType='doi'>{doi}</ArticleId>"
            "</ArticleIdList></PubmedData></PubmedArticle>"
        )
    return f"<?xml version='1.0'?><PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>"


def _title(i: int, rng: random.Random) -> str:
    return f"{rng.choice(TOPICS)} in {rng.choice(FINDINGS)}, study {i}"


def run(args: argparse.Namespace) -> None:
    setup_django(args.run)
    import logging

    from django.db import connection

    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    from accounts.models import User

    person = User.objects.create(email="bench@bench.test", full_name="Ana Okafor", password="!")  # noqa: S106
    User.objects.bulk_create(
        User(email=f"user{i}@bench.test", full_name=f"Person {i}", password="!")  # noqa: S106
        for i in range(2_000)
    )
    rng = random.Random(5)
    print(f"\n== {connection.vendor}: {args.entries:,} entries per file ==")
    files = [
        ("BibTeX", "bibtex", bibtex_file(args.entries, rng)),
        ("PubMed XML", "pubmed_xml", pubmed_file(args.entries, rng)),
    ]
    for label, fmt, text in files:
        measure_import(person, label, fmt, text, args.entries)
    for measurement in LATER_MEASUREMENTS:
        measurement(person)


def measure_import(person: Any, label: str, fmt: str, text: str, entries: int) -> None:
    from formats.bibliography import read
    from outputs.imports import import_commit

    started = time.perf_counter()
    read(text, fmt)
    parsed = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = import_commit(actor=None, person=person, text=text, fmt=fmt, filename=label)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU seconds of this process too: on a shared machine the wall time includes waiting
    # for a core (the database server's own time is in the wall time only).
    print(
        f"{label:<11} {len(text) / 1e6:5.1f} MB: imported in {took:5.2f} s "
        f"({entries / took:,.0f} entries/s; {cpu:.2f} s CPU here; reading alone {parsed:.2f} s)"
        f" — {result.created:,} new, {result.merged:,} merged, {result.refused:,} refused"
    )


# Further timings run after the imports, on the same database and person (who then has
# the imported outputs). The CV export timing of issue 5 (a person with 300 outputs,
# target under 2 s) belongs here: append a function `(person) -> None` that prints it.
LATER_MEASUREMENTS: list[Callable[[Any], None]] = []


if __name__ == "__main__":
    main()
