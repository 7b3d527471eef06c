"""REDCap's longitudinal design (arms, events, designations, repeating setup): pure, no Django."""

from formats.longitudinal.model import (
    Arm,
    Design,
    Designation,
    DesignError,
    Event,
    Parsed,
    unique_event_name,
)
from formats.longitudinal.reader import (
    design_from_csv,
    read_arms,
    read_designations,
    read_events,
    read_repeating,
)

__all__ = [
    "Arm",
    "Design",
    "DesignError",
    "Designation",
    "Event",
    "Parsed",
    "design_from_csv",
    "read_arms",
    "read_designations",
    "read_events",
    "read_repeating",
    "unique_event_name",
]
