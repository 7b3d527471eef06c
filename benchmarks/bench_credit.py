"""Collaborator-list generation at consortium scale, on SQLite and PostgreSQL.

Seeds one study with 500 sites, 3,000 collaborators (500 of them site leads), 100,000
records (200,000 instrument entries, 90 % complete), 10,000 audited query answers and
validation checks, a writing committee and 2,000 confirmed names, then times:

- the author list computed from the rules (`credit.selectors.computed_list`: the grouped
  queries that count everyone's contributions, then the pure rules core), with the
  share of each half;
- the exports of the list (DOCX appendix, CSV, PubMed text);
- the committee's page for the study (every person and why), through the test client;
- the network dashboard (`/credit/network/`: the four aims, about twenty grouped queries
  over the same 100,000 records, members, projects, outputs, credentials and portfolio
  studies), through the test client, as a p95 over 20 requests (target under 200 ms).

    .venv/bin/python benchmarks/bench_credit.py                  # both databases
    .venv/bin/python benchmarks/bench_credit.py --db sqlite --records 20000

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from scratch import ROOT, scratch_database, setup_django

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User
    from capture.models import Study
    from credit.models import AuthorList
    from network.models import Site

T = TypeVar("T")

PG_BENCH_DB = "radcollab_bench_credit"
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--collaborators", type=int, default=3000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pg-name", default=PG_BENCH_DB)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args)
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        url = scratch_database(db, args.pg_name)
        child = [sys.executable, __file__, "--run", url, f"--sites={args.sites}"]
        child += [f"--collaborators={args.collaborators}", f"--records={args.records}"]
        subprocess.run(child, check=True, cwd=ROOT)


def seed(sites: int, collaborators: int, records: int) -> tuple[AuthorList, User]:
    """The study and its people, written in bulk (the services would take an hour)."""
    from django.utils import timezone

    from accounts.models import User
    from audit.models import AuditEvent
    from capture.models import Entry, Record, Study, StudyRole, StudySite
    from credit.models import AuthorList, NameConfirmation, WritingCommitteeMember
    from network.models import Region, Site

    rng = random.Random(19)
    regions = Region.objects.bulk_create(
        Region(name=f"Region {i}", country="GB" if i < 8 else "US") for i in range(12)
    )
    network_sites = Site.objects.bulk_create(
        Site(
            name=f"Hospital {i:03d}",
            region=regions[i % 12],
            city=f"City {i}",
            latitude=51,
            longitude=0,
        )
        for i in range(sites)
    )
    people = User.objects.bulk_create(
        User(
            email=f"person{i}@bench.test",
            full_name=f"Dr Given{i} Family{rng.randint(0, 9999)}",
            password="!",  # noqa: S106 - an unusable password, as Django writes it
        )
        for i in range(collaborators + 10)
    )
    committee, collaborators_ = people[:10], people[10:]
    study = Study.objects.create(title="Bench study", status=Study.Status.LIVE)
    study_sites = StudySite.objects.bulk_create(
        StudySite(study=study, site=site, code=f"S{i:03d}") for i, site in enumerate(network_sites)
    )
    at_site: dict[int, list[User]] = {ss.pk: [] for ss in study_sites}
    roles = []
    for i, person in enumerate(collaborators_):
        study_site = study_sites[i % len(study_sites)]
        at_site[study_site.pk].append(person)
        lead = i < len(study_sites)
        role = StudyRole.Role.SITE_LEAD if lead else StudyRole.Role.COLLABORATOR
        roles.append(StudyRole(study=study, person=person, role=role, study_site=study_site))
    StudyRole.objects.bulk_create(roles)
    made = []
    for n in range(records):
        study_site = study_sites[n % len(study_sites)]
        made.append(
            Record(
                study=study,
                study_site=study_site,
                number=n + 1,
                label=f"{study_site.code}-{n + 1}",
                created_by=rng.choice(at_site[study_site.pk]),
            )
        )
    made = Record.objects.bulk_create(made, batch_size=5000)
    Entry.objects.bulk_create(
        (
            Entry(record=record, instrument=instrument, status=2 if rng.random() < 0.95 else 1)
            for record in made
            for instrument in ("baseline", "outcome")
        ),
        batch_size=5000,
    )
    now = timezone.now()
    scope = f"study:{study.pk}"
    actions = ["query.answer", "query.raise", "query.close", "record.lock"]
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                at=now,
                action=actions[i % 4],
                actor_id=rng.choice(collaborators_).pk,
                object_type="capture.dataquery",
                object_id=str(i),
                scope=scope,
            )
            for i in range(10_000)
        ),
        batch_size=5000,
    )
    author_list = AuthorList.objects.create(
        study=study,
        consortium_name="Bench Collaborative",
        min_complete_records=40,
        min_validations=5,
        grouping="site",
    )
    WritingCommitteeMember.objects.bulk_create(
        WritingCommitteeMember(author_list=author_list, person=person) for person in committee
    )
    NameConfirmation.objects.bulk_create(
        NameConfirmation(
            author_list=author_list,
            person=person,
            given_names=f"Given{person.pk}",
            family_name=f"Family{person.pk}",
            orcid="0000-0002-1825-0097",
            affiliation="Radiology, Hospital",
            state="confirmed",
        )
        for person in collaborators_[:2000]
    )
    seed_network(rng, network_sites, collaborators_, study)
    return author_list, committee[0]


def seed_network(rng: random.Random, sites: list[Site], people: list[User], study: Study) -> None:
    """What the dashboard counts besides records: every collaborator a member (trainees
    with a grade, site leads), records spread over three years, 1,000 projects, 2,000
    outputs, 3,000 credentials and one portfolio study per site with a year of months."""
    import datetime as dt

    from django.utils import timezone

    from capture.models import Record
    from credit.models import PortfolioRecruitment, PortfolioStudy, PortfolioTrainee
    from network.models import Membership, Role
    from outputs.models import Author, Output
    from people.models import TraineeProfile
    from projects.models import Project
    from training.models import Credential

    Membership.objects.bulk_create(
        Membership(
            person=person,
            role=Role.SITE_LEAD if i < len(sites) else Role.TRAINEE,
            site=sites[i % len(sites)],
        )
        for i, person in enumerate(people)
    )
    grades = ["st1", "st2", "st3", "st4", "st5", "st6"]
    TraineeProfile.objects.bulk_create(
        TraineeProfile(person=person, grade=rng.choice(grades)) for person in people[len(sites) :]
    )
    now = timezone.now()
    for years_ago in (1, 2):
        Record.objects.filter(study=study, number__lte=len(people) * years_ago * 10).update(
            created_at=now - dt.timedelta(days=365 * years_ago)
        )
    statuses = ["planning", "data_collection", "analysis", "writing", "published", "closed"]
    types = ["clinical", "diagnostic", "qi", "education", "ai"]
    Project.objects.bulk_create(
        Project(
            title=f"Project {i}",
            summary="A bench project.",
            research_type=types[i % 5],
            status=statuses[i % 6],
            lead=people[rng.randrange(len(people))],
        )
        for i in range(1000)
    )
    kinds = ["article", "abstract", "poster", "oral"]
    outputs = Output.objects.bulk_create(
        Output(
            kind=kinds[i % 4],
            title=f"Output {i}",
            date=dt.date(2022 + i % 5, 1 + i % 12, 1),
        )
        for i in range(2000)
    )
    Author.objects.bulk_create(
        Author(output=output, position=1, name="Author", person=rng.choice(people))
        for output in outputs
    )
    Credential.objects.bulk_create(
        Credential(
            person=person,
            kind="gcp_intro" if i % 2 else "data_protection",
            completed_on=dt.date(2022 + i % 5, 6, 1),
            provider="NIHR Learn",
        )
        for i, person in enumerate(people)
    )
    folios = PortfolioStudy.objects.bulk_create(
        PortfolioStudy(site=site, title="PROTECT", target=40) for site in sites
    )
    PortfolioRecruitment.objects.bulk_create(
        PortfolioRecruitment(study=folio, month=dt.date(2026, m, 1), recruited=rng.randint(0, 6))
        for folio in folios
        for m in range(1, 13)
    )
    PortfolioTrainee.objects.bulk_create(
        PortfolioTrainee(study=folio, person=people[len(sites) + i])
        for i, folio in enumerate(folios)
    )


def timed(label: str, action: Callable[[], T], runs: int = RUNS) -> T:
    """Wall-clock and this process's CPU seconds: on a shared, loaded machine the two differ
    widely, and with SQLite (in this process) the CPU figure includes the database's work."""
    times, cpu = [], []
    last: list[T] = []  # the last run's result
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        last[:] = [action()]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"  {label:<40} wall median {statistics.median(times):6.3f} s best {min(times):6.3f} s"
        f" · CPU median {statistics.median(cpu):6.3f} s"
    )
    return last[0]


def run(args: argparse.Namespace) -> None:
    setup_django(args.run)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.testing.mfa import enable_totp
    from credit import core, exports, selectors
    from network.models import Membership, Role

    print(f"load average before seeding: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    start = time.perf_counter()
    author_list, chair = seed(args.sites, args.collaborators, args.records)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load; without statistics the planner guesses
        # 270 records where there are 100,000 and probes them one by one.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"{connection.vendor}: {args.sites} sites, {args.collaborators} collaborators, "
        f"{args.records} records seeded in {time.perf_counter() - start:.1f} s"
    )
    with CaptureQueriesContext(connection) as queries:
        listing = selectors.computed_list(author_list)
    print(
        f"  list: {listing.size} of {len(listing.decisions)} people qualify, "
        f"{len(listing.groups)} groups, {len(queries)} queries"
    )
    timed("author list generation (total)", lambda: selectors.computed_list(author_list))
    people = timed(
        "  counting contributions (database)",
        lambda: selectors.contributions(author_list.study, author_list),
    )
    rules = selectors.rules_of(author_list)
    timed("  applying the rules (pure core)", lambda: core.author_list(people, rules))
    timed("export: DOCX appendix", lambda: exports.list_docx(listing, study_title="Bench"), 3)
    timed("export: CSV", lambda: exports.list_csv(listing), 3)
    timed("export: PubMed text", lambda: exports.list_pubmed(listing), 3)
    Membership.objects.create(person=chair, role=Role.COMMITTEE)
    enable_totp(chair)
    client = Client()
    client.force_login(chair)
    page = f"/credit/studies/{author_list.study_id}/"
    timed("committee page (every person and why)", lambda: client.get(page), 3)
    dashboard_p95(client)


def dashboard_p95(client: Client, runs: int = 20) -> None:
    """The network dashboard's p95 over `runs` requests (target: under 200 ms): as the
    committee gets it (figures cached for a minute, `credit.dashboard.cached_aims`), and
    counted afresh on every request (the cache emptied before each). This process's CPU
    time is printed beside the wall clock: on a loaded, shared machine the wall clock
    measures the queue for the cores; with SQLite (in this process) the CPU figure
    includes the database's work, with PostgreSQL it leaves it out."""
    from django.core.cache import cache

    from credit import dashboard

    response = client.get("/credit/network/")  # warms imports and templates
    assert response.status_code == 200, response.status_code
    for label, fresh in (("network dashboard (cached)", False), ("  counted afresh", True)):
        times, cpu = [], []
        for _ in range(runs):
            if fresh:
                cache.delete(dashboard.CACHE_KEY)
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get("/credit/network/")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"  {label:<40} p95 {_p95(times) * 1000:6.0f} ms median "
            f"{statistics.median(times) * 1000:6.0f} ms over {runs} requests "
            f"· CPU p95 {_p95(cpu) * 1000:4.0f} ms "
            f"· {len(response.content) // 1024} KiB (target: p95 under 200 ms)"
        )
    print(f"  load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
