"""What a REDCap project XML holds, as plain data (no Django here).

The dictionary is the one `formats.datadictionary` reads from CSV (the reader builds its
CSV rows and reads them there, so every check of an uploaded dictionary applies), and
the records are REDCap's flat rows (`record_columns`), as a records CSV would give them.
Arms, events, designations, data access groups and the repeating setup are REDCap's own
terms. What RadCollab does not apply is kept (`field_extras`, `kept`) so the writer
gives it back, and reported (`issues`), item by item.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import NamedTuple

from formats.datadictionary import DataDictionary
from formats.projectxml.tree import Node

EVENT_COLUMN = "redcap_event_name"
# The event name REDCap gives the repeating setup of a classic (not longitudinal) project.
CLASSIC_EVENT = "event_1_arm_1"


class Finding(NamedTuple):
    """Something at one line of the file: a problem, or what is kept but not applied."""

    line: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f", {self.where}" if self.where else ""
        return f"line {self.line}{where}: {self.message}"


class ProjectXmlError(ValueError):
    """Every problem that keeps the file from being read as a REDCap project."""

    def __init__(self, problems: tuple[Finding, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Arm:
    number: int
    name: str


@dataclass(frozen=True)
class Event:
    """A REDCap event: `unique_name` is what `redcap_event_name` holds (`baseline_arm_1`)."""

    unique_name: str
    name: str
    arm: int
    day_offset: str = ""
    offset_min: str = ""
    offset_max: str = ""
    custom_label: str = ""
    repeating: bool = False


@dataclass(frozen=True)
class Designation:
    """An instrument designated for an event."""

    arm: int
    event: str
    form: str


@dataclass(frozen=True)
class RepeatingForm:
    event: str
    form: str
    custom_label: str = ""


@dataclass(frozen=True)
class Project:
    title: str
    record_id_field: str
    dictionary: DataDictionary
    form_labels: tuple[tuple[str, str], ...] = ()
    arms: tuple[Arm, ...] = ()
    events: tuple[Event, ...] = ()
    designations: tuple[Designation, ...] = ()
    dags: tuple[str, ...] = ()
    repeating_forms: tuple[RepeatingForm, ...] = ()
    repeating_events: tuple[str, ...] = ()
    record_columns: tuple[str, ...] = ()
    records: tuple[dict[str, str], ...] = ()
    # Per field, the `redcap:` attributes of its ItemDef that RadCollab does not apply.
    field_extras: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # GlobalVariables elements RadCollab does not apply (surveys, alerts, reports, ...).
    kept: tuple[Node, ...] = ()
    issues: tuple[Finding, ...] = field(default=(), compare=False)
    # The dictionary as REDCap's CSV, as it was read (what a study stores).
    dictionary_csv: str = field(default="", compare=False)

    @property
    def longitudinal(self) -> bool:
        return bool(self.events)

    def form_label(self, form: str) -> str:
        return dict(self.form_labels).get(form) or form.replace("_", " ").capitalize()

    @property
    def record_ids(self) -> tuple[str, ...]:
        """The records' ids in the file's order, once each."""
        return tuple(dict.fromkeys(row[self.record_id_field] for row in self.records))

    def records_csv(self) -> str:
        """The records as REDCap's flat CSV (CRLF, no byte-order mark)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.record_columns)
        for row in self.records:
            writer.writerow([row.get(column, "") for column in self.record_columns])
        return buffer.getvalue()
