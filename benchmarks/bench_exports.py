"""Time and memory of each exporter over 100,000 generated records of 40 fields.

The records come from a generator (3 instruments, one of them repeating: 100,000
non-repeating rows plus 75,000 instances), so nothing but the writer itself holds
data. Each writer runs in its own process: once timed, once under tracemalloc for the
Python heap's peak; ru_maxrss is the process's peak resident size (imports included,
shown apart). The flat-CSV reader is timed too, validating the CSV the first writer made.

    .venv/bin/python benchmarks/bench_exports.py                  # all writers
    .venv/bin/python benchmarks/bench_exports.py --records 10000 --only csv xlsx

Prints figures; asserts nothing. Targets for context: CSV under 15 s and 300 MB.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formats.datadictionary import DataDictionary, read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.exports import (
    ExportOptions,
    ExportPlan,
    ExportRecord,
    hmac_offset,
    write_csv,
    write_dta,
    write_sav,
    write_xlsx,
)
from formats.records import validate_all

REPEATING = frozenset({"lesions"})
POOL = 997
SITES = [f"site{n:02d}" for n in range(50)]
WORDS = ("nodule", "mass", "effusion", "consolidation", "fracture", "normal", "artefact")


def study() -> DataDictionary:
    """40 fields besides the record id: 15 on baseline, 14 on imaging, 11 on lesions."""
    rows = [row("record_id", form="baseline", label="Record ID")]
    for n in range(1, 16):
        rows.append(_field(n, "baseline"))
    for n in range(16, 30):
        rows.append(_field(n, "imaging"))
    for n in range(30, 41):
        rows.append(_field(n, "lesions"))
    return read_data_dictionary(dictionary_csv(*rows)).dictionary


def _field(n: int, form: str) -> list[str]:
    name, label = f"f{n:02d}", f"Question {n}"
    kind = n % 8
    if kind == 0:
        return row(name, form=form, label=label, validation="integer")
    if kind == 1:
        return row(name, form=form, label=label, validation="number_1dp")
    if kind == 2:
        return row(name, form=form, label=label, validation="date_dmy")
    if kind == 3:
        return row(name, "radio", form=form, label=label, choices="1, CT | 2, MRI | 3, US")
    if kind == 4:
        return row(name, "checkbox", form=form, label=label,
                   choices="1, Nodule | 2, Mass | 3, Effusion | 4, None")  # fmt: skip
    if kind == 5:
        return row(name, "yesno", form=form, label=label)
    if kind == 6:
        return row(name, form=form, label=label, validation="datetime_ymd")
    return row(name, "notes" if n % 16 == 7 else "text", form=form, label=label)


def generate(dictionary: DataDictionary, count: int) -> Iterator[ExportRecord]:
    """The rows of `count` records, made as they are asked for.

    Values are drawn from a pool of pre-made rows so that the generator costs little
    beside the writer; free text is joined afresh for each record, as text read from a
    database would be a new string each time.
    """
    rng = random.Random(20250601)
    base_fields = [f for f in dictionary.fields[1:] if f.form != "lesions"]
    lesion_fields = [f for f in dictionary.fields if f.form == "lesions"]
    base_pool = [{f.name: _value(f.name, rng) for f in base_fields} for _ in range(POOL)]
    lesion_pool = [{f.name: _value(f.name, rng) for f in lesion_fields} for _ in range(POOL)]
    for number in range(1, count + 1):
        site = SITES[number % len(SITES)]
        record_id = f"{site}-{number}"
        pooled = base_pool[number % POOL]
        statuses = {"baseline": 2, "imaging": number % 3}
        yield ExportRecord(record_id, site, values=_fresh(pooled), statuses=statuses)
        for instance in range(1, (0, 0, 1, 2)[number % 4] + 1):
            values = _fresh(lesion_pool[(number + instance) % POOL])
            yield ExportRecord(record_id, site, "lesions", instance, values, {"lesions": 2})


def _fresh(pooled: dict[str, str | set[str] | tuple[str, ...]]) -> dict[str, str | set[str]]:
    return {k: " ".join(v) if isinstance(v, tuple) else v for k, v in pooled.items()}


def _value(name: str, rng: random.Random) -> str | set[str] | tuple[str, ...]:
    start = date(2022, 1, 1)
    kind = int(name[1:]) % 8
    if kind == 0:
        return str(rng.randint(18, 95))
    if kind == 1:
        return f"{rng.uniform(1, 80):.1f}"
    if kind == 2:
        return (start + timedelta(days=rng.randint(0, 900))).isoformat()
    if kind == 3:
        return rng.choice("123")
    if kind == 4:
        return {code for code in "1234" if rng.random() < 0.3}
    if kind == 5:
        return rng.choice("01")
    if kind == 6:
        moment = datetime(2022, 1, 1, 8) + timedelta(minutes=rng.randint(0, 900 * 24 * 60))  # noqa: DTZ001
        return moment.strftime("%Y-%m-%d %H:%M")
    return tuple(rng.choices(WORDS, k=rng.randint(1, 8)))


def _options(*, labelled: bool) -> ExportOptions:
    """Codes as stored, or labels with de-identification (dropped text, shifted dates)."""
    offset = hmac_offset(b"bench") if labelled else None
    return ExportOptions(
        labels=labelled, repeating_forms=REPEATING, deidentify=labelled, date_offset=offset
    )


def _run(writer: str, count: int, folder: str) -> None:
    dictionary = study()
    target = Path(folder) / {"csv": "r.csv", "csv-labels-deid": "l.csv", "xlsx": "r.xlsx",
                             "sav": "r.sav", "dta": "r.dta"}[writer]  # fmt: skip
    plan = ExportPlan(dictionary, _options(labelled=writer == "csv-labels-deid"))
    actions: dict[str, Callable[[], object]] = {
        "csv": lambda: _csv(plan, dictionary, count, target),
        "csv-labels-deid": lambda: _csv(plan, dictionary, count, target),
        "xlsx": lambda: write_xlsx(plan, generate(dictionary, count), str(target)),
        "sav": lambda: write_sav(plan, generate(dictionary, count), target),
        "dta": lambda: write_dta(plan, generate(dictionary, count), target),
    }
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = actions[writer]()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    actions[writer]()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = target.stat().st_size / 1e6
    rows = getattr(summary, "rows", 0)
    print(
        f"{writer:<16}{seconds:>9.1f}{cpu:>8.1f}{rows:>10,}{peak / 2**20:>16.1f}"
        f"{rss:>12.0f}{rss_before:>12.0f}{size:>10.1f}",
        flush=True,
    )


def _csv(plan: ExportPlan, dictionary: DataDictionary, count: int, target: Path) -> object:
    with target.open("w", newline="", encoding="utf-8") as out:
        return write_csv(plan, generate(dictionary, count), out)


def _read(count: int, folder: str) -> None:
    """The import side: validate_all over the CSV the first writer made."""
    dictionary = study()
    path = Path(folder) / "r.csv"
    now = datetime(2025, 6, 1, 12)  # noqa: DTZ001
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def run() -> object:
        with path.open(newline="", encoding="utf-8-sig") as source:
            return validate_all(source, dictionary, today=now.date(), now=now,
                                repeating_forms=REPEATING, groups=SITES)  # fmt: skip

    started, cpu_started = time.perf_counter(), time.process_time()
    result = run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = getattr(result, "rows", 0)
    errors = len(getattr(result, "errors", ()))
    print(
        f"{'read+validate':<16}{seconds:>9.1f}{cpu:>8.1f}{rows:>10,}{peak / 2**20:>16.1f}"
        f"{rss:>12.0f}{rss_before:>12.0f}{'':>10}  ({errors} errors, {rows / seconds:,.0f} rows/s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    choices = ["csv", "csv-labels-deid", "xlsx", "sav", "dta", "read"]
    parser.add_argument("--only", nargs="+", choices=choices, default=choices)
    args = parser.parse_args()
    dictionary = study()
    fields, forms = len(dictionary.fields) - 1, len(dictionary.forms())
    print(f"{args.records:,} records x {fields} fields over {forms} instruments "
          f"(lesions repeats); Python {sys.version.split()[0]}")  # fmt: skip
    print(f"{'writer':<16}{'seconds':>9}{'cpu s':>8}{'rows':>10}{'tracemalloc MB':>16}"
          f"{'maxrss MB':>12}{'rss@start':>12}{'file MB':>10}")  # fmt: skip
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        for writer in args.only:
            target = _read if writer == "read" else _run
            arguments = (args.records, folder) if writer == "read" else (writer, args.records,
                                                                       folder)  # fmt: skip
            if writer == "read" and not (Path(folder) / "r.csv").exists():
                process = context.Process(target=_run, args=("csv", args.records, folder))
                process.start()
                process.join()
            process = context.Process(target=target, args=arguments)
            process.start()
            process.join()


if __name__ == "__main__":
    main()
