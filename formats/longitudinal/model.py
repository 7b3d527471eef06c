"""A longitudinal design as REDCap defines it: arms, events, designations, repeating setup.

Pure data (no Django): the CSV readers build a `Design`, `capture.longitudinal` applies
one to a study, and a dictionary version keeps one as a dict (`as_dict`/`from_dict`).
Event names follow REDCap: an event's *unique* name, the one `redcap_event_name` holds,
is `<event>_arm_<n>` (see `unique_event_name`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypedDict, TypeVar

MAX_UNIQUE = 100
MAX_LABEL = 200
# REDCap cuts the event part of a unique name to 18 characters before `_arm_<n>`.
EVENT_PART = 18
UNIQUE_NAME = re.compile(r"[a-z0-9][a-z0-9_]*")
INSTRUMENT = re.compile(r"[a-z][a-z0-9_]*")


class DesignError(ValueError):
    """A design that cannot be applied; `problems` says every reason, each naming its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Arm:
    number: int
    name: str


@dataclass(frozen=True)
class Event:
    label: str  # REDCap's event_name: what people read
    arm: int
    unique_name: str  # REDCap's unique_event_name: what redcap_event_name holds
    day_offset: float = 0.0
    offset_min: float = 0.0
    offset_max: float = 0.0
    custom_label: str = ""
    repeating: bool = False  # the whole event repeats


@dataclass(frozen=True)
class Designation:
    event: str  # unique event name
    form: str
    repeating: bool = False  # the form repeats within the event
    custom_label: str = ""


class ArmDict(TypedDict):
    number: int
    name: str


class EventDict(TypedDict):
    label: str
    arm: int
    unique_name: str
    day_offset: float
    offset_min: float
    offset_max: float
    custom_label: str
    repeating: bool


class DesignationDict(TypedDict):
    event: str
    form: str
    repeating: bool
    custom_label: str


class DesignDict(TypedDict, total=False):
    """A design as a dictionary version keeps it (JSON); `from_dict` takes any part missing."""

    arms: list[ArmDict]
    events: list[EventDict]
    designations: list[DesignationDict]


@dataclass(frozen=True)
class Design:
    arms: tuple[Arm, ...] = ()
    events: tuple[Event, ...] = ()
    designations: tuple[Designation, ...] = ()

    @property
    def longitudinal(self) -> bool:
        return bool(self.events)

    def event(self, unique_name: str) -> Event | None:
        return next((e for e in self.events if e.unique_name == unique_name), None)

    def forms_of(self, unique_name: str) -> list[str]:
        return [d.form for d in self.designations if d.event == unique_name]

    def problems(self, instruments: list[str] | None = None) -> list[str]:
        """Every reason the design is inconsistent; `instruments` are the study's forms."""
        found: list[str] = []
        arms = [a.number for a in self.arms]
        found += [
            f"Arm {n} is defined twice." for n in sorted({n for n in arms if arms.count(n) > 1})
        ]
        for arm in self.arms:
            if not arm.name.strip():
                found.append(f"Arm {arm.number} has no name.")
        names = [e.unique_name for e in self.events]
        for event in self.events:
            found += _event_problems(event, set(arms), names)
        pairs: set[tuple[str, str]] = set()
        known = set(instruments) if instruments is not None else None
        for d in self.designations:
            where = f"Designation of {d.form!r} to {d.event!r}"
            if d.event not in names:
                found.append(f"{where}: there is no event {d.event!r}.")
            if known is not None and d.form not in known:
                found.append(f"{where}: the study has no instrument {d.form!r}.")
            if (d.event, d.form) in pairs:
                found.append(f"{where}: given twice.")
            pairs.add((d.event, d.form))
        if self.events and not self.arms:
            found.append("Events need an arm: define arm 1 at least.")
        return found

    def as_dict(self) -> DesignDict:
        return {
            "arms": [{"number": a.number, "name": a.name} for a in self.arms],
            "events": [
                {
                    "label": e.label,
                    "arm": e.arm,
                    "unique_name": e.unique_name,
                    "day_offset": e.day_offset,
                    "offset_min": e.offset_min,
                    "offset_max": e.offset_max,
                    "custom_label": e.custom_label,
                    "repeating": e.repeating,
                }
                for e in self.events
            ],
            "designations": [
                {
                    "event": d.event,
                    "form": d.form,
                    "repeating": d.repeating,
                    "custom_label": d.custom_label,
                }
                for d in self.designations
            ],
        }

    @classmethod
    def from_dict(cls, data: DesignDict) -> Design:
        return cls(
            arms=tuple(Arm(**a) for a in data.get("arms", [])),
            events=tuple(Event(**e) for e in data.get("events", [])),
            designations=tuple(Designation(**d) for d in data.get("designations", [])),
        )


def _event_problems(event: Event, arms: set[int], names: list[str]) -> list[str]:
    where = f"Event {event.unique_name or event.label!r}"
    found: list[str] = []
    if not event.label.strip():
        found.append(f"{where}: it has no name.")
    if len(event.label) > MAX_LABEL:
        found.append(f"{where}: its name is longer than {MAX_LABEL} characters.")
    if not UNIQUE_NAME.fullmatch(event.unique_name) or len(event.unique_name) > MAX_UNIQUE:
        found.append(
            f"{where}: the unique event name must be lower-case letters, digits and "
            f"underscores (at most {MAX_UNIQUE}), like baseline_arm_1."
        )
    if names.count(event.unique_name) > 1:
        found.append(f"{where}: the unique event name is used twice.")
    if event.arm not in arms:
        found.append(f"{where}: there is no arm {event.arm}.")
    if event.offset_min < 0 or event.offset_max < 0:
        found.append(f"{where}: the window before and after the day offset cannot be negative.")
    return found


def unique_event_name(label: str, arm: int, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The unique name REDCap gives an event: its name in lower case, letters and digits
    joined by `_`, cut to 18 characters, then `_arm_<n>`; a clash gets `b`, `c`, ... after."""
    part = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:EVENT_PART].rstrip("_")
    base = f"{part or 'event'}_arm_{arm}"
    name, suffix = base, ord("a")
    while name in taken:
        suffix += 1
        name = f"{base}{chr(suffix)}"
    return name


Item = TypeVar("Item")


@dataclass
class Parsed(Generic[Item]):
    """What a reader found: the items read and every problem, each naming row and column."""

    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
