"""Mentor directory latency at network scale, on SQLite and PostgreSQL.

Seeds 20,000 mentors over 2,000 sites with 200,000 outputs in a scratch database,
recounts every track record, then times 200 varied searches through the API
(text + two filters + sort by track record) and counts the queries of each.

    .venv/bin/python benchmarks/bench_directory.py            # both databases
    .venv/bin/python benchmarks/bench_directory.py --db sqlite --mentors 2000

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from scratch import ROOT, scratch_database, setup_django

if TYPE_CHECKING:
    from accounts.models import User

PG_BENCH_DB = "radcollab_bench"
# Titles and statements draw on a radiology vocabulary of about a hundred words, so that
# a search word matches a realistic share of mentors rather than nearly all of them.
TECHNIQUES = [
    "mri",
    "ct",
    "ultrasound",
    "pet",
    "spect",
    "mammography",
    "fluoroscopy",
    "radiography",
    "angiography",
    "elastography",
    "perfusion",
    "diffusion",
    "spectroscopy",
    "tomosynthesis",
    "dual-energy",
    "contrast",
    "biopsy",
    "ablation",
    "embolisation",
    "stenting",
]
ANATOMY = [
    "brain",
    "spine",
    "neck",
    "thyroid",
    "lung",
    "heart",
    "aorta",
    "liver",
    "pancreas",
    "kidney",
    "prostate",
    "bladder",
    "bowel",
    "breast",
    "ovary",
    "uterus",
    "hip",
    "knee",
    "shoulder",
    "wrist",
    "ankle",
    "bone",
    "lymph",
    "adrenal",
    "spleen",
    "oesophagus",
    "stomach",
    "carotid",
    "pelvis",
    "skull",
]
FINDINGS = [
    "stroke",
    "glioma",
    "metastases",
    "fracture",
    "embolism",
    "aneurysm",
    "dissection",
    "appendicitis",
    "cholangitis",
    "cirrhosis",
    "carcinoma",
    "lymphoma",
    "sarcoma",
    "abscess",
    "haemorrhage",
    "infarction",
    "stenosis",
    "nodules",
    "fibrosis",
    "pneumonia",
    "trauma",
    "osteoporosis",
    "arthritis",
    "tuberculosis",
    "sepsis",
    "obstruction",
    "perforation",
    "torsion",
    "endometriosis",
    "calculi",
    "cysts",
    "incidentaloma",
    "vasculitis",
    "myeloma",
    "melanoma",
    "dementia",
    "epilepsy",
    "sclerosis",
    "atrophy",
    "malformation",
]
WORDS = TECHNIQUES + ANATOMY + FINDINGS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--mentors", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=2_000)
    parser.add_argument("--outputs", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument(
        "--show-slowest", type=int, default=0, metavar="N", help="print the SQL of the N slowest"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)  # the child process's database URL
    args = parser.parse_args()
    if args.run:
        run(args)
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        url = _database(db)
        child = [sys.executable, __file__, "--run", url, *_sizes(args)]
        subprocess.run(child, check=True, cwd=ROOT)


def _sizes(args: argparse.Namespace) -> list[str]:
    return [
        f"--mentors={args.mentors}",
        f"--sites={args.sites}",
        f"--outputs={args.outputs}",
        f"--searches={args.searches}",
        f"--show-slowest={args.show_slowest}",
    ]


def _database(db: str) -> str:
    return scratch_database(db, PG_BENCH_DB)


def run(args: argparse.Namespace) -> None:
    setup_django(args.run)
    from django.db import connection

    print(
        f"\n== {connection.vendor} ({args.mentors:,} mentors, {args.sites:,} sites, "
        f"{args.outputs:,} outputs) =="
    )
    started = time.perf_counter()
    trainee = seed(args)
    print(f"seeded in {time.perf_counter() - started:.0f} s")
    from mentors.stats import mentor_stats_refresh

    started = time.perf_counter()
    mentor_stats_refresh()
    print(f"recounted every track record in {time.perf_counter() - started:.1f} s")
    # Planner statistics and a merged GIN pending list, as autovacuum (PostgreSQL) or a
    # nightly ANALYZE (SQLite) keep them after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    search(args, trainee)


def seed(args: argparse.Namespace) -> User:
    from decimal import Decimal

    from accounts.models import User
    from network.models import Membership, Region, Site
    from outputs.models import Author, Output
    from people.models import MentorProfile, Term

    rng = random.Random(7)
    regions = Region.objects.bulk_create(Region(name=f"Region {i}") for i in range(20))
    sites = Site.objects.bulk_create(
        Site(
            name=f"Hospital {i}",
            region=regions[i % 20],
            city=f"City {i}",
            latitude=Decimal(f"{rng.uniform(50.0, 57.0):.5f}"),
            longitude=Decimal(f"{rng.uniform(-5.0, 1.5):.5f}"),
        )
        for i in range(args.sites)
    )
    people = User.objects.bulk_create(
        User(email=f"mentor{i}@bench.test", full_name=f"Dr Mentor {i}", password="!")  # noqa: S106
        for i in range(args.mentors)
    )
    trainee = User.objects.create(email="trainee@bench.test", full_name="T", password="!")  # noqa: S106
    Membership.objects.create(person=trainee, role="trainee", site=sites[0])
    profiles = MentorProfile.objects.bulk_create(
        MentorProfile(
            person=person,
            title=rng.choice(["consultant", "professor", "pi"]),
            site=sites[i % args.sites],
            statement=f"{rng.choice(TECHNIQUES)} of the {rng.choice(ANATOMY)} in "
            f"{rng.choice(FINDINGS)}; research with trainees",
            accepting_trainees=rng.random() < 0.7,
        )
        for i, person in enumerate(people)
    )
    terms = list(Term.objects.exclude(kind=Term.Kind.SKILL))
    through = MentorProfile.expertise.through
    through.objects.bulk_create(
        through(mentorprofile_id=p.pk, term_id=t.pk) for p in profiles for t in rng.sample(terms, 3)
    )
    today = django_today()
    outputs = Output.objects.bulk_create(
        (
            Output(
                kind="article",
                title=f"{rng.choice(TECHNIQUES)} of the {rng.choice(ANATOMY)} "
                f"in {rng.choice(FINDINGS)}: study {i}",
                date=today.replace(year=today.year - rng.randint(0, 8)),
            )
            for i in range(args.outputs)
        ),
        batch_size=5_000,
    )
    Author.objects.bulk_create(
        (
            Author(output=o, position=k + 1, name=str(person), person=person)
            for i, o in enumerate(outputs)
            for k, person in enumerate(
                {people[i % args.mentors], people[rng.randrange(args.mentors)]}
            )
        ),
        batch_size=10_000,
    )
    return trainee


def django_today() -> dt.date:
    from django.utils import timezone

    return timezone.now().date()


def search(args: argparse.Namespace, trainee: User) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from people.models import Term

    client = Client()
    client.force_login(trainee)
    rng = random.Random(11)
    subspecialties = list(Term.objects.filter(kind="subspecialty").values_list("pk", flat=True))
    methods = list(Term.objects.filter(kind="method").values_list("pk", flat=True))
    times, counts, slowest = [], [], []
    for index in range(args.searches):
        params: dict[str, str | int] = {"q": rng.choice(WORDS), "sort": "track_record"}
        extra: list[tuple[str, str | int]] = [
            ("subspecialty", rng.choice(subspecialties)),
            ("method", rng.choice(methods)),
            ("accepting", "true"),
            ("within_km", rng.choice([50, 100, 250])),
        ]
        params.update(dict(rng.sample(extra, 2)))
        params["page"] = 1 + index % 3
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/api/v1/mentors", params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        counts.append(len(queries))
        slowest.append((times[-1], params, [q["sql"] for q in queries.captured_queries]))
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(
        f"{args.searches} searches: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )
    print(f"queries per request: min {min(counts)}, max {max(counts)} (session and auth included)")
    for took, params, sqls in sorted(slowest, key=lambda row: -row[0])[: args.show_slowest]:
        print(f"\n-- {took:.1f} ms {params}")
        for sql in sqls:
            print(f"   {sql};")


if __name__ == "__main__":
    main()
