"""A 100,000-record export written to and served from object storage, through the app.

Builds bench_capture.py's study (40 fields over 3 instruments, 50 sites) in a scratch
database, imports 100,000 records, then, with `RADCOLLAB_STORAGE=s3` against an
S3-compatible server (moto in server mode on a free port, over HTTP, signatures checked,
server-side encryption on):

1. runs the export task (`export_request`; the immediate backend runs the task in this
   process, as a worker would) for CSV and XLSX, writing each file to the bucket;
2. downloads each through the site as its owner would, with the Django test client:
   streamed by the app (`RADCOLLAB_DOWNLOADS=stream`, the study's export page), and
   through the presigned URL the app redirects to (`redirect`), fetched over HTTP.

Each step prints wall time, this process's CPU time and the S3 server's CPU time (read
from /proc, it is another process); the load average is printed at the start and end.
moto keeps objects in memory on this machine, so the S3 figures are a floor of the app's
own cost, not a real network's.

    .venv/bin/python benchmarks/bench_storage.py                       # SQLite
    .venv/bin/python benchmarks/bench_storage.py --db postgres --records 10000

Prints figures; asserts only that every byte came back.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from scratch import scratch_database, setup_django

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User
    from capture.models import Export, Study

T = TypeVar("T")
PG_BENCH_DB = "radcollab_bench_storage"
SITES = 50


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a running process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __call__(self, label: str, action: Callable[[], T]) -> T:
        wall, cpu, server = time.perf_counter(), time.process_time(), cpu_of(self.server_pid)
        result = action()
        print(
            f"  {label:<44} wall {time.perf_counter() - wall:7.2f} s   "
            f"CPU {time.process_time() - cpu:6.2f} s   "
            f"S3 server CPU {cpu_of(self.server_pid) - server:6.2f} s",
            flush=True,
        )
        return result


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated")
    args = parser.parse_args()

    from core.testing.s3 import free_port, make_user, start_moto

    port = free_port()
    moto = start_moto(port)
    try:
        run(args, moto.pid, f"http://127.0.0.1:{port}", *make_user(f"http://127.0.0.1:{port}"))
    finally:
        moto.terminate()
        moto.wait()


def run(args: argparse.Namespace, moto_pid: int, endpoint: str, key: str, secret: str) -> None:
    url = scratch_database(args.db, PG_BENCH_DB)
    setup_django(
        url,
        RADCOLLAB_STORAGE="s3",
        S3_BUCKET="bench-exports",
        S3_ENDPOINT_URL=endpoint,
        S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID=key,
        S3_SECRET_ACCESS_KEY=secret,
        S3_KEY_PREFIX="radcollab",
        S3_ADDRESSING_STYLE="path",
        # Where a stray local write would land: checked empty at the end.
        MEDIA_ROOT=str(Path(url.rpartition("/")[2]).parent / "media-must-stay-empty"),
    )
    from django.conf import settings
    from django.core.files.storage import default_storage

    bucket: Any = default_storage
    bucket.bucket.meta.client.create_bucket(
        Bucket="bench-exports", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    timed = Timer(moto_pid)
    print(f"{args.records:,} records on {args.db}, S3 (moto) at {endpoint}; {load()}")
    admin, study = timed("make the study and import the records", lambda: make_study(args))
    from django.test import Client

    client = Client()
    client.force_login(admin)
    # The first request loads the URLconf and the middleware: not a download's cost.
    assert client.get(f"/studies/{study.pk}/exports/").status_code == 200
    for format in args.formats.split(","):
        print(f"{format.upper()} export")
        export = timed(
            "export task: write and store the file", partial(export_run, admin, study, format)
        )
        head = bucket.bucket.meta.client.head_object(
            Bucket="bench-exports", Key=f"radcollab/{export.file.name}"
        )
        size = int(head["ContentLength"])
        print(
            f"  stored {size / 1e6:.1f} MB ({size:,} bytes) at {export.file.name}, "
            f"{head['ServerSideEncryption']}; {export.done:,} of {export.total:,} records"
        )
        page = f"/studies/{study.pk}/exports/{export.pk}/"
        settings.RADCOLLAB_DOWNLOADS = "stream"
        served = timed("download through the site, streamed", partial(stream, client, page))
        assert served == size, (served, size)
        settings.RADCOLLAB_DOWNLOADS = "redirect"
        fetched = timed("download through the site, presigned", partial(presigned, client, page))
        assert fetched == size, (fetched, size)
    local = Path(settings.MEDIA_ROOT)
    written = [p for p in local.rglob("*") if p.is_file()] if local.exists() else []
    print(f"files written to local disk: {len(written)}; {load()}")


def make_study(args: argparse.Namespace) -> tuple[User, Study]:
    from bench_capture import dictionary_csv, records_csv

    from accounts.models import User
    from capture import imports, services
    from core.testing.mfa import enable_totp
    from network.models import Membership, Region, Site

    region = Region.objects.create(name="Bench region")
    admin = User.objects.create(email="admin@bench.test", full_name="Study Admin", password="!")  # noqa: S106
    Membership.objects.create(person=admin, role="committee")
    enable_totp(admin)
    study, _ = services.study_create(actor=admin, title="Bench", dictionary_csv=dictionary_csv())
    codes = [f"S{i:02d}" for i in range(SITES)]
    for i, code in enumerate(codes):
        site = Site.objects.create(name=f"Hospital {i}", region=region, latitude=51, longitude=0)
        services.study_add_site(actor=admin, study=study, site=site, code=code)
    services.study_go_live(actor=admin, study=study)
    imports.import_commit(actor=admin, study=study, text=records_csv(args.records, codes))
    return admin, study


def export_run(admin: User, study: Study, format: str) -> Export:
    from capture import exports

    made = exports.export_request(actor=admin, study=study, format=format, labels=True)
    made.refresh_from_db()
    if made.state == "queued":  # no task backend ran it on commit
        made = exports.export_run(made.pk)
    assert made.state == "done", made.error
    return made


def stream(client: Client, page: str) -> int:
    from django.http import StreamingHttpResponse

    response = client.get(page)
    assert response.status_code == 200, response.status_code
    assert isinstance(response, StreamingHttpResponse), type(response)
    return sum(len(chunk) for chunk in response)  # its streaming content, as it iterates


def presigned(client: Client, page: str) -> int:
    response = client.get(page)
    assert response.status_code == 302, response.status_code
    with urllib.request.urlopen(response["Location"], timeout=300) as answer:  # noqa: S310 - local moto
        return sum(len(chunk) for chunk in iter(lambda: answer.read(1 << 20), b""))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
