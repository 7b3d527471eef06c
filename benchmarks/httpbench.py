"""What the HTTP benchmarks share: a demo database, a signed-in session and gunicorn.

bench_http.py, bench_load.py and bench_concurrency.py each serve RadCollab with
gunicorn (sync workers, as in production) on a database of their own, built from
`seed_demo`, and drive it over loopback only.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal, TypedDict

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEMO_PASSWORD = "radcollab-demo"  # noqa: S105 - seed_demo's published demo password


def database_url(db: str, pg_name: str) -> str:
    """An empty database: a new SQLite file, or PostgreSQL's `pg_name` made anew."""
    if db == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='radcollab-http-')}/bench.sqlite3"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {pg_name}")
    return f"postgres://postgres@127.0.0.1:5432/{pg_name}"


def server_env(url: str, code: Path = ROOT, **extra: str) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, persistent connections."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="60",
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-not-for-production-use",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{BENCH_DIR}{os.pathsep}{code}",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str, code: Path = ROOT) -> str:
    done = subprocess.run(
        [sys.executable, str(code / "manage.py"), *args],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def seed(env: dict[str, str], code: Path = ROOT) -> None:
    manage(env, "migrate", "--verbosity", "0", code=code)
    manage(env, "seed_demo", code=code)


SESSION_SNIPPET = """
import django, sys
django.setup()
from django.test import Client
from accounts.models import User
for email in sys.argv[1:]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    print(client.cookies["sessionid"].value)
"""


def sessions(env: dict[str, str], *emails: str, code: Path = ROOT) -> list[str]:
    """A session cookie for each demo person, signed in as the browser would be."""
    done = subprocess.run(
        [sys.executable, "-c", SESSION_SNIPPET, *emails],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], port: int, *, workers: int = 2, code: Path = ROOT, timeout: int = 30
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, stopped on exit."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--timeout", str(timeout), "--graceful-timeout", "5", "--log-level", "warning"),
        "radcollab.wsgi:application",
    ]
    log = open(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1], "wb")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, cwd=code, stdout=log, stderr=log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server, log.name, seconds=240)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; its log:\n{Path(log).read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):  # noqa: S310
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def server_cpu(pid: int) -> float:
    """CPU seconds (user and system) used so far by process `pid` and its children (the
    gunicorn master and its workers), read from /proc: the work behind the wall time."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grown = bool(more)
    return sum(used.get(member, 0.0) for member in family)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    """The `share` (0-100) percentile of `values`, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


class Form(TypedDict):
    action: str
    fields: list[list[str]]  # [name, value], in the page's order


Persona = Literal["trainee", "statistician", "lead"]


class DemoFixture(TypedDict):
    """What DEMO_SNIPPET prints: ids in the demo data, and signed-in sessions per persona."""

    study: int
    records: list[int]
    task: int
    project: int
    feed: str
    trainee: list[str]
    statistician: list[str]
    lead: list[str]


class _Forms(HTMLParser):
    """Every <form> of a page with the values a browser would post (no submit buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else []
        kind = a.get("type", "text").lower()
        if tag == "input" and a.get("name") and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio") or "checked" in a:
                fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([a["name"], ""])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            self.forms[-1]["fields"][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self.forms:
            name, options, chosen = self._select
            for value in chosen or options[:1]:
                self.forms[-1]["fields"].append([name, value])
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_with(html: str, field: str) -> Form:
    """The page's first form that has `field` ("*_x": a name ending in "_x"): its action
    and fields as [name, value]."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        names = [name for name, _ in form["fields"]]
        if field in names or (field[:1] == "*" and any(n.endswith(field[1:]) for n in names)):
            return form
    raise LookupError(f"no form with a field {field!r} on the page")


DEMO_SNIPPET = """
import django, json, sys
django.setup()
from allauth.mfa.models import Authenticator
from django.test import Client
from accounts.models import User
from capture import services
from capture.demo import TITLE
from capture.models import Study
from people.models import Term
from projects.models import Task

records, each = int(sys.argv[1]), int(sys.argv[2])
def person(local):
    user = User.objects.get(email=f"{local}@demo.radcollab.org")
    # Study data needs two-factor on; the benchmark signs in as if it had been used.
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return user
def sessions(user, n):
    out = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        out.append(client.cookies["sessionid"].value)
    return out
trainee, statistician = person("trainee"), person("statistician")
study = Study.objects.get(title=TITLE)
sth = study.study_sites.get(code="STH")
new = services.record_create
made = [new(actor=trainee, study=study, study_site=sth).pk for _ in range(records)]
task = Task.objects.select_related("project__lead").order_by("pk").first()
lead = person(task.project.lead.email.split("@")[0])
print(json.dumps({
    "study": study.pk,
    "records": made,
    "task": task.pk,
    "project": task.project_id,
    "feed": Term.objects.filter(kind="subspecialty").order_by("pk").first().slug,
    "trainee": sessions(trainee, each),
    "statistician": sessions(statistician, max(1, each // 10)),
    "lead": sessions(lead, each),
}))
"""


def demo_fixture(env: dict[str, str], *, records: int, sessions_each: int) -> DemoFixture:
    """New records, a task, feeds and signed-in sessions in the demo data (see DEMO_SNIPPET)."""
    done = subprocess.run(
        [sys.executable, "-c", DEMO_SNIPPET, str(records), str(sessions_each)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"demo fixture failed:\n{done.stderr[-3000:]}")
    found: DemoFixture = json.loads(done.stdout.strip().splitlines()[-1])
    return found
