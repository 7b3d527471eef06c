"""A mixed load of 50 people for 60 seconds over loopback: errors and latency.

For each database (PostgreSQL, SQLite in WAL mode) it builds the demo data, starts
gunicorn (`--workers` sync workers) and the task worker (`manage.py run_worker`, which
makes the exports), and runs `--users` simulated people (threads with their own
signed-in session) for `--seconds`. Each person repeats, with `--think` seconds
between steps as a person reads:

- a mentor directory search (`/mentors/directory/?q=<word>`),
- the project board (`/projects/`),
- their own record's entry form, opened and saved (trainees: 9 people in 10),
  or a CSV export asked for and its list read (statisticians: 1 in 10),
- the calendar feed of a subspecialty (`.ics`).

Every answer other than the one expected (200, or a redirect after a save) is an
error. Prints requests, errors, requests/s and p50, p95, p99 per step and overall.

    .venv/bin/python benchmarks/bench_load.py                   # both databases
    .venv/bin/python benchmarks/bench_load.py --db sqlite --users 20 --seconds 20
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable

import requests
from httpbench import (
    ROOT,
    DemoFixture,
    database_url,
    demo_fixture,
    form_with,
    gunicorn,
    load_average,
    percentile,
    seed,
    server_cpu,
    server_env,
)

Get = Callable[[str], Callable[[], requests.Response]]
Post = Callable[[str, dict[str, str]], Callable[[], requests.Response]]
WORDS = ["ct", "mri", "neuro", "breast", "audit", "ai", "trauma", "ultrasound", ""]


class Recorder:
    """Latencies and errors per step, from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def timed(
        self, step: str, call: Callable[[], requests.Response], ok: tuple[int, ...]
    ) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = call()
        except requests.RequestException as error:
            self._add(step, time.perf_counter() - started, f"{type(error).__name__}")
            return None
        problem = "" if answer.status_code in ok else f"HTTP {answer.status_code}"
        self._add(step, time.perf_counter() - started, problem)
        return answer if not problem else None

    def _add(self, step: str, seconds: float, problem: str) -> None:
        with self.lock:
            self.times[step].append(seconds * 1000)
            if problem:
                self.errors[step].append(problem)


def person(
    base: str,
    session: str,
    fixture: DemoFixture,
    me: int,
    args: argparse.Namespace,
    out: Recorder,
) -> None:
    client = requests.Session()
    client.cookies.set("sessionid", session)
    rng = random.Random(me)
    statistician = me % 10 == 0
    study = fixture["study"]
    record = fixture["records"][me % len(fixture["records"])]
    entry = f"{base}/studies/{study}/records/{record}/forms/baseline/"
    feed = f"{base}/events/feeds/subspecialty/{fixture['feed']}.ics"

    def get(url: str) -> Callable[[], requests.Response]:
        return lambda: client.get(url, timeout=30, allow_redirects=False)

    def post(url: str, data: dict[str, str]) -> Callable[[], requests.Response]:
        headers = {"Referer": url}
        return lambda: client.post(
            url, data=data, headers=headers, timeout=30, allow_redirects=False
        )

    directory = f"{base}/mentors/directory/?q="

    def work() -> None:
        if statistician:
            export(base, study, get, post, out)
        else:
            save(entry, get, post, rng, out)

    steps: list[Callable[[], object]] = [
        lambda: out.timed("directory search", get(directory + rng.choice(WORDS)), (200,)),
        lambda: out.timed("project board", get(f"{base}/projects/"), (200,)),
        work,
        lambda: out.timed("calendar feed", get(feed), (200,)),
    ]
    end = time.monotonic() + args.seconds
    time.sleep(rng.random() * args.think)  # people arrive spread over a moment
    while time.monotonic() < end:
        for step in steps:
            step()
            time.sleep(args.think * (0.5 + rng.random()))
            if time.monotonic() >= end:
                break


def save(entry: str, get: Get, post: Post, rng: random.Random, out: Recorder) -> None:
    page = out.timed("entry form", get(entry), (200,))
    if page is None:
        return
    data = dict(form_with(page.text, "gcs")["fields"])
    data.update(
        age_band=str(rng.randint(1, 4)),
        sex=str(rng.randint(1, 2)),
        indication="1",
        gcs=str(rng.randint(9, 15)),
        anticoag="0",
        status="0",
        reason="load test",
    )
    out.timed("entry save", post(entry, data), (302,))


def export(base: str, study: int, get: Get, post: Post, out: Recorder) -> None:
    url = f"{base}/studies/{study}/exports/"
    page = out.timed("export list", get(url), (200,))
    if page is None:
        return
    data = dict(form_with(page.text, "format")["fields"])
    data.update(format="csv", deidentify="on")
    out.timed("export request", post(url, data), (302,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between steps")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8183)
    parser.add_argument("--pg-name", default="rc_perf_load")
    args = parser.parse_args()
    print(
        f"{args.users} people for {args.seconds} s, {args.think} s between steps, "
        f"gunicorn {args.workers} sync workers + 1 task worker, loopback"
    )
    for db in ("postgres", "sqlite") if args.db == "both" else (args.db,):
        run(db, args)


def run(db: str, args: argparse.Namespace) -> None:
    env = server_env(database_url(db, args.pg_name), RADCOLLAB_TASK_BACKEND="database")
    seed(env)
    fixture = demo_fixture(env, records=args.users, sessions_each=args.users)
    base = f"http://127.0.0.1:{args.port}"
    out = Recorder()
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with gunicorn(env, args.port, workers=args.workers) as server:
            loads = [load_average()]
            cpu_before = server_cpu(server.pid) + server_cpu(worker.pid), time.process_time()
            sessions = fixture["trainee"]
            statisticians = fixture["statistician"]

            def session_of(i: int) -> str:
                return statisticians[i // 10 % len(statisticians)] if i % 10 == 0 else sessions[i]

            threads = [
                threading.Thread(target=person, args=(base, session_of(i), fixture, i, args, out))
                for i in range(args.users)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            served = server_cpu(server.pid) + server_cpu(worker.pid) - cpu_before[0]
            clients = time.process_time() - cpu_before[1]
            loads.append(load_average())
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    show(db, out, elapsed)
    count = sum(len(times) for times in out.times.values())
    print(
        f"CPU: server (gunicorn + task worker) {served:.1f} s = {served * 1000 / max(1, count):.1f}"
        f" ms/request, the simulated people {clients:.1f} s; wall {elapsed:.1f} s; "
        f"load average before and after: {'; '.join(loads)}"
    )


def show(db: str, out: Recorder, elapsed: float) -> None:
    print(f"\n{db}" + (" (WAL)" if db == "sqlite" else ""))
    print("| step | requests | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    everything: list[float] = []
    errors = 0
    for step, times in out.times.items():
        everything += times
        errors += len(out.errors[step])
        print(
            f"| {step} | {len(times)} | {len(out.errors[step])} | {percentile(times, 50):.0f} "
            f"| {percentile(times, 95):.0f} | {percentile(times, 99):.0f} |"
        )
    print(
        f"| **all** ({len(everything) / elapsed:.1f} requests/s) | {len(everything)} | {errors} "
        f"| {percentile(everything, 50):.0f} | {percentile(everything, 95):.0f} "
        f"| {percentile(everything, 99):.0f} |"
    )
    for step, problems in out.errors.items():
        if problems:
            print(f"  {step}: {dict(Counter(problems))}")


if __name__ == "__main__":
    main()
