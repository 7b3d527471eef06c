"""A 100,000-record export written to and served from object storage, against local disk.

The export is the CSV of bench_exports.py's generated study (100,000 records of 40
fields, 75,000 repeating instances). It is written once to a scratch file (as the export
task does), then stored and served through `core.files` with each backend: the local
disk, and an S3-compatible bucket (moto in server mode on a free port, over HTTP, with
server-side encryption on). Serving is timed in both modes: streamed by the app
(`serve_file`'s response read to the end) and through a presigned URL fetched over HTTP.
moto keeps objects in its own memory on this machine, so the S3 figures are a floor of
the app's own cost, not a real network's.

    .venv/bin/python benchmarks/bench_storage.py
    .venv/bin/python benchmarks/bench_storage.py --records 10000

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _timed(label: str, action) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    print(f"  {label:<34}{time.perf_counter() - started:>8.2f} s", flush=True)
    return result


def _drain(response) -> int:  # type: ignore[no-untyped-def]
    return (
        sum(len(chunk) for chunk in response.streaming_content)
        if response.streaming
        else len(b"".join(response))
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    count = parser.parse_args().records

    from core.testing.s3 import free_port, make_user, start_moto

    port = free_port()
    moto = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    access_key, secret_key = make_user(endpoint)
    scratch = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="radcollab.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        MEDIA_ROOT=str(scratch / "media"),
        RADCOLLAB_STORAGE="s3",
        S3_BUCKET="bench-exports",
        S3_ENDPOINT_URL=endpoint,
        S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID=access_key,
        S3_SECRET_ACCESS_KEY=secret_key,
        S3_KEY_PREFIX="radcollab",
        S3_ADDRESSING_STYLE="path",
    )
    import django

    django.setup()
    from bench_exports import ExportPlan, _csv, _options, study
    from django.conf import settings
    from django.core.files import File
    from django.core.files.storage import FileSystemStorage, default_storage

    bucket: Any = default_storage

    from core.files import serve_file

    bucket.bucket.meta.client.create_bucket(
        Bucket="bench-exports", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    dictionary = study()
    plan = ExportPlan(dictionary, _options(labelled=False))
    csv_path = scratch / "records.csv"
    print(f"{count:,} records, CSV export")
    _timed("write the CSV (scratch file)", lambda: _csv(plan, dictionary, count, csv_path))
    size = csv_path.stat().st_size
    print(f"  size {size / 1e6:.1f} MB")
    local = FileSystemStorage(location=scratch / "media")
    for label, storage in (("local disk", local), ("S3 (moto)", default_storage)):
        print(label)
        with csv_path.open("rb") as handle:
            name = str(
                _timed("store", lambda s=storage, h=handle: s.save("exports/r.csv", File(h)))
            )
        settings.RADCOLLAB_DOWNLOADS = "stream"
        served = _timed(
            "serve, streamed by the app",
            lambda s=storage, n=name: _drain(serve_file(n, filename="r.csv", storage=s)),
        )
        assert served == size, (served, size)
        if storage is default_storage:
            settings.RADCOLLAB_DOWNLOADS = "redirect"
            response = serve_file(name, filename="r.csv", storage=storage)

            def fetch(url: str = response["Location"]) -> int:
                with urllib.request.urlopen(url) as answer:  # noqa: S310 - local moto
                    return len(answer.read())

            assert _timed("serve, presigned URL over HTTP", fetch) == size
            head = bucket.bucket.meta.client.head_object(
                Bucket="bench-exports", Key=f"radcollab/{name}"
            )
            print(f"  stored {head['ContentLength'] / 1e6:.1f} MB, {head['ServerSideEncryption']}")
    moto.terminate()


if __name__ == "__main__":
    main()
