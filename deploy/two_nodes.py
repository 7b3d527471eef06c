"""Two web nodes and two RQ workers on one machine, sharing PostgreSQL, Redis and S3.

Starts an S3-compatible server (moto, over HTTP, refusing unsigned or wrongly signed
calls), migrates and seeds a fresh PostgreSQL database, then runs node A and node B
(gunicorn each) and two `rqworker`s, all with `RADCOLLAB_STORAGE=s3`. It checks, and
prints as it goes:

1. a node given a wrong storage key refuses to start (`check --deploy`);
2. both nodes are ready (`/readyz`) and healthy with database, Redis and storage;
3. a session started on A works on B;
4. a document uploaded through A downloads through B, byte for byte;
5. an export requested on B (API token) is run by a worker and downloads through A;
6. a worker killed (SIGKILL, with its work horse) in the middle of a large export: the
   export is marked failed within `RADCOLLAB_TASK_STALE_MINUTES` (1 here) of its last
   progress, never left running; retried, the other worker finishes it and the file
   downloads through A with every record;
7. nothing was written to any node's or worker's local MEDIA_ROOT.

    .venv/bin/python deploy/two_nodes.py
    .venv/bin/python deploy/two_nodes.py --database-url postgres://postgres@127.0.0.1:5432/rc_nodes

The large export's study (`--bulk-records`, 15,000 by default) is imported once per
fresh database, from the generated file of benchmarks/bench_capture.py.

Needs PostgreSQL and Redis listening; exits non-zero on the first failed check.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BIN = Path(PYTHON).parent
NEWLINE = b"\n"
PASSWORD = "radcollab-demo"  # noqa: S105 - the demo's published password # nosec B105


def say(text: str) -> None:
    print(text, flush=True)


def fail(text: str) -> None:
    say(f"FAIL: {text}")
    raise SystemExit(1)


def manage(env: dict[str, str], *args: str, check: bool = True) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        fail(f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class ExportAnswer(TypedDict):
    """An export as `/api/v1/studies/<id>/exports/<id>` answers it (the fields used here)."""

    id: int
    state: str
    done: int
    total: int
    error: str


class BulkStudy(TypedDict):
    """What the BULK setup prints: the large study for step 6 and a token for its API."""

    study: int
    token: str
    records: int


def wait_ready(base: str, seconds: int = 300) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # A cold node's first request loads the URLconf: allow it time.
            with urllib.request.urlopen(f"{base}/readyz", timeout=30) as answer:  # noqa: S310 # nosec B310 - http://127.0.0.1 only
                return json.loads(answer.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    fail(f"{base} never became ready")
    return {}


class Browser:
    """A cookie jar shared between nodes, as a load balancer without stickiness would."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(str(c.value) for c in self.jar if c.name == "csrftoken")

    def get(self, url: str) -> tuple[int, bytes, str]:
        with self.opener.open(url, timeout=60) as answer:
            return answer.status, answer.read(), answer.geturl()

    def post(self, url: str, body: bytes, content_type: str) -> tuple[int, bytes, str]:
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", content_type)
        request.add_header("X-CSRFToken", self.csrf())
        request.add_header("Referer", url)
        with self.opener.open(request, timeout=60) as answer:
            return answer.status, answer.read(), answer.geturl()


def api(base: str, path: str, token: str, body: dict[str, str] | None = None) -> ExportAnswer:
    """One JSON call of the exports API with a bearer token; the decoded answer."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310
        base + path, data=data, headers=headers, method="GET" if body is None else "POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 # nosec B310 - http://127.0.0.1 only
        return json.loads(answer.read())


def api_bytes(base: str, path: str, token: str) -> bytes:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 # nosec B310 - http://127.0.0.1 only
        return bytes(answer.read())


def wait_export(base: str, path: str, token: str, seconds: float) -> ExportAnswer:
    """Poll an export until it is done or failed, for at most `seconds`; its last state."""
    deadline = time.monotonic() + seconds
    export = api(base, path, token)
    while export["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        export = api(base, path, token)
    return export


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


SETUP = """
import json
import uuid
from accounts.models import User
from accounts.services import api_token_create
from capture import access as capture_access
from capture.access import Can
from capture.models import Study
from core.testing.mfa import enable_totp
from projects.access import get_project_for_user, Need
from projects.models import Project

trainee = User.objects.get(email="trainee@demo.radcollab.org")
project = None
for candidate in Project.objects.order_by("pk"):
    try:
        get_project_for_user(trainee, candidate.pk, Need.TEAM)
    except Exception:
        continue
    project = candidate.pk
    break
statistician = User.objects.get(email="statistician@demo.radcollab.org")
from allauth.mfa.models import Authenticator
if not Authenticator.objects.filter(user=statistician, type="totp").exists():
    enable_totp(statistician)
study = next(
    s.pk for s in Study.objects.order_by("pk")
    if capture_access.can(statistician, s, Can.EXPORT_DEIDENTIFIED)
)
made = api_token_create(user=statistician, name=f"two nodes {uuid.uuid4().hex[:8]}")
secret = made.secret
print(json.dumps({"project": project, "study": study, "token": secret}))
"""


BULK_RECORDS = 15_000
BULK = """
import json
import sys
import uuid
sys.path.insert(0, "benchmarks")
from bench_capture import dictionary_csv, records_csv
from accounts.models import User
from accounts.services import api_token_create
from capture import imports, services
from capture.models import Record, Study
from core.testing.mfa import enable_totp
from network.models import Membership, Site

COUNT = %d
owner, made = User.objects.get_or_create(
    email="bulk-owner@nodes.test", defaults={"full_name": "Bulk Owner", "password": "!"}
)
if made:
    Membership.objects.create(person=owner, role="committee")
    enable_totp(owner)
study = Study.objects.filter(title="Two-node bulk export").first()
if study is None:
    study, _ = services.study_create(
        actor=owner, title="Two-node bulk export", dictionary_csv=dictionary_csv()
    )
    site = Site.objects.order_by("pk").first()
    services.study_add_site(actor=owner, study=study, site=site, code="BULK")
    services.study_go_live(actor=owner, study=study)
    imports.import_commit(actor=owner, study=study, text=records_csv(COUNT, ["BULK"]))
made = api_token_create(user=owner, name=f"bulk {uuid.uuid4().hex[:8]}")
count = Record.objects.filter(study=study).count()
print(json.dumps({"study": study.pk, "token": made.secret, "records": count}))
"""


def rq_worker_running(redis_url: str, export_id: int) -> str | None:
    """The name of the RQ worker running this export's task now, if any."""
    import redis
    from rq import Worker

    for worker in Worker.all(connection=redis.Redis.from_url(redis_url)):
        job = worker.get_current_job()
        if job is not None and f"export_id={export_id})" in (job.description or ""):
            return str(worker.name)
    return None


def kill_with_children(pid: int) -> list[int]:
    """SIGKILL a process and every process it started, as losing its machine would.

    An RQ worker runs each job in a work horse it forks into a session of its own (so
    that a Ctrl+C of the worker's group leaves the job running); killing the worker's
    group alone would leave the horse to finish the export.
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo.extend(children.get(current, []))
    # Parent first, so that no worker lives on to notice its horse die and report it.
    for victim in doomed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
    return doomed


def kill_mid_export(
    a: str,
    b: str,
    bulk: BulkStudy,
    workers: dict[str, subprocess.Popen[bytes]],
    options: argparse.Namespace,
    env: dict[str, str],
) -> None:
    """Step 6: SIGKILL the worker making a large export; failed in bounded time, then retried."""
    exports = f"/api/v1/studies/{bulk['study']}/exports"
    token = bulk["token"]
    export = api(b, exports, token, {"format": "csv"})
    path = f"{exports}/{export['id']}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        export = api(a, path, token)
        busy = rq_worker_running(options.redis_url, export["id"])
        if export["state"] == "running" and export["done"] and busy:
            break
        if export["state"] in ("done", "failed"):
            fail(f"the export ended {export['state']!r} before it could be stopped midway")
        time.sleep(0.2)
    else:
        fail(f"the large export never got going: {export}")
    assert busy is not None
    name = next(key for key in workers if busy.startswith(key))
    victim = workers.pop(name)
    doomed = kill_with_children(victim.pid)
    victim.wait()
    killed = time.monotonic()
    say(
        f"6. export {export['id']} of {bulk['records']:,} records: worker {name} and its work "
        f"horse killed (SIGKILL, {len(doomed)} processes) at {export['done']:,} of "
        f"{export['total']:,}"
    )
    bound = 60 * int(env["RADCOLLAB_TASK_STALE_MINUTES"]) + 60
    ended = wait_export(a, path, token, bound)
    took = time.monotonic() - killed
    if ended["state"] not in ("done", "failed"):
        fail(f"the export was still {ended['state']!r} {took:.0f} s after its worker died")
    say(f"   the export ended {ended['state']!r} {took:.0f} s later: {ended['error']}")
    if ended["state"] == "failed":
        retry = (
            "from accounts.models import User; from capture.exports import export_retry; "
            "from capture.models import Export; "
            f"e = Export.objects.get(pk={export['id']}); "
            "export_retry(actor=e.requested_by, study=e.study, pk=e.pk)"
        )
        manage(env, "shell", "-c", retry)
        ended = wait_export(a, path, token, 300)
        if ended["state"] != "done":
            fail(f"the retried export ended {ended['state']!r}: {ended['error']}")
    exported = api_bytes(a, f"{path}/file", token)
    lines = exported.count(NEWLINE)
    if lines != bulk["records"] + 1:
        fail(f"the export has {lines} lines, not a header and {bulk['records']} records")
    survivor = next(iter(workers))
    say(
        f"   retried, finished by worker {survivor} and downloaded through A: "
        f"{len(exported) / 1e6:.1f} MB, {lines - 1:,} records"
    )


class DemoSetup(TypedDict):
    """What the SETUP script prints: the trainee's project, a study to export, a token for it."""

    project: int
    study: int
    token: str


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/rc_s3_nodes")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="Reuse a database this script migrated and seeded before (faster reruns).",
    )
    parser.add_argument(
        "--bulk-records",
        type=int,
        default=BULK_RECORDS,
        help="Records of the study whose export loses its worker midway (fresh database only).",
    )
    return parser.parse_args()


class TwoNodes:
    """One run's shared state: its processes, scratch folder, storage, settings and nodes.

    Each method is one step of `main`, in order; a step may rely on what the ones before
    it set (the S3 endpoint and keys, the nodes' settings, their addresses, the workers).
    """

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.processes: list[subprocess.Popen[bytes]] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="radcollab-nodes-"))
        (self.scratch / "static").mkdir()
        self.env: dict[str, str] = {}
        self.media = {name: self.scratch / f"media-{name}" for name in ("A", "B", "w1", "w2")}
        self.bases: dict[str, str] = {}
        self.workers: dict[str, subprocess.Popen[bytes]] = {}

    def start_storage(self) -> None:
        """An S3 server (moto) refusing unsigned or wrongly signed calls, with a bucket."""
        from core.testing.s3 import free_port, make_user, start_moto

        port = free_port()
        self.processes.append(start_moto(port, no_auth_calls=3))
        self.endpoint = f"http://127.0.0.1:{port}"
        self.access_key, self.secret_key = make_user(self.endpoint)
        import boto3

        self.s3 = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="eu-west-2",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )
        self.s3.create_bucket(
            Bucket="radcollab-nodes",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        say(f"S3 (moto, signatures enforced) at {self.endpoint}, bucket radcollab-nodes")

    def reset_database_and_redis(self) -> None:
        if not self.options.keep_database:
            fresh_database(self.options.database_url)
        import redis

        redis.Redis.from_url(self.options.redis_url).flushdb()

    def write_settings(self) -> None:
        """The environment every node and worker shares, and an empty MEDIA_ROOT for each."""
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "RADCOLLAB_"))},
            "DEBUG": "false",
            "SECRET_KEY": "two-nodes-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_MANIFEST": "false",
            "STATIC_ROOT": str(self.scratch / "static"),
            "DATABASE_URL": self.options.database_url,
            "REDIS_URL": self.options.redis_url,
            "RADCOLLAB_STORAGE": "s3",
            "S3_BUCKET": "radcollab-nodes",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "eu-west-2",
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_KEY_PREFIX": "radcollab",
            "S3_ADDRESSING_STYLE": "path",
            # The shortest stall rule, so that step 6 ends within a minute of the kill.
            "RADCOLLAB_TASK_STALE_MINUTES": "1",
        }
        for folder in self.media.values():
            folder.mkdir()

    def check_wrong_key_refused(self) -> None:
        """Step 1: a node given a wrong storage key refuses to start (`check --deploy`)."""
        wrong = {**self.env, "S3_SECRET_ACCESS_KEY": "not-the-secret"}  # nosec B105 - a wrong key on purpose
        out = manage(wrong, "check", "--deploy", "--tag", "radcollab_storage", check=False)
        if "credentials were refused" not in out:
            fail(f"a node with a wrong key was not refused:\n{out}")
        say(
            "1. wrong key refused at start-up: "
            + next(line.strip() for line in out.splitlines() if "credentials" in line)
        )

    def prepare_data(self) -> tuple[DemoSetup, BulkStudy]:
        """Migrate and seed (unless kept), then the demo's accounts and the large study."""
        started = time.perf_counter()
        if not self.options.keep_database:
            manage(self.env, "migrate", "--no-input")
            manage(self.env, "seed_demo")
        setup = json.loads(manage(self.env, "shell", "-c", SETUP).strip().splitlines()[-1])
        what = "reused" if self.options.keep_database else "migrated and seeded"
        say(f"   PostgreSQL {what} in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        bulk_setup = BULK % self.options.bulk_records
        bulk = json.loads(manage(self.env, "shell", "-c", bulk_setup).strip().splitlines()[-1])
        say(
            f"   a study of {bulk['records']:,} records for step 6 ready in "
            f"{time.perf_counter() - started:.0f} s"
        )
        return setup, bulk

    def drop_queued_tasks(self) -> None:
        # Loading the demo data queues a task per person (emails, recommendations): on a
        # loaded machine that backlog kept step 5's export waiting past its deadline.
        # None of it is what the steps check, so the workers start on an empty queue.
        import redis

        dropped = redis.Redis.from_url(self.options.redis_url)
        say(f"   {dropped.llen('rq:queue:default')} queued set-up tasks dropped")
        dropped.flushdb()

    def start_web_nodes(self) -> None:
        """Node A and node B: gunicorn each, on a port of its own."""
        from core.testing.s3 import free_port

        for name in ("A", "B"):
            web_port = free_port()
            env = {**self.env, "MEDIA_ROOT": str(self.media[name])}
            self.processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "radcollab.wsgi",
                        "--bind",
                        f"127.0.0.1:{web_port}",
                        "--workers",
                        "2",
                        # A cold worker's first request (URLconf, boto's models) took over
                        # gunicorn's default 30 s on a machine at load 22: not a hang.
                        "--timeout",
                        "120",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
            self.bases[name] = f"http://127.0.0.1:{web_port}"

    def start_workers(self) -> None:
        """Two RQ workers, w1 and w2, each logging to a file in the scratch folder."""
        for name in ("w1", "w2"):
            env = {**self.env, "MEDIA_ROOT": str(self.media[name])}
            log = (self.scratch / f"{name}.log").open("wb")
            self.workers[name] = subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "rqworker",
                    "--job-class",
                    "django_tasks_rq.Job",
                    "--name",
                    f"{name}-{uuid.uuid4().hex[:6]}",
                    "default",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.processes.append(self.workers[name])

    def check_ready(self) -> None:
        """Step 2: both nodes ready (`/readyz`) and healthy with database, Redis and storage."""
        for name, base in self.bases.items():
            ready = wait_ready(base)
            if ready.get("status") != "ok":
                fail(f"node {name} not ready: {ready}")
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:  # noqa: S310 # nosec B310 - http://127.0.0.1 only
                health = json.loads(answer.read())
            say(f"2. node {name} {base} ready {ready}; health {health}")

    def check_shared_session(self) -> Browser:
        """Step 3: a session started on A works on B; the browser holding it."""
        browser = Browser()
        a, b = self.bases["A"], self.bases["B"]
        browser.get(f"{a}/accounts/login/")
        body = urllib.parse.urlencode(
            {
                "login": "trainee@demo.radcollab.org",
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.csrf(),
            }
        ).encode()
        browser.post(f"{a}/accounts/login/", body, "application/x-www-form-urlencoded")
        status, _, landed = browser.get(f"{b}/dashboard/")
        if "/accounts/login" in landed or status != 200:
            fail(f"the session from A did not work on B ({status}, {landed})")
        say("3. signed in on A; B shows the dashboard to the same session")
        return browser

    def check_shared_document(self, browser: Browser, project: int) -> None:
        """Step 4: a document uploaded through A downloads through B, byte for byte."""
        a, b = self.bases["A"], self.bases["B"]
        content = b"%PDF-1.4 two-node protocol " + uuid.uuid4().hex.encode()
        form, kind = multipart(
            {
                "folder": "approvals",
                "name": "Two-node protocol",
                "note": "via A",
                "csrfmiddlewaretoken": browser.csrf(),
            },
            {"file": ("protocol.pdf", content)},
        )
        browser.post(f"{a}/projects/{project}/documents/", form, kind)
        _, page, _ = browser.get(f"{b}/projects/{project}/documents/")
        found = re.findall(rb"/projects/versions/(\d+)/download/", page)
        if not found:
            fail("the uploaded document is not listed on B")
        version = max(int(x) for x in found)
        _, got, _ = browser.get(f"{b}/projects/versions/{version}/download/")
        if got != content:
            fail(f"B served {len(got)} bytes, not the {len(content)} uploaded through A")
        say(f"4. document uploaded through A ({len(content)} bytes) downloaded through B: same")

    def check_export_by_worker(self, setup: DemoSetup) -> None:
        """Step 5: an export requested on B (API token) is run by a worker, downloads through A."""
        a, b = self.bases["A"], self.bases["B"]
        exports = f"/api/v1/studies/{setup['study']}/exports"
        export = api(b, exports, setup["token"], {"format": "csv"})
        state = wait_export(a, f"{exports}/{export['id']}", setup["token"], 180)["state"]
        if state != "done":
            fail(f"the export ended {state!r}")
        exported = api_bytes(a, f"{exports}/{export['id']}/file", setup["token"])
        ran = [
            name
            for name in ("w1", "w2")
            if b"Job OK" in (self.scratch / f"{name}.log").read_bytes()
            or b"Successfully completed" in (self.scratch / f"{name}.log").read_bytes()
        ]
        say(
            f"5. export {export['id']} requested on B, run by worker {ran or '?'}, "
            f"downloaded through A: {len(exported)} bytes, "
            f"{exported.count(NEWLINE)} lines"
        )

    def check_worker_killed(self, bulk: BulkStudy) -> None:
        """Step 6: see `kill_mid_export`."""
        kill_mid_export(
            self.bases["A"], self.bases["B"], bulk, self.workers, self.options, self.env
        )

    def check_nothing_local(self) -> None:
        """Step 7: nothing written to any node's or worker's MEDIA_ROOT; what the bucket holds."""
        local = [p for folder in self.media.values() for p in folder.rglob("*") if p.is_file()]
        if local:
            fail(f"files were written to local disk: {local}")
        keys = [
            o["Key"] for o in self.s3.list_objects_v2(Bucket="radcollab-nodes").get("Contents", [])
        ]
        say(f"7. nothing on local disk; the bucket holds {len(keys)} objects: {keys}")

    def stop(self) -> None:
        """Terminate every process started, newest first; kill any that will not stop."""
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    nodes = TwoNodes(parse_options())
    try:
        nodes.start_storage()
        nodes.reset_database_and_redis()
        nodes.write_settings()
        nodes.check_wrong_key_refused()
        setup, bulk = nodes.prepare_data()
        nodes.drop_queued_tasks()
        nodes.start_web_nodes()
        nodes.start_workers()
        nodes.check_ready()
        browser = nodes.check_shared_session()
        nodes.check_shared_document(browser, setup["project"])
        nodes.check_export_by_worker(setup)
        nodes.check_worker_killed(bulk)
        nodes.check_nothing_local()
        say("PASS")
    finally:
        nodes.stop()


if __name__ == "__main__":
    main()
