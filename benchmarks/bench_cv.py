"""CV export time for a person with 300 outputs (issue 5's target: under 2 s).

Seeds a trainee with 300 outputs (eight authors each, spread over themes and types,
a tenth of them grants) and the usual credentials in a scratch SQLite database,
then times gathering the CV and writing it as DOCX and as PDF, five times each.

    .venv/bin/python benchmarks/bench_cv.py
    .venv/bin/python benchmarks/bench_cv.py --outputs 1000 --runs 3

`measure_cv(person)` prints the same figures for an existing person (bench_import.py
may call it after its imports). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from scratch import setup_django

if TYPE_CHECKING:
    from accounts.models import User


def _setup() -> None:
    setup_django(f"sqlite:///{tempfile.mkdtemp(prefix='radcollab-bench-')}/cv.sqlite3")


def seed(outputs: int) -> User:
    from django.db import transaction

    from accounts.models import User
    from outputs.models import Author, Output
    from people.models import Term, TraineeProfile
    from training.models import CredentialType
    from training.services import credential_create

    rng = random.Random(5)
    themes = list(Term.objects.filter(kind__in=["subspecialty", "method"]))
    kinds = [k for k in Output.Kind.values if k != Output.Kind.GRANT]
    with transaction.atomic():
        person = User.objects.create(email="cv@bench.test", full_name="Zoë Ñúñez-Okafor")
        TraineeProfile.objects.create(person=person, grade="st4")
        peers = [
            User.objects.create(email=f"peer{i}@bench.test", full_name=f"Peer {i}")
            for i in range(20)
        ]
        made = Output.objects.bulk_create(
            Output(
                kind=Output.Kind.GRANT if i % 10 == 0 else rng.choice(kinds),
                title=f"Diagnostic accuracy of technique {i} in a multicentre cohort of patients",
                venue=rng.choice(["Clinical Radiology", "European Radiology", "ECR", "RSNA"]),
                date=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650)),
                status=rng.choice(Output.Status.values),
                doi=f"10.1000/bench.{i}",
                pmid=str(30_000_000 + i),
                amount=25_000 if i % 10 == 0 else None,
                currency="GBP" if i % 10 == 0 else "",
            )
            for i in range(outputs)
        )
        authors = []
        for output in made:
            me_at = rng.choice([1, 1, 2, 3, 8])
            for position in range(1, 9):
                peer = rng.choice(peers)
                is_me = position == me_at
                authors.append(
                    Author(
                        output=output,
                        position=position,
                        name=str(person) if is_me else str(peer),
                        person=person if is_me else peer if position % 2 else None,
                    )
                )
        Author.objects.bulk_create(authors)
        through = Output.themes.through
        through.objects.bulk_create(
            through(output_id=o.pk, term_id=t.pk)
            for o in made
            for t in rng.sample(themes, k=rng.randint(0, 2))
        )
        for kind in (CredentialType.GCP_INTRODUCTION, CredentialType.DATA_PROTECTION):
            credential_create(
                person=person, kind=kind, completed_on=dt.date(2024, 5, 1), provider="NIHR Learn"
            )
    return person


def _time(step: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return times, result


def measure_cv(person: User, runs: int = 5) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.cv import cv_docx, cv_for, cv_pdf

    with CaptureQueriesContext(connection) as queries:
        gathered = cv_for(person)
    print(
        f"CV of {gathered.counts['outputs']} outputs + {gathered.counts['grants']} grants "
        f"({len(queries)} queries to gather)"
    )
    for label, step in (
        ("gather", lambda: cv_for(person)),
        ("DOCX", lambda: cv_docx(cv_for(person))),
        ("PDF", lambda: cv_pdf(cv_for(person))),
    ):
        times, result = _time(step, runs)
        size = f", {len(result) / 1024:,.0f} KiB" if isinstance(result, bytes) else ""
        print(
            f"  {label:<7} median {statistics.median(times):.3f} s, best {min(times):.3f} s, "
            f"worst {max(times):.3f} s over {runs} runs{size}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _setup()
    started = time.perf_counter()
    person = seed(args.outputs)
    print(f"seeded {args.outputs} outputs in {time.perf_counter() - started:.1f} s (SQLite)")
    print("DOCX and PDF timings include gathering the data (the download's whole work):")
    measure_cv(person, args.runs)


if __name__ == "__main__":
    main()
