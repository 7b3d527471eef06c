"""Faults with a pass condition each: processes killed mid-work, and a database restart.

    .venv/bin/python benchmarks/faults.py import     # a web process killed mid-import
    .venv/bin/python benchmarks/faults.py export     # the task worker killed mid-export
    .venv/bin/python benchmarks/faults.py pg-restart # PostgreSQL restarted under load
    .venv/bin/python benchmarks/faults.py all

- import: a process commits a 6,000-row records file (`capture.imports.import_commit`,
  one transaction) and is killed (SIGKILL) once the first 5,000 rows are written.
  PASS when none of the file's records is in the database afterwards.
- export: the task worker (`manage.py run_worker`) is killed (SIGKILL) while it makes
  an export (slowed so that the kill lands mid-export). PASS when, once the stale time
  has passed, the export reads as failed with the reason (never "running" for ever), and
  a retry on a new worker finishes it.
- pg-restart: a private PostgreSQL (initdb in a temporary directory, port 5440, never
  the machine's server) serves gunicorn under load and is restarted (`pg_ctl restart
  -m fast`). PASS when every failed request was a 503 "briefly unavailable" (no 500,
  no dropped connection) and requests succeed again by themselves afterwards.

Prints what happened and PASS or FAIL for each; exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Protocol

import requests
from httpbench import ROOT, database_url, gunicorn, seed, server_env, sessions

COMMITTEE = "committee@demo.radcollab.org"

IMPORT_CHILD = """
import django, os, sys, time
django.setup()
from allauth.mfa.models import Authenticator
from accounts.models import User
from capture.demo import TITLE
from capture.imports import import_commit
from capture.models import Study
committee = User.objects.get(email=sys.argv[1])
Authenticator.objects.get_or_create(
    user=committee, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "faults"}}
)
study = Study.objects.get(title=TITLE)
def progress(done):
    # The first batch is written, inside the import's transaction: be killed here.
    open(sys.argv[3], "w").write(str(done))
    time.sleep(600)
import_commit(actor=committee, study=study, text=open(sys.argv[2]).read(), progress=progress)
print("finished without being killed")
"""

EXPORT_WORKER = """
import django, sys, time
django.setup()
from capture import exports, jobs
from django.core.management import call_command
written = exports._write
def slow_write(export, attempt):
    # A large export: it runs long enough for the worker to be killed mid-way.
    jobs.beat(type(export), export.pk, attempt)
    open(sys.argv[1], "w").write(str(export.pk))
    time.sleep(600)
    written(export, attempt)
if sys.argv[1] != "-":
    exports._write = slow_write
call_command("run_worker")
"""

EXPORT_STEP = """
import django, json, sys
django.setup()
from allauth.mfa.models import Authenticator
from accounts.models import User
from capture import exports
from capture.demo import TITLE
from capture.models import Export, Study
user = User.objects.get(email=sys.argv[1])
Authenticator.objects.get_or_create(
    user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "faults"}}
)
study = Study.objects.get(title=TITLE)
if sys.argv[2] == "request":
    print(exports.export_request(actor=user, study=study, format="csv").pk)
elif sys.argv[2] == "retry":
    print(exports.export_retry(actor=user, study=study, pk=int(sys.argv[3])).pk)
else:  # read the person's exports as their page does (which marks stale ones failed)
    found = exports.exports_of(user, study).get(pk=int(sys.argv[3]))
    print(json.dumps({"state": found.state, "error": found.error}))
"""


def python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


def records_file(rows: int) -> str:
    header = "record_id,age_band,sex,indication,gcs,anticoag\n"
    lines = [f"STH-{90000 + n},2,1,1,14,0" for n in range(rows)]
    return header + "\n".join(lines) + "\n"


def count_records(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from capture.models import Record\n"
        "print(Record.objects.filter(label__startswith='STH-9').count())"
    )
    return int(python(env, code))


def fault_import(env: dict[str, str]) -> bool:
    print("\n## A web process killed mid-import")
    folder = Path(tempfile.mkdtemp(prefix="faults-import-"))
    text, marker = folder / "records.csv", folder / "written"
    text.write_text(records_file(6000))
    before = count_records(env)
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, COMMITTEE, str(text), str(marker)],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 900
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if not marker.exists():
        child.kill()
        print("FAIL: the import never reached its first batch")
        return False
    written = marker.read_text()
    child.send_signal(signal.SIGKILL)
    child.wait()
    after = count_records(env)
    ok = after == before
    print(
        f"import process killed after writing {written} of 6,000 rows in its transaction; "
        f"records of that file in the database: {after - before}"
    )
    print("PASS" if ok else "FAIL", "- nothing of the killed import is in the database")
    return ok


def fault_export(env: dict[str, str]) -> bool:
    print("\n## The task worker killed mid-export")
    env = {**env, "RADCOLLAB_TASK_BACKEND": "database", "RADCOLLAB_TASK_STALE_MINUTES": "1"}
    marker = Path(tempfile.mkdtemp(prefix="faults-export-")) / "started"
    worker = subprocess.Popen(
        [sys.executable, "-c", EXPORT_WORKER, str(marker)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pk = python(env, EXPORT_STEP, COMMITTEE, "request")
    deadline = time.monotonic() + 300
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    state = json.loads(python(env, EXPORT_STEP, COMMITTEE, "read", pk))
    print(f"worker killed mid-export; export {pk} reads as {state['state']!r}")
    print("waiting 65 s, past RADCOLLAB_TASK_STALE_MINUTES=1 ...")
    time.sleep(65)
    stale = json.loads(python(env, EXPORT_STEP, COMMITTEE, "read", pk))
    print(f"then it reads as {stale['state']!r}: {stale['error']}")
    python(env, EXPORT_STEP, COMMITTEE, "retry", pk)
    fresh = subprocess.Popen(
        [sys.executable, "-c", EXPORT_WORKER, "-"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        final = stale
        while time.monotonic() < deadline:
            final = json.loads(python(env, EXPORT_STEP, COMMITTEE, "read", pk))
            if final["state"] not in ("queued", "running"):
                break
            time.sleep(1)
    finally:
        fresh.terminate()
        fresh.wait(timeout=30)
    print(f"retried on a new worker: {final['state']!r}")
    ok = state["state"] == "running" and stale["state"] == "failed" and final["state"] == "done"
    print(
        "PASS" if ok else "FAIL", "- marked failed once stale, never running for ever; retry done"
    )
    return ok


def fault_pg_restart(port: int, pg_port: int, seconds: int) -> bool:
    print("\n## PostgreSQL restarted during load (a private server on port", pg_port, ")")
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        print("FAIL: no PostgreSQL binaries under /usr/lib/postgresql")
        return False
    pg_ctl = Path(binaries[-1]) / "pg_ctl"
    data = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    run_as = [] if os.geteuid() else ["runuser", "-u", "postgres", "--"]
    if run_as:
        shutil.chown(data, "postgres")
    log = data / "server.log"

    def ctl(*args: str) -> None:
        subprocess.run([*run_as, str(pg_ctl), "-D", str(data / "db"), *args], check=True)

    initdb = [str(Path(binaries[-1]) / "initdb"), "-D", str(data / "db"), "-U", "postgres"]
    subprocess.run(
        [*run_as, *initdb, "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    ctl(
        "-l", str(log), "-o", f"-p {pg_port} -k {data} -c listen_addresses=127.0.0.1", "-w", "start"
    )
    try:
        return _restart_under_load(port, pg_port, seconds, ctl, log)
    finally:
        ctl("-m", "immediate", "stop")


class _Ctl(Protocol):
    """pg_ctl on the scratch cluster, with its arguments."""

    def __call__(self, *args: str) -> None: ...


def _restart_under_load(port: int, pg_port: int, seconds: int, ctl: _Ctl, log: Path) -> bool:
    import psycopg

    admin = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("CREATE DATABASE rc_perf_faults")
    env = server_env(f"postgres://postgres@127.0.0.1:{pg_port}/rc_perf_faults")
    seed(env)
    (session,) = sessions(env, "trainee@demo.radcollab.org")
    answers: list[tuple[float, str]] = []
    stop = threading.Event()
    base = f"http://127.0.0.1:{port}"

    def user() -> None:
        client = requests.Session()
        client.cookies.set("sessionid", session)
        while not stop.is_set():
            try:
                got = client.get(f"{base}/projects/", timeout=30, allow_redirects=False)
                kind = str(got.status_code)
                if got.status_code == 503 and "briefly unavailable" not in got.text:
                    kind = "503 without the notice"
            except requests.RequestException as error:
                kind = type(error).__name__
            answers.append((time.monotonic(), kind))
            time.sleep(0.05)

    with gunicorn(env, port, workers=2):
        threads = [threading.Thread(target=user) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(seconds / 3)
        restarted = time.monotonic()
        ctl("-m", "fast", "-w", "restart")
        back = time.monotonic()
        time.sleep(seconds * 2 / 3)
        stop.set()
        for thread in threads:
            thread.join()
    during = Counter(kind for _, kind in answers)
    failures = [(t, k) for t, k in answers if k != "200"]
    first_ok_after = next((t for t, k in answers if t > back and k == "200"), None)
    last_failure = max((t for t, _ in failures), default=restarted)
    tail = [k for t, k in answers if t > last_failure]
    print(f"restart took {back - restarted:.1f} s; answers: {dict(during)}")
    if first_ok_after is not None:
        print(f"first success {first_ok_after - back:.2f} s after the server was back")
    print(
        f"last failure {last_failure - back:+.2f} s from the server being back; then {len(tail)} OK"
    )
    ok = (
        set(during) <= {"200", "503"}
        and first_ok_after is not None
        and len(tail) > 10
        and all(k == "200" for k in tail)
    )
    print("PASS" if ok else "FAIL", "- only 503s while it restarted, and recovery by itself")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fault", choices=["import", "export", "pg-restart", "all"])
    parser.add_argument("--port", type=int, default=8184)
    parser.add_argument("--pg-port", type=int, default=5440)
    parser.add_argument("--seconds", type=int, default=30, help="of load around the restart")
    args = parser.parse_args()
    results = []
    if args.fault in ("import", "export", "all"):
        env = server_env(database_url("sqlite", ""))
        seed(env)
        if args.fault in ("import", "all"):
            results.append(fault_import(env))
        if args.fault in ("export", "all"):
            results.append(fault_export(env))
    if args.fault in ("pg-restart", "all"):
        results.append(fault_pg_restart(args.port, args.pg_port, args.seconds))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
