"""Data capture at collaborative scale, on SQLite and PostgreSQL.

Creates a study of 40 fields over 3 instruments at 50 sites, imports 100,000 records
from a REDCap flat CSV, then times 200 record saves through the entry form, the
completeness page, and exports to CSV, XLSX and SPSS with the worker's peak memory
(each export runs in a child process of its own so its peak is its own).

    .venv/bin/python benchmarks/bench_capture.py                 # both databases
    .venv/bin/python benchmarks/bench_capture.py --db sqlite --records 10000
    .venv/bin/python benchmarks/bench_capture.py --db postgres --pg-name rc_bench_capture
    .venv/bin/python benchmarks/bench_capture.py --longitudinal --records 20000 --exports csv

`--longitudinal` makes the study longitudinal (5 events, every form at each): the file
has a row per record and event (20,000 records are 100,000 rows), saves go to an event's
form, and the record status grid (one record's page, and the dashboard of the 50 sites)
is timed.

Every figure gives wall-clock time beside CPU time, and the load average is printed at
the start and the end: on a shared, loaded machine the two differ widely, and CPU time
is what the code costs. The CPU is this process's (`time.process_time`); an export runs
in a child process, whose own CPU it prints, and the parent adds what the child used
in all (start-up included, `resource.getrusage(RUSAGE_CHILDREN)`). PostgreSQL's own
work is in no CPU figure (its server processes are not children of the benchmark).

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from scratch import ROOT, scratch_database, setup_django

if TYPE_CHECKING:
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from capture.models import Study

PG_BENCH_DB = "radcollab_bench_capture"
SITES = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument(
        "--longitudinal", action="store_true", help="5 events, a row per record and event"
    )
    parser.add_argument(
        "--exports",
        default="csv,xlsx,sav,redcap",
        help="formats to time, comma-separated (redcap: the REDCap-compatible API's JSON)",
    )
    parser.add_argument(
        "--pg-name", default=PG_BENCH_DB, help="PostgreSQL scratch database (dropped, made anew)"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)  # child: format to export
    args = parser.parse_args()
    if args.export:
        export_child(args)
        return
    if args.run:
        run(args)
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        url = _database(db, args.pg_name)
        child = [sys.executable, __file__, "--run", url, f"--records={args.records}"]
        child += [f"--saves={args.saves}", f"--exports={args.exports}"]
        child += ["--longitudinal"] if args.longitudinal else []
        used = _children_cpu()
        started = time.perf_counter()
        subprocess.run(child, check=True, cwd=ROOT)
        print(
            f"{db}: the whole run {time.perf_counter() - started:.0f} s, CPU of the run and its "
            f"children {_children_cpu() - used:.0f} s; {_load()}"
        )


def _children_cpu() -> float:
    """User and system CPU seconds of the child processes that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def _database(db: str, pg_name: str) -> str:
    return scratch_database(db, pg_name)


def _setup(url: str, *, migrate: bool = False) -> None:
    media = str(Path(tempfile.gettempdir()) / "radcollab-bench-media")
    setup_django(url, migrate=migrate, MEDIA_ROOT=media)


def dictionary_csv() -> str:
    """40 fields over baseline, imaging and outcome: every common type, branching, a calc."""
    from formats.datadictionary import HEADER

    rows = [["record_id", "baseline", "", "text", "Record ID"]]
    for i in range(1, 13):
        rows.append(
            [f"b_num{i}", "baseline", "", "text", f"Measure {i}", "", "", "integer", "0", "500"]
        )
    rows.append(["b_sex", "baseline", "", "radio", "Sex", "1, Female | 2, Male"])
    rows.append(["b_date", "baseline", "", "text", "Scan date", "", "", "date_ymd"])
    rows.append(["i_mod", "imaging", "", "checkbox", "Modality", "1, CT | 2, MRI | 3, US | 4, PET"])
    rows.append(
        [
            "i_field",
            "imaging",
            "",
            "radio",
            "MRI field",
            "1, 1.5 T | 2, 3 T",
            "",
            "",
            "",
            "",
            "",
            "[i_mod(2)] = '1'",
        ]
    )
    for i in range(1, 11):
        rows.append(
            [
                f"i_score{i}",
                "imaging",
                "",
                "dropdown",
                f"Score {i}",
                "1, 1 | 2, 2 | 3, 3 | 4, 4 | 5, 5",
            ]
        )
    rows.append(["i_size", "imaging", "", "text", "Size (mm)", "", "", "number", "0", "300"])
    rows.append(["i_size_cm", "imaging", "", "calc", "Size (cm)", "[i_size] / 10"])
    for i in range(1, 11):
        rows.append([f"o_yes{i}", "outcome", "", "yesno", f"Outcome {i}"])
    rows.append(["o_note", "outcome", "", "notes", "Comment"])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([*row, *[""] * (len(HEADER) - len(row))])
    assert len(rows) == 40, len(rows)
    return out.getvalue()


EVENTS = ("baseline", "week_6", "month_3", "month_6", "month_12")


def records_csv(count: int, codes: list[str], events: tuple[str, ...] = ()) -> str:
    """The flat file: a row per record, or per record and event when `events` are given."""
    rng = random.Random(5)
    header = ["record_id", "redcap_data_access_group"]
    header += ["redcap_event_name"] if events else []
    header += [f"b_num{i}" for i in range(1, 13)] + ["b_sex", "b_date"]
    header += [f"i_mod___{c}" for c in "1234"] + ["i_field"]
    header += [f"i_score{i}" for i in range(1, 11)] + ["i_size"]
    header += [f"o_yes{i}" for i in range(1, 11)] + ["o_note"]
    header += ["baseline_complete", "imaging_complete", "outcome_complete"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    per_site = -(-count // len(codes))
    for n in range(count * max(1, len(events))):
        record, event = divmod(n, len(events)) if events else (n, 0)
        code = codes[record // per_site]
        mri = rng.random() < 0.4
        writer.writerow(
            [f"{code}-{record % per_site + 1}", code.lower()]
            + ([f"{events[event]}_arm_1"] if events else [])
            + [str(rng.randint(0, 400)) for _ in range(12)]
            + [str(rng.randint(1, 2)), f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
            + ["1", "1" if mri else "0", "0", "0", "2" if mri else ""]
            + [str(rng.randint(1, 5)) for _ in range(10)]
            + [f"{rng.uniform(1, 250):.1f}"]
            + [str(rng.randint(0, 1)) for _ in range(10)]
            + ["reviewed in the audit meeting" if n % 7 == 0 else ""]
            + ["2", "2", str(rng.randint(0, 2))]
        )
    return out.getvalue()


def run(args: argparse.Namespace) -> None:
    _setup(args.run, migrate=True)
    from django.db import connection

    from accounts.models import User
    from capture import imports, services
    from core.testing.mfa import enable_totp
    from network.models import Membership, Region, Site

    shape = f"{len(EVENTS)} events, " if args.longitudinal else ""
    print(f"\n== {connection.vendor}: {args.records:,} records, {shape}40 fields, {SITES} sites ==")
    print(f"at the start: {_load()}")
    region = Region.objects.create(name="Bench region")
    sites = [
        Site.objects.create(name=f"Hospital {i}", region=region, latitude=51, longitude=0)
        for i in range(SITES)
    ]
    admin = User.objects.create(email="admin@bench.test", full_name="Study Admin", password="!")  # noqa: S106
    Membership.objects.create(person=admin, role="committee")
    enable_totp(admin)
    study, _ = services.study_create(actor=admin, title="Bench", dictionary_csv=dictionary_csv())
    codes = [f"S{i:02d}" for i in range(SITES)]
    for site, code in zip(sites, codes, strict=True):
        services.study_add_site(actor=admin, study=study, site=site, code=code)
    if args.longitudinal:
        _make_longitudinal(admin, study)
    services.study_go_live(actor=admin, study=study)
    text = records_csv(args.records, codes, EVENTS if args.longitudinal else ())
    print(f"records file: {len(text) / 1e6:.1f} MB")

    started, cpu = time.perf_counter(), time.process_time()
    check = imports.import_preview(actor=admin, study=study, text=text)
    preview, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert check.ok, check.errors[:5]
    started, cpu = time.perf_counter(), time.process_time()
    imports.import_commit(actor=admin, study=study, text=text)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    whole = preview + took
    print(
        f"import: preview {preview:.1f} s, commit {took:.1f} s (the commit re-reads and "
        f"re-checks the file); whole import {whole:.1f} s, {args.records / whole:,.0f} "
        f"records/s; this process's CPU {preview_cpu:.1f} s + {took_cpu:.1f} s = "
        f"{preview_cpu + took_cpu:.1f} s; {_load()}"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    saves(args, study, admin)
    lead = User.objects.create(email="lead@bench.test", full_name="Site Lead", password="!")  # noqa: S106
    enable_totp(lead)
    services.study_grant_role(
        actor=admin,
        study=study,
        person=lead,
        role="site_lead",
        study_site=study.study_sites.first(),
    )
    dashboard(study, admin, lead)
    if args.longitudinal:
        status_grid(study, admin, lead)
    for format in args.exports.split(","):
        used = _children_cpu()
        subprocess.run(
            [sys.executable, __file__, "--run", args.run, "--export", format], check=True, cwd=ROOT
        )
        print(
            f"  the {format} child process in all (Django's start-up included): CPU "
            f"{_children_cpu() - used:.1f} s"
        )
    print(f"at the end: {_load()}")


def _client(person: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client


def saves(args: argparse.Namespace, study: Study, admin: User) -> None:
    from capture.models import Entry

    client = _client(admin)
    rng = random.Random(9)
    entries = list(
        Entry.objects.filter(record__study=study, instrument="imaging")
        .order_by("?")
        .values_list("record_id", "version", "event__unique_name")[: args.saves]
    )
    times: list[float] = []
    cpu: list[float] = []
    counts: list[int] = []
    refused: list[str] = []
    for record_id, version, event in entries:
        url = f"/studies/{study.pk}/records/{record_id}/forms/imaging/"
        if event:
            url = f"/studies/{study.pk}/records/{record_id}/events/{event}/forms/imaging/"
        data = {"i_mod": ["1", "2"], "i_field": "2", "i_size": f"{rng.uniform(1, 250):.1f}"}
        data.update({f"i_score{i}": str(rng.randint(1, 5)) for i in range(1, 11)})
        data.update(version=str(version), status="2", confirmed="1")
        with _captured() as queries, _timed(times, cpu):
            response = client.post(url, data)
        if response.status_code != 302:
            refused.append(f"{url} (i_size {data['i_size']}): {_form_errors(response)}")
        counts.append(len(queries))
    _report(f"{len(times)} record saves through the form", times, counts, cpu)
    # A refusal is the product's answer, not the benchmark's: it is shown, never hidden.
    print(f"  saved {len(times) - len(refused)}, refused {len(refused)}")
    for reason in refused:
        print(f"  REFUSED {reason}")


class _Page(Protocol):
    """A page as the test client answers it."""

    status_code: int
    content: bytes


def _form_errors(response: _Page) -> str:
    """The status and the form's error messages of a refused save, as plain text."""
    import re

    text = response.content.decode()
    box = re.search(r'(?s)<section class="notice error".*?</section>', text)
    shown = " ".join(re.sub(r"<[^>]+>", " ", box.group()).split()) if box else text[:200]
    return f"{response.status_code} {shown}"


def dashboard(study: Study, admin: User, lead: User) -> None:
    """The study page: the admin's (50 sites, the totals and the study's management
    forms) and a site lead's (own site); then the completeness figures alone."""
    from capture import completeness
    from capture.models import Record

    for label, person in (("study admin, 50 sites", admin), ("site lead, own site", lead)):
        client = _client(person)
        times: list[float] = []
        cpu: list[float] = []
        counts: list[int] = []
        for _ in range(50):
            with _captured() as queries, _timed(times, cpu):
                response = client.get(f"/studies/{study.pk}/")
            assert response.status_code == 200
            counts.append(len(queries))
        _report(f"completeness page ({label})", times, counts, cpu)
    times, cpu, counts = [], [], []
    for _ in range(50):
        with _captured() as queries, _timed(times, cpu):
            shown = completeness.site_rows(admin, study)
        counts.append(len(queries))
    assert shown.total.records == Record.objects.filter(study=study).count()
    _report("completeness figures alone (study admin)", times, counts, cpu)


def _make_longitudinal(admin: User, study: Study) -> None:
    from capture import longitudinal
    from formats.longitudinal import Arm, Design, Designation, Event

    offsets = (0, 42, 91, 182, 365)
    events = tuple(
        Event(name.replace("_", " "), 1, f"{name}_arm_1", day_offset=days, offset_max=7)
        for name, days in zip(EVENTS, offsets, strict=True)
    )
    forms = ("baseline", "imaging", "outcome")
    design = Design(
        arms=(Arm(1, "Arm 1"),),
        events=events,
        designations=tuple(Designation(e.unique_name, form) for e in events for form in forms),
    )
    longitudinal.design_replace(actor=admin, study=study, design=design)


def status_grid(study: Study, admin: User, lead: User) -> None:
    """The record status grid: one record's page (5 events x 3 forms) and the dashboard
    of the study's records (a page of 50, the 50 sites' for the admin, one site's for a
    site lead)."""
    from capture.models import Record

    record_ids = list(
        Record.objects.filter(study=study).order_by("?").values_list("pk", flat=True)[:50]
    )
    pages = [
        (
            f"record grid (one record, {len(EVENTS)} events x 3 forms)",
            admin,
            [f"/studies/{study.pk}/records/{pk}/" for pk in record_ids],
        )
    ]
    pages += [
        (f"record status dashboard ({label}, 50 records a page)", person,
         [f"/studies/{study.pk}/status/?page={page}" for page in range(1, 51)])
        for label, person in (("study admin, 50 sites", admin), ("site lead, own site", lead))
    ]  # fmt: skip
    for label, person, urls in pages:
        client = _client(person)
        times: list[float] = []
        cpu: list[float] = []
        counts: list[int] = []
        for url in urls:
            with _captured() as queries, _timed(times, cpu):
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(len(queries))
        _report(label, times, counts, cpu)


def _captured() -> CaptureQueriesContext:
    """Counts the queries of a block. The connection keeps the last 9,000 queries only,
    and once full the count of a block reads 0: the log starts empty for each block."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    return CaptureQueriesContext(connection)


@contextmanager
def _timed(times: list[float], cpu: list[float]) -> Iterator[None]:
    """Adds the block's wall-clock and CPU milliseconds (this process's) to the lists."""
    started, used = time.perf_counter(), time.process_time()
    yield
    times.append((time.perf_counter() - started) * 1000)
    cpu.append((time.process_time() - used) * 1000)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def _report(label: str, times: list[float], counts: list[int], cpu: list[float]) -> None:
    # On a shared, loaded machine wall-clock times stretch; this process's CPU does not.
    print(
        f"{label}: median {statistics.median(times):.1f} ms, p95 {_p95(times):.1f} ms "
        f"(CPU median {statistics.median(cpu):.1f} ms, p95 {_p95(cpu):.1f} ms); "
        f"queries {min(counts)}-{max(counts)}"
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    Linux's VmHWM starts afresh at exec; `ru_maxrss` does not (a child started from the
    benchmark inherits the parent's peak), so it is only the fallback elsewhere.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(args: argparse.Namespace) -> None:
    _setup(args.run)
    from accounts.models import User
    from capture import exports
    from capture.models import Study

    admin = User.objects.get(email="admin@bench.test")
    study = Study.objects.get(title="Bench")
    if args.export == "redcap":
        redcap_export(admin, study)
        return
    before = peak_rss_mb()
    started, used = time.perf_counter(), time.process_time()
    made = exports.export_request(actor=admin, study=study, format=args.export, labels=True)
    # The immediate task backend has run the export on commit; run it here only if not
    # (running it again would time two exports).
    made.refresh_from_db()
    if made.state == "queued":
        made = exports.export_run(made.pk)
    took, cpu = time.perf_counter() - started, time.process_time() - used
    peak = peak_rss_mb()
    assert made.state == "done", made.error
    print(
        f"export {args.export}: {took:.1f} s (CPU {cpu:.1f} s), {made.file.size / 1e6:.1f} MB, "
        f"worker peak RSS {peak:.0f} MB (after start-up {before:.0f} MB); {_load()}"
    )


def redcap_export(admin: User, study: Study) -> None:
    """The whole study as flat JSON through the REDCap-compatible API, as PyCap asks for it.

    The answer streams: it is read chunk by chunk and counted, never held whole.
    """
    from collections.abc import Iterator

    from django.http import StreamingHttpResponse
    from django.test import Client

    from accounts.services import api_token_revoke
    from capture import tokens

    issued = tokens.study_token_create(
        user=admin, study=study, role="admin", name=f"bench redcap {time.time_ns()}"
    )
    secret = issued.secret
    before = peak_rss_mb()
    started, used = time.perf_counter(), time.process_time()
    response = Client().post(
        "/api/redcap/", {"token": secret, "content": "record", "format": "json", "type": "flat"}
    )
    first = first_cpu = None
    size = 0
    # The API's answer is a StreamingHttpResponse with a synchronous iterator.
    for chunk in cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content):
        size += len(chunk)
        if first is None:
            first, first_cpu = time.perf_counter() - started, time.process_time() - used
    took, cpu = time.perf_counter() - started, time.process_time() - used
    assert response.status_code == 200
    api_token_revoke(user=admin, token=issued.token)
    print(
        f"REDCap API content=record JSON (whole study): {took:.1f} s (CPU {cpu:.1f} s), "
        f"{size / 1e6:.1f} MB, first bytes after {first or 0:.2f} s (CPU {first_cpu or 0:.2f} s), "
        f"peak RSS {peak_rss_mb():.0f} MB (after start-up {before:.0f} MB); {_load()}"
    )


if __name__ == "__main__":
    main()
