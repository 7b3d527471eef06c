"""Writing a design as REDCap's arms, events, designations and repeating-setup rows.

The rows are what REDCap's API answers for `content=arm|event|formEventMapping|
repeatingFormsEvents` (as JSON objects, or CSV with the same headers), and what its
Project Setup "download" buttons write, so a design goes back to REDCap unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from formats.longitudinal.model import Design


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def arm_rows(design: Design) -> list[dict[str, int | str]]:
    return [{"arm_num": a.number, "name": a.name} for a in design.arms]


def event_rows(design: Design) -> list[dict[str, int | float | str]]:
    """The events as REDCap's API answers them (JSON) or its CSV holds them."""
    return [
        {
            "event_name": e.label,
            "arm_num": e.arm,
            "unique_event_name": e.unique_name,
            "custom_event_label": e.custom_label,
            "days_offset": _number(e.day_offset),
            "offset_min": _number(e.offset_min),
            "offset_max": _number(e.offset_max),
        }
        for e in design.events
    ]


def mapping_rows(design: Design) -> list[dict[str, int | str]]:
    arm_of = {e.unique_name: e.arm for e in design.events}
    return [
        {"arm_num": arm_of.get(d.event, 0), "unique_event_name": d.event, "form": d.form}
        for d in design.designations
    ]


def repeating_rows(design: Design) -> list[dict[str, str]]:
    """Whole repeating events (blank form) and forms repeating within an event."""
    rows = [
        {"event_name": e.unique_name, "form_name": "", "custom_form_label": ""}
        for e in design.events
        if e.repeating
    ]
    rows += [
        {"event_name": d.event, "form_name": d.form, "custom_form_label": d.custom_label}
        for d in design.designations
        if d.repeating
    ]
    return rows


def to_csv(rows: Sequence[Mapping[str, object]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
