"""20 people save the same thing at the same moment, through HTTP: no update is lost.

For each database (SQLite, PostgreSQL) it serves the demo data with gunicorn and, for a
record entry, a project task, a project's authorship agreement and an account profile,
has `--editors` threads open the edit page (all at the same version), wait for one
another, and post their own change at once. Each round passes when exactly one save
succeeded, every other editor got the conflict notice (409, the saved values shown),
and the saved values are the winner's: zero lost updates, every loser told.

    .venv/bin/python benchmarks/bench_concurrency.py            # both databases
    .venv/bin/python benchmarks/bench_concurrency.py --db sqlite --rounds 1

Prints a table and PASS or FAIL per object and database.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import requests
from httpbench import (
    DemoFixture,
    Persona,
    database_url,
    demo_fixture,
    form_with,
    gunicorn,
    seed,
    server_env,
)

# The notice each edit page shows the editor whose save came second.
CONFLICT_WORDS = re.compile(r'id="conflict-heading"|saved elsewhere|since you opened it', re.I)


@dataclass(frozen=True)
class Target:
    name: str
    page: str  # the edit page
    field: str  # the field each editor changes ("*_x": the first ending in "_x")
    value: Callable[[int, int], str]  # (editor, round) -> the value it posts ("": as it is)
    persona: Persona  # whose sessions edit it


def targets(fixture: DemoFixture) -> list[Target]:
    study, record = fixture["study"], fixture["records"][0]
    return [
        Target(
            "record entry",
            f"/studies/{study}/records/{record}/forms/baseline/",
            "gcs",
            lambda i, r: str(3 + (i + r) % 13),
            "trainee",
        ),
        Target(
            "project task",
            f"/projects/tasks/{fixture['task']}/",
            "title",
            lambda i, r: f"Task edited by editor {i} in round {r}",
            "lead",
        ),
        Target(
            "authorship agreement",
            f"/projects/{fixture['project']}/team/",
            "*_position",  # the first member's place in the author order, kept: any
            lambda i, r: "",  # other order may be refused, and one save must win
            "lead",
        ),
        Target(
            "account profile",
            "/account/profile/",
            "full_name",
            lambda i, r: f"Trainee (editor {i}, round {r})",
            "trainee",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8182)
    parser.add_argument("--pg-name", default="rc_perf_concurrency")
    args = parser.parse_args()
    failed = False
    print(f"{args.editors} editors at once, {args.rounds} rounds per object, gunicorn 4 workers")
    print("| database | object | rounds | saved | told of the conflict | other | lost | result |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        env = server_env(database_url(db, args.pg_name))
        seed(env)
        fixture = demo_fixture(env, records=1, sessions_each=args.editors)
        base = f"http://127.0.0.1:{args.port}"
        with gunicorn(env, args.port, workers=4):
            for target in targets(fixture):
                tally = Counter[str]()
                for number in range(args.rounds):
                    tally += race(base, target, fixture[target.persona], number)
                ok = tally["saved"] == args.rounds and not tally["other"] and not tally["lost"]
                failed |= not ok
                print(
                    f"| {db} | {target.name} | {args.rounds} | {tally['saved']} "
                    f"| {tally['conflict']} | {tally['other']} | {tally['lost']} "
                    f"| {'PASS' if ok else 'FAIL'} |"
                )
    sys.exit(1 if failed else 0)


def race(base: str, target: Target, sessions: list[str], number: int) -> Counter[str]:
    """One round: every editor loads the page, then all post at once."""
    editors = []
    for session in sessions:
        client = requests.Session()
        client.cookies.set("sessionid", session)
        editors.append(client)
    start = threading.Barrier(len(editors))
    answers: list[tuple[int, int, str, dict[str, str]]] = []

    def edit(i: int, client: requests.Session) -> None:
        page = client.get(base + target.page, timeout=60, allow_redirects=False)
        try:
            form = form_with(page.text, target.field)
        except LookupError:
            start.abort()
            answers.append((i, page.status_code, f"{page.headers} {page.text[:2000]}", {}))
            return
        data = dict(form["fields"])
        field = target.field
        if field.startswith("*"):
            field = next(k for k in data if k.endswith(field[1:]))
        data[field] = target.value(i, number) or data[field]
        action = form["action"] or target.page
        try:
            start.wait(timeout=120)
        except threading.BrokenBarrierError:
            answers.append((i, 0, "another editor could not open the page", {}))
            return
        answer = client.post(
            base + action,
            data=data,
            headers={"Referer": base + target.page},
            allow_redirects=False,
            timeout=120,
        )
        answers.append((i, answer.status_code, answer.text, {field: data[field]}))

    threads = [threading.Thread(target=edit, args=(i, c)) for i, c in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return judge(base, target, editors[0], answers)


def judge(
    base: str,
    target: Target,
    client: requests.Session,
    answers: list[tuple[int, int, str, dict[str, str]]],
) -> Counter[str]:
    tally = Counter[str]()
    winners = []
    for _, status, text, wanted in answers:
        if status in (302, 303):
            tally["saved"] += 1
            winners.append(wanted)
        elif status in (200, 400, 409) and CONFLICT_WORDS.search(text):
            tally["conflict"] += 1
        else:
            tally["other"] += 1
            notices = re.findall(r'class="notice[^"]*"[^>]*>(.{0,300})', text, re.S)
            print(f"  {target.name}: unexpected answer {status}: {notices or text[:300]!r}")
    page = client.get(base + target.page, timeout=60).text
    saved = dict(form_with(page, target.field)["fields"])
    # A lost update: a save that was answered "saved" but whose values are not what stays.
    for wanted in winners:
        if any(saved.get(k) != v for k, v in wanted.items()):
            tally["lost"] += 1
    if len(winners) > 1:
        tally["lost"] += len(winners) - 1  # two "saved" from one version: one overwrote
    return tally


if __name__ == "__main__":
    main()
