"""A proposal's impact as JSON (`Impact.as_dict`): the API's answer and a version's
`summary`, each part named."""

from __future__ import annotations

from typing import TypedDict

Renamed = TypedDict("Renamed", {"from": str, "to": str, "values": int})
Moved = TypedDict("Moved", {"field": str, "from": str, "to": str, "values": int})
Pair = TypedDict("Pair", {"from": str, "to": str})


class Removed(TypedDict):
    field: str
    archive_key: str
    values: int


class Relabelled(TypedDict):
    code: str
    old_label: str
    new_label: str


class RecodeSummary(TypedDict):
    field: str
    old_field: str
    codes_in_use: dict[str, int]
    missing_mappings: list[str]
    relabelled: list[Relabelled]
    mapping: dict[str, str]


class InvalidRow(TypedDict):
    record: str
    instrument: str
    instance: int
    value: str
    error: str


class InvalidSummary(TypedDict):
    field: str
    change: str
    total: int
    records: list[InvalidRow]


class ReferenceSummary(TypedDict):
    field: str
    code: str
    before: str
    after: str
    problem: str
    check: str


class RuleSummary(TypedDict):
    field: str
    column: str
    before: str
    proposed: str
    after: str
    rewritten: bool
    renamed: list[Pair]
    references: list[ReferenceSummary]


class ImpactSummary(TypedDict):
    base_version: int
    version: int
    added: list[str]
    renamed: list[Renamed]
    moved: list[Moved]
    removed: list[Removed]
    rename_candidates: list[Pair]
    recodes: list[RecodeSummary]
    invalid: list[InvalidSummary]
    recalculated: list[str]
    logic: list[RuleSummary]
    problems: list[str]
