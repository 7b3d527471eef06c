"""Calendar feed and page latency for a busy person, on SQLite and PostgreSQL.

Seeds, in a scratch database, a person who follows 200 conferences (each with two
editions and three deadlines) and is on the team of 50 projects with 10 milestones
each, then times the private iCalendar feed (target under 200 ms) — written in full,
and answered 304 to a calendar app that already holds it — and the calendar page (p95
target under 50 ms) through the test client, counting queries.

    .venv/bin/python benchmarks/bench_calendar.py            # both databases
    .venv/bin/python benchmarks/bench_calendar.py --db sqlite --runs 50

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from scratch import ROOT, scratch_database, setup_django

if TYPE_CHECKING:
    from accounts.models import User

PG_BENCH_DB = "radcollab_bench_calendar"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--conferences", type=int, default=200)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--milestones", type=int, default=10)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # the child process's database URL
    args = parser.parse_args()
    if args.run:
        run(args)
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        child = [
            sys.executable,
            __file__,
            "--run",
            _database(db),
            f"--conferences={args.conferences}",
            f"--projects={args.projects}",
            f"--milestones={args.milestones}",
            f"--runs={args.runs}",
        ]
        subprocess.run(child, check=True, cwd=ROOT)


def _database(db: str) -> str:
    return scratch_database(db, PG_BENCH_DB)


def run(args: argparse.Namespace) -> None:
    setup_django(args.run)
    from django.db import connection

    print(
        f"\n== {connection.vendor}: {args.conferences} conferences followed, "
        f"{args.projects} projects x {args.milestones} milestones =="
    )
    started = time.perf_counter()
    person = seed(args)
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    measure(args, person)


def seed(args: argparse.Namespace) -> User:
    from decimal import Decimal

    from accounts.models import User
    from events.models import Conference, Deadline, Edition, Follow
    from network.models import Membership, Region, Site
    from projects.models import Member, Milestone, Project

    region = Region.objects.create(name="Bench region")
    site = Site.objects.create(
        name="Bench hospital", region=region, latitude=Decimal("51.5"), longitude=Decimal("-0.1")
    )
    person = User.objects.create(
        email="trainee@bench.test",
        full_name="Bench Trainee",
        password="!",  # noqa: S106
    )
    Membership.objects.create(person=person, role="trainee", site=site)
    conferences = Conference.objects.bulk_create(
        Conference(
            slug=f"conf-{i}", society=f"SOC{i}", society_name=f"Society {i}", name=f"Meeting {i}"
        )
        for i in range(args.conferences)
    )
    editions = Edition.objects.bulk_create(
        Edition(
            conference=c,
            year=year,
            name=f"{c.society} {year}",
            starts_on=dt.date(year, 6, 1 + i % 20),
            ends_on=dt.date(year, 6, 4 + i % 20),
        )
        for i, c in enumerate(conferences)
        for year in (2026, 2027)
    )
    kinds = ["abstract", "late_breaking", "early_registration"]
    Deadline.objects.bulk_create(
        Deadline(
            edition=e,
            kind=kind,
            time_zone="Etc/GMT+12",
            due_at=dt.datetime(e.year - 1, 10 + k, 1 + i % 25, 11, 59, tzinfo=dt.UTC),
        )
        for i, e in enumerate(editions)
        for k, kind in enumerate(kinds)
    )
    Follow.objects.bulk_create(Follow(person=person, conference=c) for c in conferences)
    projects = Project.objects.bulk_create(
        Project(title=f"Project {i}", summary="Bench", research_type="qi", lead=person)
        for i in range(args.projects)
    )
    Member.objects.bulk_create(
        Member(project=p, person=person, responsibility="Lead") for p in projects
    )
    today = dt.datetime.now(dt.UTC).date()
    Milestone.objects.bulk_create(
        Milestone(project=p, title=f"Milestone {m}", due_on=today + dt.timedelta(days=7 * m + i))
        for i, p in enumerate(projects)
        for m in range(args.milestones)
    )
    return person


def _timed(runs: int, call: Callable[[], object]) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds of each run, and the queries of one run.

    CPU time is printed beside wall-clock time because shared machines wait on other
    processes; the targets are wall-clock figures on a quiet machine.
    """
    from django.db import connection

    call()  # warm caches and connections once
    walls, cpus, queries = [], [], []

    def count(execute: Callable[..., object], sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        call()
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return walls, cpus, len(queries)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _report(label: str, measured: tuple[list[float], list[float], int], target: str) -> None:
    walls, cpus, queries = measured
    print(
        f"{label:<30} median {statistics.median(walls):6.1f} ms   p95 {_p95(walls):6.1f} ms   "
        f"max {max(walls):6.1f} ms   (CPU median {statistics.median(cpus):5.1f}, "
        f"p95 {_p95(cpus):5.1f})   {queries} queries   (target {target})"
    )


def measure(args: argparse.Namespace, person: User) -> None:
    from django.test import Client

    from events.services import feed_token_create

    secret = feed_token_create(person=person).secret
    client = Client()
    client.force_login(person)
    feed_url, calendar_url = f"/events/feeds/{secret}.ics", "/events/"
    body = client.get(feed_url)
    assert body.status_code == 200, body.status_code
    events = body.content.count(b"BEGIN:VEVENT")
    print(f"private feed: {events} events, {len(body.content) / 1024:.0f} KiB")
    # Nothing of a feed is kept between requests: every fetch reads the rows and writes
    # every event again, so each run is what the first fetch after a change costs.
    feed = _timed(max(10, args.runs // 5), lambda: client.get(feed_url))
    _report("feed, every event written", feed, "under 200 ms")
    etag = body["ETag"]
    unchanged = client.get(feed_url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304, unchanged.status_code
    conditional = _timed(args.runs, lambda: client.get(feed_url, headers={"If-None-Match": etag}))
    _report("feed, unchanged (304)", conditional, "under 200 ms")
    page = client.get(calendar_url)
    assert page.status_code == 200, page.status_code
    _report("calendar page", _timed(args.runs, lambda: client.get(calendar_url)), "p95 under 50 ms")


if __name__ == "__main__":
    main()
