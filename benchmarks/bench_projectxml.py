"""REDCap's project XML at study scale: reading and writing a project of many records.

Builds a classic project of 40 fields (a checkbox of 4 options, choices, dates, numbers,
text) over 2 instruments, 20 sites and N records (default 20,000), writes it as project
XML, reads it back, and prints the seconds, the file size and this process's peak memory.
The pure package only (no database): the import into a study adds the records import's
own figures (bench_capture.py).

    .venv/bin/python benchmarks/bench_projectxml.py
    .venv/bin/python benchmarks/bench_projectxml.py --records 5000

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formats.datadictionary import DataDictionary, read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.projectxml import Project, read_project_xml, write_project_xml


def _dictionary() -> DataDictionary:
    rows = [row("record_id", label="Record ID", form="scan")]
    rows.append(
        row("findings", "checkbox", "Findings", form="scan", choices="1, A | 2, B | 3, C | 4, D")
    )
    for n in range(18):
        rows.append(row(f"n{n}", label=f"Number {n}", form="scan", validation="number"))
    rows.append(row("scan_date", label="Scan date", form="scan", validation="date_ymd"))
    for n in range(19):
        rows.append(
            row(
                f"r{n}", "radio", f"Rating {n}", form="reading", choices="1, Low | 2, Mid | 3, High"
            )
        )
    rows.append(row("note", "notes", "Note", form="reading"))
    return read_data_dictionary(dictionary_csv(*rows)).dictionary


def _project(records: int) -> Project:
    dictionary = _dictionary()
    rng = random.Random(16)
    dags = tuple(f"Site {n}" for n in range(20))
    columns = ["record_id", "redcap_data_access_group"]
    columns += [f"findings___{c}" for c in "1234"] + [f"n{n}" for n in range(18)]
    columns += (
        ["scan_date", "scan_complete"] + [f"r{n}" for n in range(19)] + ["note", "reading_complete"]
    )
    rows = []
    for number in range(1, records + 1):
        values = {"record_id": str(number), "redcap_data_access_group": f"site_{number % 20}"}
        values.update({f"findings___{c}": rng.choice("01") for c in "1234"})
        values.update({f"n{n}": f"{rng.uniform(0, 100):.2f}" for n in range(18)})
        values["scan_date"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        values.update({f"r{n}": rng.choice("123") for n in range(19)})
        values["note"] = "Motion at the bases" if number % 7 == 0 else "No artefact"
        values["scan_complete"] = values["reading_complete"] = "2"
        rows.append(values)
    return Project(
        title="Benchmark",
        record_id_field="record_id",
        dictionary=dictionary,
        dags=dags,
        record_columns=tuple(columns),
        records=tuple(rows),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    records = parser.parse_args().records
    project = _project(records)
    started = time.perf_counter()
    text = write_project_xml(project)
    wrote = time.perf_counter() - started
    data = text.encode("utf-8")
    started = time.perf_counter()
    again = read_project_xml(data)
    read = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert len(again.record_ids) == records  # a figure of nothing would mislead
    print(f"project XML, {records:,} records x 40 fields, 20 sites")
    print(f"  write: {wrote:6.1f} s   size: {len(data) / 1e6:6.1f} MB")
    print(f"  read:  {read:6.1f} s   ({records / read:,.0f} records/s)")
    print(f"  peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
