"""Reading REDCap's arms, events, instrument-designation and repeating-setup CSVs.

REDCap writes these from Project Setup ("Upload or download arms / events /
instrument-event mappings") and from its API (`content=arm|event|formEventMapping|
repeatingFormsEvents`, `format=csv`), with slightly different headers over the
versions: `day_offset` or `days_offset`, an `event_id` column from the API, a byte-order
mark, CRLF line ends. Header names are matched without regard to case, spaces or a
BOM. Every row is read and every problem collected (row numbers count the header as row
1), so a file is fixed in one go; `design_from_csv` refuses the whole design when any
problem is found, so nothing is half-applied.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

from formats.longitudinal.model import (
    INSTRUMENT,
    Arm,
    Design,
    Designation,
    DesignError,
    Event,
    Parsed,
    unique_event_name,
)

BOM = "\ufeff"
MAX_BYTES = 2 * 1024 * 1024

# Column -> the header spellings REDCap (and people editing its files) use.
ARM_COLUMNS = {"arm_num": ("arm_num", "arm", "arm_number"), "name": ("name", "arm_name")}
EVENT_COLUMNS = {
    "event_name": ("event_name", "event_label", "label"),
    "arm_num": ("arm_num", "arm", "arm_number"),
    "unique_event_name": ("unique_event_name",),
    "custom_event_label": ("custom_event_label",),
    "day_offset": ("day_offset", "days_offset"),
    "offset_min": ("offset_min",),
    "offset_max": ("offset_max",),
    "event_id": ("event_id",),
}
MAPPING_COLUMNS = {
    "arm_num": ("arm_num", "arm", "arm_number"),
    "unique_event_name": ("unique_event_name", "event_name"),
    "form": ("form", "form_name", "instrument", "instrument_name"),
}
REPEAT_COLUMNS = {
    "event_name": ("event_name", "unique_event_name"),
    "form_name": ("form_name", "form", "instrument"),
    "custom_form_label": ("custom_form_label",),
}


def _key(header: str) -> str:
    return "_".join(header.replace(BOM, "").strip().lower().replace("-", " ").split())


def _rows(
    text: str | bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], what: str
) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    """The rows as {column: cell}, with problems that stop the file and notices."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return [], [f"The {what} file is over 2 MB: is it the right file?"], []
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return [], [f"The {what} file is not UTF-8 text: save it as CSV (UTF-8)."], []
    try:
        records = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    except csv.Error as error:
        return [], [f"The {what} file is not valid CSV: {error}."], []
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        return [], [f"The {what} file is empty."], []
    positions: dict[str, int] = {}
    notices: list[str] = []
    for index, header in enumerate(records[0]):
        column = next((c for c, names in columns.items() if _key(header) in names), None)
        if column is None:
            notices.append(f"The {what} file's column {header.strip()!r} is not used here.")
        elif column not in positions:
            positions[column] = index
    missing = [c for c in required if c not in positions]
    if missing:
        found = ", ".join(h.strip() for h in records[0])
        return (
            [],
            [f"The {what} file needs the column(s) {', '.join(missing)}; it has {found}."],
            [],
        )
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in positions.items()}
        rows.append((number, cells))
    return rows, [], notices


def _whole(value: str, where: str, problems: list[str]) -> int:
    try:
        number = int(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a whole number.")
        return 0
    if number < 1:
        problems.append(f"{where}: {value!r} must be 1 or more.")
    return number


def _days(value: str, where: str, problems: list[str]) -> float:
    if not value:
        return 0.0
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > 100_000:
        problems.append(f"{where}: {value!r} is not a number of days.")
        return 0.0
    return number


def read_arms(text: str | bytes) -> Parsed[Arm]:
    rows, problems, notices = _rows(text, ARM_COLUMNS, ("arm_num", "name"), "arms")
    result: Parsed[Arm] = Parsed(problems=problems, notices=notices)
    for row, cells in rows:
        number = _whole(cells["arm_num"], f"Arms, row {row}, arm_num", result.problems)
        if not cells["name"]:
            result.problems.append(f"Arms, row {row}, name: the arm needs a name.")
        result.items.append(Arm(number=number, name=cells["name"][:200]))
    return result


def read_events(text: str | bytes) -> Parsed[Event]:
    rows, problems, notices = _rows(text, EVENT_COLUMNS, ("event_name", "arm_num"), "events")
    result: Parsed[Event] = Parsed(problems=problems, notices=notices)
    if rows and "event_id" in _present(rows):
        result.notices.append("The events file's event_id column is REDCap's own number: not used.")
    taken: set[str] = set()
    given = {c["unique_event_name"] for _, c in rows if c.get("unique_event_name")}
    for row, cells in rows:
        where = f"Events, row {row}"
        arm = _whole(cells["arm_num"], f"{where}, arm_num", result.problems)
        if not cells["event_name"]:
            result.problems.append(f"{where}, event_name: the event needs a name.")
        unique = cells.get("unique_event_name", "") or unique_event_name(
            cells["event_name"], arm, taken | given
        )
        taken.add(unique)
        result.items.append(
            Event(
                label=cells["event_name"],
                arm=arm,
                unique_name=unique,
                day_offset=_days(
                    cells.get("day_offset", ""), f"{where}, day_offset", result.problems
                ),
                offset_min=_days(
                    cells.get("offset_min", ""), f"{where}, offset_min", result.problems
                ),
                offset_max=_days(
                    cells.get("offset_max", ""), f"{where}, offset_max", result.problems
                ),
                custom_label=cells.get("custom_event_label", ""),
            )
        )
    return result


def _present(rows: list[tuple[int, dict[str, str]]]) -> set[str]:
    return set(rows[0][1]) if rows else set()


def read_designations(text: str | bytes) -> Parsed[tuple[int, int, Designation]]:
    """Rows of (arm, unique event name, form); the arm is checked against the event's."""
    rows, problems, notices = _rows(
        text, MAPPING_COLUMNS, ("unique_event_name", "form"), "instrument designations"
    )
    result: Parsed[tuple[int, int, Designation]] = Parsed(problems=problems, notices=notices)
    for row, cells in rows:
        where = f"Designations, row {row}"
        arm = 0
        if cells.get("arm_num"):
            arm = _whole(cells["arm_num"], f"{where}, arm_num", result.problems)
        if not INSTRUMENT.fullmatch(cells["form"]):
            result.problems.append(f"{where}, form: {cells['form']!r} is not an instrument name.")
        if not cells["unique_event_name"]:
            result.problems.append(f"{where}, unique_event_name: the event is missing.")
        result.items.append(
            (row, arm, Designation(event=cells["unique_event_name"], form=cells["form"]))
        )
    return result


def read_repeating(text: str | bytes) -> Parsed[tuple[int, str, str, str]]:
    """REDCap's repeatingFormsEvents: (event, form or blank for the whole event, label)."""
    rows, problems, notices = _rows(text, REPEAT_COLUMNS, ("event_name", "form_name"), "repeating")
    result: Parsed[tuple[int, str, str, str]] = Parsed(problems=problems, notices=notices)
    for row, cells in rows:
        result.items.append(
            (row, cells["event_name"], cells["form_name"], cells.get("custom_form_label", ""))
        )
    return result


def design_from_csv(
    *,
    arms: str | bytes | None = None,
    events: str | bytes,
    designations: str | bytes | None = None,
    repeating: str | bytes | None = None,
    instruments: list[str] | None = None,
) -> tuple[Design, list[str]]:
    """The design the files describe, with notices; DesignError listing every problem.

    Without an arms file, each arm number the events use becomes "Arm <n>" (a notice
    says so). `instruments` are the study's forms, to refuse designations of unknown ones.
    """
    arms_read = read_arms(arms) if arms is not None else None
    events_read = read_events(events)
    mapped_read = read_designations(designations) if designations is not None else None
    repeat_read = read_repeating(repeating) if repeating is not None else None
    parsed = [p for p in (arms_read, events_read, mapped_read, repeat_read) if p is not None]
    problems = [problem for p in parsed for problem in p.problems]
    notices = [notice for p in parsed for notice in p.notices]
    event_list: list[Event] = list(events_read.items)
    if arms_read is not None:
        arm_list: list[Arm] = list(arms_read.items)
    else:
        numbers = sorted({e.arm for e in event_list if e.arm > 0})
        arm_list = [Arm(number=n, name=f"Arm {n}") for n in numbers]
        if numbers:
            notices.append("No arms file: each arm is named Arm <number>.")
    by_name = {e.unique_name: e for e in event_list}
    mapped = _mapped(mapped_read, by_name, problems)
    event_list, mapped = _apply_repeating(repeat_read, event_list, mapped, problems)
    design = Design(arms=tuple(arm_list), events=tuple(event_list), designations=tuple(mapped))
    if not problems:  # row problems first: the design's own follow from them
        problems = design.problems(instruments)
    if problems:
        raise DesignError(problems)
    return design, notices


def _mapped(
    parsed: Parsed[tuple[int, int, Designation]] | None,
    by_name: dict[str, Event],
    problems: list[str],
) -> list[Designation]:
    if parsed is None:
        return []
    found = []
    for row, arm, designation in parsed.items:
        event = by_name.get(designation.event)
        if event is None:
            problems.append(
                f"Designations, row {row}, unique_event_name: there is no event "
                f"{designation.event!r} in the events file."
            )
        elif arm and arm != event.arm:
            problems.append(
                f"Designations, row {row}, arm_num: event {designation.event!r} is in arm "
                f"{event.arm}, not {arm}."
            )
        found.append(designation)
    return found


def _apply_repeating(
    parsed: Parsed[tuple[int, str, str, str]] | None,
    events: list[Event],
    mapped: list[Designation],
    problems: list[str],
) -> tuple[list[Event], list[Designation]]:
    if parsed is None:
        return events, mapped
    whole: set[str] = set()
    forms: dict[tuple[str, str], str] = {}
    names = {e.unique_name for e in events}
    for row, event, form, label in parsed.items:
        if event not in names:
            problems.append(f"Repeating, row {row}, event_name: there is no event {event!r}.")
        elif not form:
            whole.add(event)
        elif not any(d.event == event and d.form == form for d in mapped):
            problems.append(
                f"Repeating, row {row}, form_name: {form!r} is not designated to {event!r}."
            )
        else:
            forms[(event, form)] = label
    events = [replace(e, repeating=e.unique_name in whole) for e in events]
    mapped = [
        replace(
            d, repeating=(d.event, d.form) in forms, custom_label=forms.get((d.event, d.form), "")
        )
        for d in mapped
    ]
    return events, mapped
