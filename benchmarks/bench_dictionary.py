"""Reading and checking a large REDCap data dictionary.

Generates a 3,000-field dictionary over 40 instruments with 1,000 branching rules and
300 calculations (choices, every validation type, sliders, matrices, action tags, the
new functions, and some logic RadCollab keeps but does not evaluate), then times:

- read: `read_data_dictionary` alone (columns, rows, choices, validation, references);
- read and check: `capture.logic.read_with_logic`, what an upload does (the reader with
  the logic parser in one pass, then every expression compiled to its tree);
- write back: `write_data_dictionary` of the dictionary read (cell for cell);
- resolve: every branching rule and calculation evaluated for one record.

    .venv/bin/python benchmarks/bench_dictionary.py
    .venv/bin/python benchmarks/bench_dictionary.py --fields 3000 --forms 40 --repeat 5

- entry form: the entry page of a 300-field instrument of the same kind (HTML labels
  with piping, matrix rows, sliders, action tags) rendered through the app 100 times,
  on a scratch SQLite database (`--no-entry` to skip it).

Targets (issue 15): read and check under 2 s; the entry form under 150 ms p95. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from capture.logic import read_with_logic, resolve
from formats.datadictionary import HEADER, read_data_dictionary, write_data_dictionary

VALIDATIONS = (
    ("integer", "0", "120"),
    ("number_1dp", "0", "5000"),
    ("number_2dp_comma_decimal", "", ""),
    ("date_dmy", "01-01-2015", "today"),
    ("datetime_seconds_ymd", "", "now"),
    ("time_hh_mm_ss", "", ""),
    ("email", "", ""),
    ("zipcode", "", ""),
    ("", "", ""),
)
CALCULATIONS = (
    "round([{a}] * 0.014, 2)",
    "sum([{a}], [{b}], 4) / 3",
    "datediff([{d}], 'today', 'd', true)",
    "if(contains([{t}], 'nodule'), 1, 0)",
    "upper(left(trim([{t}]), 3))",
    "round(stdev([{a}], [{b}], 10), 2)",
    "concat([{c}:label], ' ', year([{d}]))",
    "rounddown(mean([{a}], [{b}]), 1)",
)
BRANCHING = (
    "[{c}] = '1'",
    "[{a}] > 18 and [{c}] <> '2'",
    "[{k}(2)] = '1' or [{k}(3)] = '1'",
    "datediff([{d}], 'today', 'y') < 1",
    "starts_with([{t}], 'RC') and length([{t}]) > 4",
    "[{a}][previous-instance] <> ''",
    "[baseline_arm_1][{a}] > 1",  # kept, not evaluated here
)


def generate(fields: int, forms: int, branching: int, calculations: int, seed: int) -> str:
    """The dictionary's CSV text: field i is on form i * forms // fields."""
    rng = random.Random(seed)
    rows: list[list[str]] = [list(HEADER)]
    kinds: dict[str, str] = {}
    logic_at = set(rng.sample(range(60, fields), branching + calculations))
    calc_at = set(rng.sample(sorted(logic_at), calculations))
    for index in range(fields):
        name = "record_id" if index == 0 else f"f{index:04d}"
        form = f"form_{index * forms // fields:02d}"
        cells = dict.fromkeys(HEADER, "")
        cells.update({HEADER[0]: name, HEADER[1]: form, HEADER[4]: f"Question {index}"})
        earlier = _earlier(kinds, rng)
        if index in calc_at and earlier:
            kind, choices = "calc", rng.choice(CALCULATIONS).format(**earlier)
        else:
            kind, choices = _kind(index, rng)
            if index in logic_at and earlier:
                cells[HEADER[11]] = rng.choice(BRANCHING).format(**earlier)
        cells.update({HEADER[3]: kind, HEADER[5]: choices})
        if kind == "text":
            cells[HEADER[7]], cells[HEADER[8]], cells[HEADER[9]] = VALIDATIONS[index % 9]
        if index % 25 == 0:
            cells[HEADER[17]] = '@DEFAULT="1" @HIDDEN-SURVEY'
        kinds[name] = f"{kind}:{cells[HEADER[7]]}"
        rows.append([cells[column] for column in HEADER])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _kind(index: int, rng: random.Random) -> tuple[str, str]:
    if index % 7 == 0:
        return "radio", "1, Yes | 2, No | 3, Unknown"
    if index % 11 == 0:
        return "checkbox", "1, CT | 2, MRI | 3, Ultrasound | 4, Radiograph"
    if index % 13 == 0:
        return "slider", "Low | Middle | High"
    if index % 17 == 0:
        return "notes", ""
    return "text", ""


def _earlier(kinds: dict[str, str], rng: random.Random) -> dict[str, str]:
    """Names of earlier fields of each kind the templates need, or {} while too few."""
    by_kind: dict[str, list[str]] = {}
    for name, kind in kinds.items():
        if kind == "text:integer":
            by_kind.setdefault("a", []).append(name)
            by_kind.setdefault("b", []).append(name)
        elif kind == "text:date_dmy":
            by_kind.setdefault("d", []).append(name)
        elif kind == "text:":
            by_kind.setdefault("t", []).append(name)
        elif kind.startswith("radio"):
            by_kind.setdefault("c", []).append(name)
        elif kind.startswith("checkbox"):
            by_kind.setdefault("k", []).append(name)
    if len(by_kind) < 6:
        return {}
    return {key: rng.choice(names[-50:]) for key, names in by_kind.items()}


T = TypeVar("T")


def timed(action: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    """The seconds of each run and the last run's result (`repeat` is at least 1)."""
    times: list[float] = []
    last: list[T] = []
    for _ in range(repeat):
        start = time.perf_counter()
        last[:] = [action()]
        times.append(time.perf_counter() - start)
    return times, last[0]


def report(what: str, times: list[float]) -> None:
    print(
        f"{what:<22} median {statistics.median(times) * 1000:8.1f} ms   "
        f"best {min(times) * 1000:8.1f} ms   worst {max(times) * 1000:8.1f} ms"
    )


def entry_dictionary(fields: int, seed: int) -> str:
    """One instrument of `fields` fields from `generate`, with what the entry form draws
    beyond plain boxes: HTML labels with piping (every 10th), radios as matrix rows, and
    action tags (every 25th, from `generate`)."""
    text = generate(fields, 1, fields // 3, fields // 10, seed)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for index, cells in enumerate(rows[1:], start=0):
        if index % 10 == 5:
            cells[4] = (
                f'<b>Question</b> {index} for <span style="color: #c00">[record-name]</span>'
                " <script>alert(1)</script>"
            )
        if cells[3] == "radio":
            cells[15] = "grade"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def entry_form_render(fields: int, renders: int, seed: int) -> None:
    """The entry form of a `fields`-field instrument, rendered through the app (the entry
    view, its queries, piping, sanitised labels and the logic island) `renders` times on
    a scratch SQLite database; prints the median and p95 (issue 15's target: 150 ms p95)."""
    from scratch import scratch_database, setup_django

    setup_django(scratch_database("sqlite", ""), migrate=True)
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from capture import services
    from core.testing.mfa import enable_totp
    from network.models import Membership, Region, Site

    region = Region.objects.create(name="Bench region")
    site = Site.objects.create(name="Bench hospital", region=region, latitude=51, longitude=0)
    admin = User.objects.create(email="admin@bench.test", full_name="Study Admin", password="!")  # noqa: S106
    Membership.objects.create(person=admin, role="committee")
    enable_totp(admin)
    study, _ = services.study_create(
        actor=admin, title="Bench", dictionary_csv=entry_dictionary(fields, seed)
    )
    study_site = services.study_add_site(actor=admin, study=study, site=site, code="BEN")
    record = services.record_create(actor=admin, study=study, study_site=study_site)
    form = services.current_dictionary(study).instruments[0]
    client = Client()
    client.force_login(admin)
    url = reverse("capture:entry", args=[study.pk, record.pk, form])
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    times, response = timed(lambda: client.get(url), renders)
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]
    print(
        f"{f'entry form ({fields} fields)':<22} median {statistics.median(times) * 1000:8.1f} ms   "
        f"p95 {p95 * 1000:8.1f} ms   over {renders} renders "
        f"({len(response.content) / 1024:.0f} KiB of HTML)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fields", type=int, default=3000)
    parser.add_argument("--forms", type=int, default=40)
    parser.add_argument("--branching", type=int, default=1000)
    parser.add_argument("--calculations", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--entry-fields", type=int, default=300)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--no-entry", action="store_true", help="skip the entry form (no app)")
    args = parser.parse_args()
    text = generate(args.fields, args.forms, args.branching, args.calculations, args.seed)
    fields = read_data_dictionary(text).dictionary.fields
    print(
        f"dictionary: {len(fields)} fields, {len({f.form for f in fields})} forms, "
        f"{sum(1 for f in fields if f.branching_logic)} branching rules, "
        f"{sum(1 for f in fields if f.calculation)} calculations, "
        f"{len(text.encode('utf-8')) / 1024:.0f} KiB"
    )
    times, _ = timed(lambda: read_data_dictionary(text), args.repeat)
    report("read", times)
    times, read = timed(lambda: read_with_logic(text), args.repeat)
    report("read and check", times)
    issues = read.result.issues
    not_evaluated = sum(1 for logic in read.logic.values() if logic.not_evaluated)
    print(f"{'':<22} {len(issues)} issues; {not_evaluated} fields' logic not evaluated here")
    times, written = timed(lambda: write_data_dictionary(read.dictionary), args.repeat)
    report("write back", times)
    print(f"{'':<22} the same text as read: {written == text}")
    values = {f.name: "1" for f in read.dictionary.fields if f.field_type != "calc"}
    active = {name: logic for name, logic in read.logic.items() if logic.branching or logic.calc}
    times, _ = timed(lambda: resolve(active, values), args.repeat)
    report(f"resolve ({len(active)} rules)", times)
    if not args.no_entry:
        entry_form_render(args.entry_fields, args.renders, args.seed)


if __name__ == "__main__":
    main()
