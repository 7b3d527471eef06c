"""Project board latency at network scale, on SQLite and PostgreSQL.

Seeds 100,000 projects (with their sites and 200,000 roles) led by 20,000 people
over 2,000 sites in a scratch database, then times 200 varied board searches
through the API (text on half of them + two filters + sort by fit for a trainee
with interests and hours) and counts the queries of each.

    .venv/bin/python benchmarks/bench_board.py            # both databases
    .venv/bin/python benchmarks/bench_board.py --db sqlite --projects 10000

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from scratch import ROOT, scratch_database, setup_django

if TYPE_CHECKING:
    from accounts.models import User

PG_BENCH_DB = "radcollab_bench_board"
# A radiology vocabulary of about eighty words, so that a search word matches a
# realistic share of projects rather than nearly all of them.
TECHNIQUES = [
    "mri", "ct", "ultrasound", "pet", "spect", "mammography", "fluoroscopy", "radiography",
    "angiography", "elastography", "perfusion", "diffusion", "spectroscopy", "tomosynthesis",
    "contrast", "biopsy", "ablation", "embolisation", "stenting", "ai",
]  # fmt: skip
ANATOMY = [
    "brain", "spine", "neck", "thyroid", "lung", "heart", "aorta", "liver", "pancreas",
    "kidney", "prostate", "bladder", "bowel", "breast", "ovary", "hip", "knee", "shoulder",
    "wrist", "bone", "adrenal", "spleen", "carotid", "pelvis",
]  # fmt: skip
FINDINGS = [
    "stroke", "glioma", "metastases", "fracture", "embolism", "aneurysm", "dissection",
    "appendicitis", "cirrhosis", "carcinoma", "lymphoma", "sarcoma", "abscess", "haemorrhage",
    "stenosis", "nodules", "fibrosis", "pneumonia", "trauma", "osteoporosis", "arthritis",
    "sepsis", "obstruction", "endometriosis", "cysts", "incidentaloma", "myeloma", "dementia",
]  # fmt: skip
WORDS = TECHNIQUES + ANATOMY + FINDINGS
STUDY = ["accuracy of", "outcomes after", "audit of", "teaching", "reproducibility of"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=2_000)
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
        child = [sys.executable, __file__, "--run", _database(db), *_sizes(args)]
        subprocess.run(child, check=True, cwd=ROOT)


def _sizes(args: argparse.Namespace) -> list[str]:
    return [
        f"--projects={args.projects}",
        f"--people={args.people}",
        f"--sites={args.sites}",
        f"--searches={args.searches}",
        f"--show-slowest={args.show_slowest}",
    ]


def _database(db: str) -> str:
    return scratch_database(db, PG_BENCH_DB)


def run(args: argparse.Namespace) -> None:
    setup_django(args.run)
    from django.db import connection

    print(
        f"\n== {connection.vendor} ({args.projects:,} projects, {args.people:,} people, "
        f"{args.sites:,} sites) =="
    )
    started = time.perf_counter()
    trainee = seed(args)
    print(f"seeded in {time.perf_counter() - started:.0f} s")
    # What autovacuum (PostgreSQL) and the nightly ANALYZE (SQLite) do to a live table.
    # Without VACUUM, the first searches that touch freshly bulk-loaded rows on
    # PostgreSQL write their hint bits and visibility-map bits: 2.4 s measured once.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    search(args, trainee)


def seed(args: argparse.Namespace) -> User:
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from mentors.models import MentorStats
    from network.models import Membership, Region, Site
    from people.models import MentorProfile, Term, TraineeProfile
    from projects.board import facets_of
    from projects.models import Project, ProjectRole, ResearchType, RoleKind, Status

    rng = random.Random(7)
    regions = Region.objects.bulk_create(Region(name=f"Region {i}") for i in range(20))
    sites = Site.objects.bulk_create(
        Site(
            name=f"Hospital {i}",
            region=regions[i % 20],
            latitude=Decimal(f"{rng.uniform(50.0, 57.0):.5f}"),
            longitude=Decimal(f"{rng.uniform(-5.0, 1.5):.5f}"),
        )
        for i in range(args.sites)
    )
    people = User.objects.bulk_create(
        (
            User(email=f"person{i}@bench.test", full_name=f"Dr Person {i}", password="!")  # noqa: S106
            for i in range(args.people)
        ),
        batch_size=5_000,
    )
    mentors = people[: args.people // 5]
    profiles = MentorProfile.objects.bulk_create(
        MentorProfile(person=p, title="consultant", site=sites[i % args.sites])
        for i, p in enumerate(mentors)
    )
    now = timezone.now()
    MentorStats.objects.bulk_create(
        MentorStats(profile=p, supervisions_completed=rng.choice([0, 0, 1, 2, 5]), refreshed_at=now)
        for p in profiles
    )
    subspecialties = list(Term.objects.filter(kind=Term.Kind.SUBSPECIALTY))
    modalities = list(Term.objects.filter(kind=Term.Kind.MODALITY))
    ready, waiting = ["granted", "not_needed"], ["to_apply", "submitted"]
    statuses = [s for s in Status.values if s not in ("published", "closed")]
    projects = [
        Project(
            title=f"{rng.choice(STUDY).capitalize()} {rng.choice(TECHNIQUES)} of the "
            f"{rng.choice(ANATOMY)} in {rng.choice(FINDINGS)}",
            summary=f"A study of {rng.choice(TECHNIQUES)} in {rng.choice(FINDINGS)} and "
            f"{rng.choice(FINDINGS)} of the {rng.choice(ANATOMY)}.",
            research_type=rng.choice(ResearchType.values),
            subspecialty=rng.choice(subspecialties),
            modality=rng.choice(modalities),
            timing=rng.choice(["retrospective", "prospective"]),
            centres=rng.choice(["single", "multi"]),
            lead=rng.choice(people),
            mentor=rng.choice(mentors),
            status=rng.choice(statuses) if rng.random() < 0.8 else "published",
            primary_outcome="Sensitivity" if rng.random() < 0.6 else "",
            ethics=rng.choice(ready + waiting),
            audit_registration=rng.choice(ready),
            data_protection=rng.choice(ready + waiting),
            cases=rng.randint(0, 500),
            minutes_collection=rng.randint(0, 15),
            minutes_reading=rng.randint(0, 10),
            # Finished projects are off the board (no open hours), as the services keep them.
            min_open_hours=rng.randint(1, 8) if rng.random() < 0.7 else None,
        )
        for _ in range(args.projects)
    ]
    chosen_sites = [rng.sample(sites, rng.choice([1, 1, 2, 3])) for _ in projects]
    for project, chosen in zip(projects, chosen_sites, strict=True):
        # What the services keep in step on every save: the categories as search words.
        project.facets = facets_of(project, chosen)
    Project.objects.bulk_create(projects, batch_size=5_000)
    Project.objects.filter(status="published").update(min_open_hours=None)
    # What the services keep in step on every save: the quick-win facts of the row.
    Project.objects.filter(
        timing="retrospective",
        ethics__in=ready,
        audit_registration__in=ready,
        data_protection__in=ready,
    ).exclude(primary_outcome="").update(own_quick_facts=True)
    for project in projects:
        if project.status == "published":
            project.min_open_hours = None
    through = Project.sites.through
    through.objects.bulk_create(
        (
            through(project_id=p.pk, site_id=s.pk)
            for p, chosen in zip(projects, chosen_sites, strict=True)
            for s in chosen
        ),
        batch_size=10_000,
    )
    ProjectRole.objects.bulk_create(
        (
            ProjectRole(
                project=p,
                kind=rng.choice(RoleKind.values),
                hours_per_week=(p.min_open_hours or 2) + k,
                duration_weeks=rng.randint(4, 26),
                state="open" if p.min_open_hours else "filled",
            )
            for p in projects
            for k in range(2)
        ),
        batch_size=10_000,
    )
    trainee = User.objects.create(email="trainee@bench.test", full_name="T", password="!")  # noqa: S106
    Membership.objects.create(person=trainee, role="trainee", site=sites[0])
    profile = TraineeProfile.objects.create(person=trainee, grade="st3", hours_per_week=4)
    profile.interests.set(
        [subspecialties[0], modalities[2], *Term.objects.filter(name="Diagnostic accuracy")]
    )
    return trainee


def search(args: argparse.Namespace, trainee: User) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from network.models import Region
    from people.models import Term
    from projects.models import ResearchType

    client = Client()
    client.force_login(trainee)
    rng = random.Random(11)
    subspecialties = list(Term.objects.filter(kind="subspecialty").values_list("pk", flat=True))
    modalities = list(Term.objects.filter(kind="modality").values_list("pk", flat=True))
    regions = list(Region.objects.values_list("pk", flat=True))
    # The first request of a process also builds the API's routes and schemas, loads
    # templates and opens the connection: reported on its own, not among the searches.
    started = time.perf_counter()
    assert client.get("/api/v1/projects", {"sort": "fit"}).status_code == 200
    print(
        f"first request of the process (warm-up): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    times, counts, totals, slowest = [], [], [], []
    for index in range(args.searches):
        params: dict[str, str | int] = {"sort": "fit", "page": 1 + index % 3}
        if index % 2:
            params["q"] = rng.choice(WORDS)
        extra: list[tuple[str, str | int]] = [
            ("subspecialty", rng.choice(subspecialties)),
            ("modality", rng.choice(modalities)),
            ("research_type", rng.choice(ResearchType.values)),
            ("region", rng.choice(regions)),
            ("max_hours", rng.choice([2, 4, 6])),
            ("quick_win", "true"),
        ]
        params.update(dict(rng.sample(extra, 2)))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/api/v1/projects", params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        totals.append(response.json()["count"])
        counts.append(len(queries))
        slowest.append((times[-1], params, [q["sql"] for q in queries.captured_queries]))
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(
        f"{args.searches} board searches: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
        f"(matches per search: median {statistics.median(totals):.0f}, max {max(totals)})"
    )
    print(f"queries per request: min {min(counts)}, max {max(counts)} (session and auth included)")
    for took, params, sqls in sorted(slowest, key=lambda row: -row[0])[: args.show_slowest]:
        print(f"\n-- {took:.1f} ms {params}")
        for sql in sqls:
            print(f"   {sql};")


if __name__ == "__main__":
    main()
