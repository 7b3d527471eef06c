"""Column names of REDCap's flat records CSV, shared by the reader and the exporters."""

from __future__ import annotations

import re
from enum import IntEnum

from formats.datadictionary import Field

REPEAT_INSTRUMENT_COLUMN = "redcap_repeat_instrument"
REPEAT_INSTANCE_COLUMN = "redcap_repeat_instance"
DAG_COLUMN = "redcap_data_access_group"
EVENT_COLUMN = "redcap_event_name"  # a longitudinal study's event: `<event>_arm_<n>`
STATUS_SUFFIX = "_complete"

# REDCap lower-cases a checkbox code and turns anything but a letter, digit or underscore
# into an underscore when it names the option's column: code "-1" of `pain` is `pain____1`.
_UNSAFE = re.compile(r"[^a-z0-9_]")


class Status(IntEnum):
    """An instrument's completion status, as REDCap codes it in `<form>_complete`."""

    INCOMPLETE = 0
    UNVERIFIED = 1
    COMPLETE = 2


STATUS_LABELS: dict[Status, str] = {
    Status.INCOMPLETE: "Incomplete",
    Status.UNVERIFIED: "Unverified",
    Status.COMPLETE: "Complete",
}


def checkbox_column(field: Field, code: str) -> str:
    """The flat-CSV column of one checkbox option: `findings___2`."""
    return f"{field.name}___{_UNSAFE.sub('_', code.lower())}"


def status_column(form: str) -> str:
    return f"{form}{STATUS_SUFFIX}"
