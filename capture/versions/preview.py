"""The impact of a proposal on the data, before anything changes (`impact`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from capture.logic import Stored
from capture.logic.changes import RuleChange, rule_changes
from capture.models import DictionaryVersion, Entry, Study
from capture.services import current_dictionary, read_dictionary
from capture.versions.reading import (
    ARCHIVE,
    CHOICE_TYPES,
    MAX_LISTED,
    applied_version,
    archive_key,
    archive_keys,
)
from capture.versions.summary import ImpactSummary, RuleSummary
from formats.datadictionary import (
    Field,
    FieldType,
)
from formats.records import check_value

# --- The impact of a proposal ---------------------------------------------------------


@dataclass(frozen=True)
class Fate:
    """What the proposal does to one field of the applied dictionary."""

    old: Field
    new: Field | None  # None: the field is removed and its values archived
    key: str  # the archive key for values set aside
    mapping: dict[str, str]  # old code -> new code or ARCHIVE
    check: bool  # type or validation changed: values are checked against `new`

    @property
    def trivial(self) -> bool:
        return (
            self.new is not None
            and self.new.name == self.old.name
            and self.new.form == self.old.form
            and not self.mapping
            and not self.check
        )


@dataclass
class Recode:
    field: str
    old_field: str
    counts: dict[str, int]  # values per old code no longer among the choices
    missing: list[str]  # codes in use, absent from the new choices, with no mapping
    relabelled: list[tuple[str, str, str]]  # code kept with another label: code, old, new
    mapping: dict[str, str]
    new_codes: list[tuple[str, str]]


@dataclass
class Invalid:
    field: str
    change: str
    rows: list[tuple[str, str, int, str, str]] = dataclasses.field(default_factory=list)
    total: int = 0


@dataclass
class Impact:
    """What applying the proposal would do to the existing data."""

    base: int  # the applied version number this was computed against
    number: int  # the proposed version number
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, int]] = field(default_factory=list)
    moved: list[tuple[str, str, str, int]] = field(default_factory=list)
    removed: list[tuple[str, str, int]] = field(default_factory=list)
    candidates: list[tuple[str, str]] = field(default_factory=list)
    recodes: list[Recode] = field(default_factory=list)
    invalid: list[Invalid] = field(default_factory=list)
    recalculated: list[str] = field(default_factory=list)
    logic: list[RuleChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rewritten(self) -> list[RuleChange]:
        """The rules applying rewrites to follow recoded choices."""
        return [rule for rule in self.logic if rule.rewritten]

    def refusals(self, *, archive_invalid: bool = False) -> list[str]:
        """Why applying is refused now; empty when it may go ahead."""
        found = list(self.problems)
        for recode in self.recodes:
            if recode.missing:
                codes = ", ".join(
                    f"{code} ({_values(recode.counts.get(code, 0))})" for code in recode.missing
                )
                several = len(recode.missing) > 1
                found.append(
                    f"{recode.field}: code{'s' if several else ''} {codes} "
                    f"{'are' if several else 'is'} not among the new choices; map each "
                    "to a new code or to 'archive'"
                )
        found += [
            f"{rule.field}, {rule.column} “{rule.proposed}”: {dead.problem}; map code "
            f"{dead.code} of {dead.field} to a new code (the rule is then rewritten), "
            "or change the rule"
            for rule in self.logic
            for dead in rule.dead
        ]
        if not archive_invalid:
            for bad in self.invalid:
                found.append(
                    f"{bad.field}: {_values(bad.total)} {'is' if bad.total == 1 else 'are'} "
                    "invalid after the change "
                    f"({bad.change}); fix them or confirm that they are archived"
                )
        return found

    def as_dict(self) -> ImpactSummary:
        return {
            "base_version": self.base,
            "version": self.number,
            "added": self.added,
            "renamed": [{"from": o, "to": n, "values": c} for o, n, c in self.renamed],
            "moved": [{"field": f, "from": a, "to": b, "values": c} for f, a, b, c in self.moved],
            "removed": [{"field": f, "archive_key": k, "values": c} for f, k, c in self.removed],
            "rename_candidates": [{"from": o, "to": n} for o, n in self.candidates],
            "recodes": [
                {
                    "field": r.field,
                    "old_field": r.old_field,
                    "codes_in_use": r.counts,
                    "missing_mappings": r.missing,
                    "relabelled": [
                        {"code": c, "old_label": a, "new_label": b} for c, a, b in r.relabelled
                    ],
                    "mapping": r.mapping,
                }
                for r in self.recodes
            ],
            "invalid": [
                {
                    "field": i.field,
                    "change": i.change,
                    "total": i.total,
                    "records": [
                        {"record": r, "instrument": f, "instance": n, "value": v, "error": e}
                        for r, f, n, v, e in i.rows
                    ],
                }
                for i in self.invalid
            ],
            "recalculated": self.recalculated,
            "logic": [_rule_dict(rule) for rule in self.logic],
            "problems": self.problems,
        }


def _rule_dict(rule: RuleChange) -> RuleSummary:
    return {
        "field": rule.field,
        "column": rule.column,
        "before": rule.before,
        "proposed": rule.proposed,
        "after": rule.after,
        "rewritten": rule.rewritten,
        "renamed": [{"from": old, "to": new} for old, new in rule.renamed],
        "references": [
            {
                "field": r.field,
                "code": r.code,
                "before": r.before,
                "after": r.after,
                "problem": r.problem,
                "check": r.check,
            }
            for r in rule.references
        ],
    }


def _values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"


def parse_renames(text: str) -> dict[str, str]:
    """`old -> new` (or `old → new`, `old, new`, `old:new`) one pair a line or comma-separated."""
    renames: dict[str, str] = {}
    for chunk in text.replace(";", "\n").splitlines():
        pair = chunk.strip()
        if not pair:
            continue
        for arrow in ("->", "→", "=>", ":", ","):
            if arrow in pair:
                old, _, new = pair.partition(arrow)
                break
        else:
            raise ValidationError(f"{pair!r}: write a rename as old -> new")
        renames[old.strip()] = new.strip()
    return renames


def _describe_type(f: Field) -> str:
    return f"{f.field_type}" + (f" ({f.validation})" if f.validation else "")


def _type_changed(old: Field, new: Field) -> bool:
    if new.field_type == FieldType.CALC and old.field_type == FieldType.CALC:
        return False
    if old.field_type != new.field_type or old.validation != new.validation:
        return True
    ranged = new.field_type == FieldType.SLIDER
    return ranged and (old.validation_min, old.validation_max) != (
        new.validation_min,
        new.validation_max,
    )


def _plan(
    old: tuple[Field, ...],
    new: tuple[Field, ...],
    renames: dict[str, str],
    mappings: dict[str, dict[str, str]],
    base: int,
    impact: Impact,
) -> dict[str, Fate]:
    """Each old field's fate; problems with the stated renames and mappings go to `impact`."""
    old_by = {f.name: f for f in old}
    new_by = {f.name: f for f in new}
    targets: dict[str, str] = {}
    for source, target in renames.items():
        if source not in old_by:
            impact.problems.append(f"rename {source} -> {target}: {source} is no field of v{base}")
        elif target not in new_by:
            impact.problems.append(
                f"rename {source} -> {target}: {target} is no field of the new dictionary"
            )
        elif source in new_by and source not in renames.values():
            impact.problems.append(
                f"rename {source} -> {target}: {source} is still in the new dictionary; "
                "a field cannot be both kept and renamed"
            )
        elif target in targets.values():
            impact.problems.append(f"rename {source} -> {target}: {target} is renamed to twice")
        elif target in old_by and target not in renames:
            impact.problems.append(
                f"rename {source} -> {target}: {target} already holds its own values"
            )
        else:
            targets[source] = target
    fates: dict[str, Fate] = {}
    for f in old:
        name = targets.get(f.name, f.name if f.name not in renames else None)
        becomes = new_by.get(name) if name else None
        mapping = dict(mappings.get(becomes.name, {})) if becomes is not None else {}
        fates[f.name] = Fate(
            old=f,
            new=becomes,
            key=archive_key(f.name, base),
            mapping={k: v for k, v in mapping.items() if v != k},
            check=becomes is not None and _type_changed(f, becomes),
        )
    for name in mappings:
        if name not in new_by:
            impact.problems.append(f"mapping for {name}: no such field in the new dictionary")
    return fates


def _candidates(
    fates: dict[str, Fate], new: tuple[Field, ...], taken: set[str]
) -> list[tuple[str, str]]:
    """Removed and added fields that look like one renamed: same type and label or choices."""
    added = [f for f in new if f.name not in taken]
    pairs = []
    for fate in fates.values():
        if fate.new is not None:
            continue
        for candidate in added:
            same_type = candidate.field_type == fate.old.field_type
            same_label = candidate.plain_label.lower() == fate.old.plain_label.lower()
            same_choices = bool(candidate.choices) and candidate.choices == fate.old.choices
            if same_type and (same_label or same_choices):
                pairs.append((fate.old.name, candidate.name))
                added.remove(candidate)
                break
    return pairs


def _present(value: Stored) -> bool:
    return bool(value) if isinstance(value, list) else value not in (None, "")


def _blank(f: Field) -> Stored:
    return [] if f.field_type == FieldType.CHECKBOX else ""


def convert(fate: Fate, value: Stored, now: datetime) -> tuple[Stored, Stored | None, str | None]:
    """(new value, the part set aside or None, the error if the value is invalid)."""
    assert fate.new is not None
    original = value
    archived: Stored | None = None
    if fate.mapping and isinstance(value, list):
        kept: set[str] = {str(fate.mapping.get(code, code)) for code in value} - {ARCHIVE}
        archived = [code for code in value if fate.mapping.get(code) == ARCHIVE] or None
        order = [c.code for c in fate.new.effective_choices]
        # Two codes mapped to one tick it once, in the new choices' order.
        value = [code for code in order if code in kept] + sorted(kept - set(order))
    elif fate.mapping and isinstance(value, str) and value in fate.mapping:
        value = fate.mapping[value]
        if value == ARCHIVE:
            archived, value = original, ""
    if fate.new.field_type == FieldType.CALC and fate.old.field_type == FieldType.CALC:
        return value, archived, None
    if fate.check and _present(value):
        text = ",".join(value) if isinstance(value, list) else str(value)
        checked = check_value(fate.new, text, today=now.date(), now=now)
        if checked.error:
            return _blank(fate.new), original, checked.error
        if fate.new.field_type == FieldType.CHECKBOX:
            value = [code for code in checked.value.split(",") if code]
        else:
            value = checked.value
    elif fate.new.field_type == FieldType.CHECKBOX and isinstance(value, str):
        value = [value] if value else []
    elif fate.new.field_type != FieldType.CHECKBOX and isinstance(value, list):
        value = ",".join(value)
    return value, archived, None


def impact(
    study: Study,
    version: DictionaryVersion,
    *,
    renames: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
) -> Impact:
    """What applying `version` (a proposal) would do to the study's existing data."""
    base = applied_version(study)
    new_dictionary, _, _ = read_dictionary(version.csv)
    new = new_dictionary.fields
    old = current_dictionary(study).fields
    result = Impact(base=base.number, number=version.number)
    renames = version.renames if renames is None else renames
    mappings = version.mappings if mappings is None else mappings
    fates = _plan(old, new, renames, mappings, base.number, result)
    kept = {fate.new.name for fate in fates.values() if fate.new is not None}
    result.added = [f.name for f in new if f.name not in kept]
    result.candidates = _candidates(fates, new, kept)
    result.problems += _live_problems(study, new)
    keys = {fate.key for fate in fates.values()}
    result.problems += [
        f"{f.name}: is the archive key of {f.name.rsplit('__v', 1)[0]} in this version; "
        "choose another name"
        for f in new
        if f.name in keys
    ]
    counts, invalid, code_counts = _scan(study, fates, result)
    for fate in fates.values():
        _describe_fate(fate, counts.get(fate.old.name, 0), code_counts, result)
    result.invalid = [bad for bad in invalid.values() if bad.total]
    result.logic = _rules(fates, old, new)
    return result


def _rules(
    fates: dict[str, Fate], old: tuple[Field, ...], new: tuple[Field, ...]
) -> list[RuleChange]:
    """The rules that read a renamed field or a recoded choice, and how applying leaves them."""
    kept = [(fate.old.name, fate.new.name, fate.mapping) for fate in fates.values() if fate.new]
    names = {old_name: new_name for old_name, new_name, _ in kept}
    mappings = {new_name: mapping for _, new_name, mapping in kept}
    return rule_changes(old, new, names, mappings)


def _live_problems(study: Study, new: tuple[Field, ...]) -> list[str]:
    problems = [
        f"{f.name}: flagged as an identifier (Identifier? = y); RadCollab stores no "
        "patient identifiers"
        for f in new
        if f.identifier
    ]
    if not study.allow_file_fields:
        problems += [
            f"{f.name}: file-upload fields need the admin's permission in a live study"
            for f in new
            if f.field_type == FieldType.FILE
        ]
    taken = archive_keys(study)
    problems += [
        f"{f.name}: is the name of archived values; choose another name"
        for f in new
        if f.name in taken
    ]
    return problems


def _describe_fate(
    fate: Fate, values: int, code_counts: dict[str, dict[str, int]], result: Impact
) -> None:
    old, new = fate.old, fate.new
    if new is None:
        result.removed.append((old.name, fate.key, values))
        return
    if new.name != old.name:
        result.renamed.append((old.name, new.name, values))
    if new.form != old.form:
        result.moved.append((new.name, old.form, new.form, values))
    if (
        old.field_type == FieldType.CALC
        and new.field_type == FieldType.CALC
        and old.calculation != new.calculation
    ):
        result.recalculated.append(new.name)
    if old.field_type in CHOICE_TYPES and new.field_type in CHOICE_TYPES:
        recode = _recode(fate, code_counts.get(old.name, {}), result)
        if recode is not None:
            result.recodes.append(recode)
    elif fate.mapping:
        result.problems.append(
            f"mapping for {new.name}: only a field with choices before and after is recoded"
        )


def _recode(fate: Fate, used: dict[str, int], result: Impact) -> Recode | None:
    assert fate.new is not None
    old_labels = {c.code: c.label for c in fate.old.effective_choices}
    new_labels = {c.code: c.label for c in fate.new.effective_choices}
    for code, target in fate.mapping.items():
        if code not in old_labels:
            result.problems.append(
                f"mapping for {fate.new.name}: {code} is not a code of {fate.old.name} "
                f"in v{result.base}"
            )
        elif target != ARCHIVE and target not in new_labels:
            result.problems.append(
                f"mapping for {fate.new.name}: {code} -> {target}, but {target} is not one "
                f"of the new codes ({', '.join(new_labels)}) or 'archive'"
            )
    gone = [code for code in old_labels if code not in new_labels]
    relabelled = [
        (code, label, new_labels[code])
        for code, label in old_labels.items()
        if code in new_labels and new_labels[code].lower() != label.lower()
    ]
    if not gone and not relabelled and not fate.mapping:
        return None
    missing = [code for code in gone if used.get(code) and code not in fate.mapping]
    return Recode(
        field=fate.new.name,
        old_field=fate.old.name,
        counts={code: used.get(code, 0) for code in old_labels},
        missing=missing,
        relabelled=relabelled,
        mapping=fate.mapping,
        new_codes=list(new_labels.items()),
    )


def _scan(
    study: Study, fates: dict[str, Fate], result: Impact
) -> tuple[dict[str, int], dict[str, Invalid], dict[str, dict[str, int]]]:
    """Count each old field's values (and codes), and list values the change makes invalid."""
    counts: dict[str, int] = {}
    code_counts: dict[str, dict[str, int]] = {}
    invalid = {
        f.new.name: Invalid(f.new.name, f"{_describe_type(f.old)} → {_describe_type(f.new)}")
        for f in fates.values()
        if f.new is not None and f.check
    }
    repeating = set(study.repeating_instruments)
    by_form: dict[str, list[Fate]] = {}
    for fate in fates.values():
        by_form.setdefault(fate.old.form, []).append(fate)
    now = timezone.now()
    entries = (
        Entry.objects.filter(record__study=study, instrument__in=list(by_form))
        .order_by("record__study_site__code", "record__number", "instrument", "instance")
        .values_list("record__label", "instrument", "instance", "data")
    )
    moved_from_repeats: set[str] = set()
    for label, instrument, instance, data in entries.iterator(chunk_size=2_000):
        for fate in by_form.get(instrument, ()):
            value = data.get(fate.old.name)
            if not _present(value):
                continue
            counts[fate.old.name] = counts.get(fate.old.name, 0) + 1
            if fate.old.field_type in CHOICE_TYPES:
                tally = code_counts.setdefault(fate.old.name, {})
                for code in value if isinstance(value, list) else [value]:
                    tally[code] = tally.get(code, 0) + 1
            if fate.new is None:
                continue
            if instance > 1 and fate.new.form != instrument and fate.new.form not in repeating:
                moved_from_repeats.add(fate.new.name)
            if fate.check:
                _, _, error = convert(fate, value, now)
                if error:
                    bad = invalid[fate.new.name]
                    bad.total += 1
                    if len(bad.rows) < MAX_LISTED:
                        shown = ",".join(value) if isinstance(value, list) else str(value)
                        bad.rows.append((label, instrument, instance, shown, error))
    result.problems += [
        f"{name}: moves from a repeating instrument to one that does not repeat, and "
        "records hold it in instances after the first; move it to a repeating instrument"
        for name in sorted(moved_from_repeats)
    ]
    return counts, invalid, code_counts
