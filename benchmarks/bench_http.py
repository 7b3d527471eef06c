"""Throughput of the busiest pages over HTTP, beside a plain Django page, in one run.

For each database (SQLite, PostgreSQL) it builds the demo data (`seed_demo`), starts
gunicorn with 2 sync workers on loopback and drives, with wrk (Debian's `wrk`, found
on PATH) and a fixed number of connections for a fixed time, each page signed in as
the demo trainee:

- `/bench/plain/`: a plain Django page of 20 ORM rows (benchmarks/bench_urls.py,
  loaded only by the benchmark's settings), the yardstick;
- `/projects/` (project board), `/mentors/directory/`, `/events/` (calendar).

Pages are driven in turn, `--rounds` times, so that a busy machine slows them alike;
each page's figures are from its median round. Prints requests/s, p50, p95, p99,
each page's share of the plain page's rate, and the server's CPU time per request
(gunicorn's master and workers, from /proc) with its share of the plain page's, and
the machine's load average: on a shared machine wall-clock rates wander, CPU per
request does not. Asserts nothing.

    .venv/bin/python benchmarks/bench_http.py                     # both databases
    .venv/bin/python benchmarks/bench_http.py --db sqlite --seconds 5 --rounds 1
    .venv/bin/python benchmarks/bench_http.py --code /tmp/old-checkout   # "before"
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from httpbench import (
    ROOT,
    database_url,
    gunicorn,
    load_average,
    seed,
    server_cpu,
    server_env,
    sessions,
)

PAGES = {
    "plain Django 20-row page": "/bench/plain/",
    "project board": "/projects/",
    "mentor directory": "/mentors/directory/",
    "calendar": "/events/",
}
USER = "trainee@demo.radcollab.org"
# wrk's Lua: the session cookie on every request, and the figures as one JSON line.
LUA = """
wrk.headers["Cookie"] = "sessionid=%(session)s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'FIGURES {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=8, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--pg-name", default="rc_perf_http")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not on PATH: apt-get install wrk")
    print(
        f"gunicorn {args.workers} sync workers, wrk {args.connections} connections, "
        f"{args.seconds} s per page x {args.rounds} rounds, code {args.code}"
    )
    everything = {}
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        everything[db] = run(db, args, wrk)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))


def run(db: str, args: argparse.Namespace, wrk: str) -> dict[str, dict[str, float]]:
    env = server_env(database_url(db, args.pg_name), code=args.code)
    seed(env, code=args.code)
    (session,) = sessions(env, USER, code=args.code)
    script = Path(tempfile.mkstemp(prefix="bench-http-", suffix=".lua")[1])
    script.write_text(LUA % {"session": session})
    base = f"http://127.0.0.1:{args.port}"
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in PAGES}
    loads = [load_average()]
    with gunicorn(env, args.port, workers=args.workers, code=args.code) as server:
        for path in PAGES.values():
            # Every worker serves each page a few times first (templates compiled, cached
            # content drawn): the rounds measure a site that has seen the page before.
            for _ in range(4 * args.workers):
                check(base + path, session)
        for _ in range(args.rounds):
            for name, path in PAGES.items():
                before = server_cpu(server.pid)
                found = drive(wrk, script, base + path, args)
                found["cpu_ms"] = (
                    (server_cpu(server.pid) - before) * 1000 / max(1, found["requests"])
                )
                rounds[name].append(found)
            loads.append(load_average())
    figures = {name: median_round(found) for name, found in rounds.items()}
    show(db, figures, loads)
    return figures


def check(url: str, session: str) -> None:
    """Each page answers 200 to the signed-in person (never a redirect to sign in)."""
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")


def drive(wrk: str, script: Path, url: str, args: argparse.Namespace) -> dict[str, float]:
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s"]
    done = subprocess.run(
        [*command, "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("FIGURES "))
    found: dict[str, float] = json.loads(line.removeprefix("FIGURES "))
    found["rps"] = found["requests"] / found["seconds"]
    return found


def median_round(found: list[dict[str, float]]) -> dict[str, float]:
    middle = statistics.median_low([f["rps"] for f in found])
    return next(f for f in found if f["rps"] == middle)


def show(db: str, figures: dict[str, dict[str, float]], loads: list[str]) -> None:
    plain = next(iter(figures.values()))
    print(f"\n{db} (load average 1/5/15 min at the start and after each round: {'; '.join(loads)})")
    print(
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | share of plain "
        "| server CPU ms/request | CPU share of plain |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, f in figures.items():
        errors = int(f["errors"] + f["non2xx"])
        print(
            f"| {name} `{PAGES[name]}` | {f['rps']:.0f} | {f['p50']:.1f} | {f['p95']:.1f} "
            f"| {f['p99']:.1f} | {errors} | {f['rps'] / plain['rps']:.0%} "
            f"| {f['cpu_ms']:.1f} | {plain['cpu_ms'] / f['cpu_ms']:.0%} |"
        )


if __name__ == "__main__":
    main()
