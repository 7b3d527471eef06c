"""Dictionary versions after go-live: a change is previewed against the data, then applied.

A study that holds data (a live or closed study, or one in design with entries) never has
its dictionary replaced in place. A new dictionary, uploaded or built in the form builder,
becomes the study's one *proposed* version. `impact()` compares it with the applied
version and reads the existing values to say what would happen to them:

- a **renamed** field carries its values over (renames are stated by the admin as
  old → new pairs; likely pairs are offered as `candidates`, never applied unasked);
- a field **moved** to another instrument takes its values with it;
- a **removed** field's values are archived: kept in `Entry.data` under the archive key
  `<field>__v<n>` (n, the version that defined it), exportable and shown by the API;
- a **recoded** choice (a code in use that the new choices lack) needs a mapping,
  old code → new code or `"archive"`; applying without one is refused;
- a **type change** that makes values invalid lists the records affected; applying
  archives those values only when the admin says so (`archive_invalid`);
- every **branching logic and calculation** that reads a renamed field or a recoded code
  is listed (`Impact.logic`). A rule written for the old codes is rewritten through
  the logic parser with the mapping (`[modality] = '2'` becomes `[modality] = '20'`),
  shown before and after; one that would be left dead (a code gone with no new code to
  go to, or archived) refuses the apply, naming the field, the rule and the code.

`version_apply()` does all of it in one transaction, the rewritten rules included, with
the study's records locked so no save interleaves, one audit row per changed entry (old
and new values) and one for the version, all scoped to the study. Nothing is deleted: a
value either moves, is mapped, or goes to the archive.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, unsaved_event
from capture.logic import changes as logic_changes
from capture.logic.changes import RuleChange, rule_changes
from capture.models import Designation, DictionaryVersion, Entry, Record, Study
from capture.services import audit_scope, current_dictionary, read_dictionary
from core.exceptions import EditConflict
from formats.datadictionary import (
    DataDictionary,
    Field,
    FieldType,
    Issue,
    read_data_dictionary,
    write_data_dictionary,
)
from formats.datadictionary import columns as dd_columns
from formats.records import check_value

ARCHIVE = logic_changes.ARCHIVE
CHOICE_TYPES = frozenset(
    {
        FieldType.DROPDOWN,
        FieldType.RADIO,
        FieldType.CHECKBOX,
        FieldType.YESNO,
        FieldType.TRUEFALSE,
    }
)
MAX_LISTED = 200  # invalid values listed per field; the total is always given
BATCH = 1_000
MAX_CSV_CHARS = 2 * 1024 * 1024


def archive_key(name: str, version: int) -> str:
    """Where a value set aside by a version is kept: `<field>__v<version that defined it>`."""
    return f"{name}__v{version}"


def digest(csv_text: str) -> str:
    """A short fingerprint of a dictionary's text: what a preview or a form was made from."""
    return hashlib.sha256(csv_text.encode()).hexdigest()[:16]


# --- Reading versions -----------------------------------------------------------------


def applied_version(study: Study) -> DictionaryVersion:
    version = (
        study.versions.filter(state=DictionaryVersion.State.APPLIED).order_by("-number").first()
    )
    if version is None:
        raise ValidationError("The study has no data dictionary yet.")
    return version


def proposal_of(study: Study) -> DictionaryVersion | None:
    return study.versions.filter(state=DictionaryVersion.State.PROPOSED).first()


def needs_versioning(study: Study) -> bool:
    """Whether a change must be previewed and applied: the study is live or holds data."""
    return study.status != Study.Status.DESIGN or Entry.objects.filter(record__study=study).exists()


def _fields(csv_text: str) -> tuple[Field, ...]:
    return read_data_dictionary(csv_text).dictionary.fields


def archived_fields(study: Study) -> list[Field]:
    """The definitions of archived values, named by their archive keys, in the order set aside.

    Each copies the field as the version that held it defined it (type, choices and labels
    still describe the archived codes), without logic, so exports can label it.
    """
    versions = study.versions.filter(state=DictionaryVersion.State.APPLIED).order_by("number")
    sources: dict[int, dict[str, Field]] = {}
    found: list[Field] = []
    for archived in versions.values_list("archived", flat=True):
        for key, origin in (archived or {}).items():
            number = int(origin["version"])
            if number not in sources:
                old = study.versions.filter(number=number).values_list("csv", flat=True).first()
                sources[number] = {f.name: f for f in _fields(old or "")} if old else {}
            source = sources[number].get(origin["field"])
            if source is not None:
                found.append(
                    replace(
                        source,
                        name=key,
                        label=f"{source.plain_label} [archived from v{number}]",
                        branching_logic="",
                        required=False,
                    )
                )
    return found


def archive_keys(study: Study) -> set[str]:
    keys: set[str] = set()
    for archived in study.versions.values_list("archived", flat=True):
        keys.update(archived or {})
    return keys


def export_dictionary(study: Study, *, archived: bool = False) -> DataDictionary:
    """The fields an export writes: the applied dictionary, then archived values if asked."""
    fields = list(current_dictionary(study).fields)
    if archived:
        fields += archived_fields(study)
    return DataDictionary(tuple(fields))


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

    def as_dict(self) -> dict[str, Any]:
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


def _rule_dict(rule: RuleChange) -> dict[str, Any]:
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


def _candidates(fates: dict[str, Fate], new: tuple[Field, ...], taken: set[str]) -> list[Any]:
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


def _present(value: Any) -> bool:
    return bool(value) if isinstance(value, list) else value not in (None, "")


def _blank(f: Field) -> Any:
    return [] if f.field_type == FieldType.CHECKBOX else ""


def convert(fate: Fate, value: Any, now: Any) -> tuple[Any, Any, str | None]:
    """(new value, the part set aside or None, the error if the value is invalid)."""
    assert fate.new is not None
    original, archived = value, None
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


# --- Changing the dictionary ----------------------------------------------------------


@transaction.atomic
def dictionary_change(
    *,
    actor: Any,
    study: Study,
    csv_text: str,
    note: str = "",
    base: str | None = None,
    keep_plan: bool = False,
) -> tuple[DictionaryVersion, tuple[Issue, ...]]:
    """A new dictionary for the study: in design without data it replaces the draft;
    otherwise it becomes (or replaces) the study's proposed version, to be previewed.

    `base` is the fingerprint of the dictionary text the person started from (the
    draft or the proposal); a change made from a stale one raises EditConflict. A new
    text clears the proposal's renames and mappings unless `keep_plan` (the builder's
    edits keep them, an upload states them afresh).
    """
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.status == Study.Status.CLOSED:
        raise ValidationError({"dictionary": "The study is closed: its dictionary is final."})
    if len(csv_text) > MAX_CSV_CHARS:
        raise ValidationError({"dictionary": "The dictionary is over 2 MB: is it the right file?"})
    _, issues, _ = read_dictionary(csv_text)
    if not needs_versioning(study):
        return _replace_draft(actor, study, csv_text, note, base), issues
    proposal = proposal_of(study)
    working = proposal.csv if proposal else applied_version(study).csv
    _check_base(working, base)
    if proposal is None:
        applied = applied_version(study)
        proposal = DictionaryVersion(
            study=study,
            number=applied.number + 1,
            state=DictionaryVersion.State.PROPOSED,
            design=applied.design,  # the events in use go on with the new dictionary
        )
    previous = digest(proposal.csv) if proposal.pk else None
    proposal.csv, proposal.note, proposal.created_by = csv_text, note[:300], actor
    if not keep_plan:
        proposal.renames, proposal.mappings = {}, {}
    if proposal.pk:
        proposal.save(update_fields=["csv", "note", "created_by", "renames", "mappings"])
    else:
        proposal.save()
    audit_record(
        actor=actor,
        action="dictionary.propose",
        obj=study,
        changes={"proposed_version": (previous, f"v{proposal.number} {digest(csv_text)}")},
        reason=note,
        scope=audit_scope(study),
    )
    return proposal, issues


def _check_base(working: str, base: str | None) -> None:
    if base is not None and base != digest(working):
        raise EditConflict(
            "Someone changed the data dictionary since you opened it: reload and make "
            "your change again.",
            current={},
            version=0,
        )


def _replace_draft(
    actor: Any, study: Study, csv_text: str, note: str, base: str | None
) -> DictionaryVersion:
    draft = applied_version(study)
    _check_base(draft.csv, base)
    dead = dead_rules(draft.csv, csv_text) + designated_missing(study, csv_text)
    if dead:
        raise ValidationError({"dictionary": dead})
    before = digest(draft.csv)
    draft.csv = csv_text
    draft.note = note[:300] or draft.note
    draft.save(update_fields=["csv", "note"])
    audit_record(
        actor=actor,
        action="dictionary.replace",
        obj=study,
        changes={"dictionary": (before, digest(csv_text))},
        reason=note,
        scope=audit_scope(study),
    )
    return draft


def designated_missing(study: Study, csv_text: str) -> list[str]:
    """Forms a longitudinal study's events collect that a new dictionary no longer has."""
    designated = Designation.objects.filter(event__study=study).values_list(
        "instrument", "event__unique_name"
    )
    if not designated:
        return []
    forms = {f.form for f in _fields(csv_text)}
    return [
        f"The form {form} is collected at the event {event}: keep it, or stop collecting it "
        "there first (Events and arms)."
        for form, event in designated
        if form not in forms
    ]


def _moves_off_events(study: Study, fates: dict[str, Fate]) -> list[str]:
    """Fields moving to a form that is not collected at an event where records hold them:
    in a longitudinal study a value moves within its event, so the new form must be there."""
    moving = [f for f in fates.values() if f.new is not None and f.new.form != f.old.form]
    if not moving:
        return []
    forms_at: dict[str, set[str]] = {}
    for event, form in Designation.objects.filter(event__study=study).values_list(
        "event__unique_name", "instrument"
    ):
        forms_at.setdefault(event, set()).add(form)
    held = Entry.objects.filter(record__study=study, event__isnull=False)
    found = []
    for fate in moving:
        assert fate.new is not None
        events = (
            held.filter(instrument=fate.old.form, data__has_key=fate.old.name)
            .values_list("event__unique_name", flat=True)
            .distinct()
        )
        found += [
            f"{fate.old.name} moves to the form {fate.new.form}, which is not collected at the "
            f"event {event} where records hold it: designate {fate.new.form} there first."
            for event in sorted(events)
            if fate.new.form not in forms_at.get(event, set())
        ]
    return found


def dead_rules(old_csv: str, new_csv: str) -> list[str]:
    """Rules a draft keeps that read a choice code the new text no longer has.

    A draft has no data and so no mappings: the rule is named for the designer to change.
    """
    old, _, _ = read_dictionary(old_csv)
    new, _, _ = read_dictionary(new_csv)
    kept = {f.name for f in new.fields}
    names = {f.name: f.name for f in old.fields if f.name in kept}
    return [
        f"{rule.field}, {rule.column} “{rule.proposed}”: {dead.problem}; change the rule "
        "or keep the code"
        for rule in rule_changes(old.fields, new.fields, names, {})
        for dead in rule.dead
    ]


@transaction.atomic
def proposal_plan(
    *,
    actor: Any,
    version: DictionaryVersion,
    renames: dict[str, str],
    mappings: dict[str, dict[str, str]],
) -> DictionaryVersion:
    """Store the admin's renames and mappings on the proposal (checked on preview and apply)."""
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("That version is no longer a proposal.")
    version.renames = {str(k): str(v) for k, v in renames.items()}
    version.mappings = {
        str(name): {str(code): str(target) for code, target in codes.items()}
        for name, codes in mappings.items()
    }
    version.save(update_fields=["renames", "mappings"])
    return version


@transaction.atomic
def proposal_discard(*, actor: Any, version: DictionaryVersion) -> None:
    """Drop a proposal that was never applied (the applied version and all data stay)."""
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("Only a proposed version can be discarded.")
    study = version.study
    audit_record(
        actor=actor,
        action="dictionary.discard",
        obj=study,
        changes={"proposed_version": (f"v{version.number} {digest(version.csv)}", None)},
        scope=audit_scope(study),
    )
    version.delete()


@transaction.atomic
def version_apply(
    *,
    actor: Any,
    version: DictionaryVersion,
    expected: str,
    archive_invalid: bool = False,
) -> Impact:
    """Apply a proposal: move, map and archive values, then make it the version in use.

    `expected` is the fingerprint of the proposal the person previewed: if the proposal
    or the applied version changed since, EditConflict. Refused with every reason
    (ValidationError naming fields and codes) while mappings are missing, renames are
    wrong, or values would become invalid without `archive_invalid`.
    """
    study = Study.objects.select_for_update().get(pk=version.study_id)
    version = DictionaryVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("That version is no longer a proposal.")
    if digest(version.csv) != expected or version.number != applied_version(study).number + 1:
        raise EditConflict(
            "The proposal or the study's dictionary changed since this preview: look at "
            "the preview again before applying.",
            current={},
            version=version.number,
        )
    # Lock every record of the study: a save waits, then sees the new version.
    list(Record.objects.filter(study=study).select_for_update().values_list("pk", flat=True))
    found = impact(study, version)
    refusals = found.refusals(archive_invalid=archive_invalid)
    refusals += designated_missing(study, version.csv)
    if refusals:
        raise ValidationError({"dictionary": refusals})
    base = found.base
    old = current_dictionary(study).fields
    if found.rewritten:
        version.csv = rewrite_rules(version.csv, found.rewritten)
    new_dictionary, _, _ = read_dictionary(version.csv)
    fates = _plan(old, new_dictionary.fields, version.renames, version.mappings, base, Impact(0, 0))
    stranded = _moves_off_events(study, fates)
    if stranded:
        raise ValidationError({"dictionary": stranded})
    reason = f"Dictionary v{version.number} applied"
    archived = _migrate(actor, study, fates, reason)
    version.state = DictionaryVersion.State.APPLIED
    version.applied_by, version.applied_at = actor, timezone.now()
    version.archived = {key: {"field": name, "version": base} for key, name in archived.items()}
    version.summary = found.as_dict()
    version.save(update_fields=["csv", "state", "applied_by", "applied_at", "archived", "summary"])
    audit_record(
        actor=actor,
        action="dictionary.apply",
        obj=study,
        changes={
            "dictionary_version": (base, version.number),
            "renamed": (None, {o: n for o, n, _ in found.renamed}),
            "removed": (None, [f for f, _, _ in found.removed]),
            "mappings": (None, version.mappings),
            "archived": (None, sorted(archived)),
            "logic_rewritten": (
                None,
                {f"{r.field} ({r.column})": [r.proposed, r.after] for r in found.rewritten},
            ),
        },
        reason=version.note,
        scope=audit_scope(study),
    )
    return found


def _migrate(actor: Any, study: Study, fates: dict[str, Fate], reason: str) -> dict[str, str]:
    """Rewrite the entries the change touches; return the archive keys written (-> field).

    Records are taken a batch at a time and written before the next batch is read, so
    memory stays flat and no write happens under an open cursor over the same table.
    """
    active = {name: fate for name, fate in fates.items() if not fate.trivial}
    if not active:
        return {}
    forms = sorted(
        {f.old.form for f in active.values()}
        | {f.new.form for f in active.values() if f.new is not None}
    )
    entries = Entry.objects.filter(record__study=study, instrument__in=forms)
    record_ids = list(entries.order_by("record_id").values_list("record_id", flat=True).distinct())
    repeating = set(study.repeating_instruments)
    now = timezone.now()
    archived: dict[str, str] = {}
    for start in range(0, len(record_ids), BATCH):
        batch = entries.filter(record_id__in=record_ids[start : start + BATCH])
        changed: list[tuple[Entry, dict[str, tuple[Any, Any]]]] = []
        for record, group in _by_record(batch):
            for entry, before in _move_values(record, group, active, repeating, now, archived):
                changes = {
                    k: (before.get(k), entry.data.get(k))
                    for k in sorted(set(before) | set(entry.data))
                    if before.get(k) != entry.data.get(k)
                }
                if changes:
                    entry.version += 1
                    entry.updated_by = actor
                    changed.append((entry, changes))
        _write_batch(actor, study, changed, reason)
    return archived


def _write_batch(
    actor: Any, study: Study, changed: list[tuple[Entry, dict[str, tuple[Any, Any]]]], reason: str
) -> None:
    updated = [entry for entry, _ in changed if entry.pk]
    Entry.objects.bulk_update(updated, ["data", "version", "updated_by"], batch_size=BATCH)
    Entry.objects.bulk_create([entry for entry, _ in changed if not entry.pk], batch_size=BATCH)
    rows = [
        unsaved_event(
            actor=actor,
            action="entry.dictionary",
            obj=entry,
            changes=changes,
            reason=reason,
            site=entry.record.study_site.site,
            scope=audit_scope(study),
        )
        for entry, changes in changed
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=BATCH)


def _by_record(entries: Any) -> Iterator[tuple[Record, list[Entry]]]:
    found = entries.select_related("record__study_site__site").order_by(
        "record_id", "event_id", "instrument", "instance"
    )
    current: Record | None = None
    group: list[Entry] = []
    for entry in list(found):
        if current is not None and entry.record_id != current.pk:
            yield current, group
            group = []
        current = entry.record
        group.append(entry)
    if current is not None:
        yield current, group


def _move_values(
    record: Record,
    entries: list[Entry],
    active: dict[str, Fate],
    repeating: set[str],
    now: Any,
    archived: dict[str, str],
) -> list[tuple[Entry, dict[str, Any]]]:
    """The record's entries after the change, each with its data before (new ones: {}).

    In a longitudinal study a value moves within its event: slots are (event, form,
    instance), the event None in a classic study.
    """
    by_slot = {(e.event_id, e.instrument, e.instance): e for e in entries}
    before = {slot: dict(e.data) for slot, e in by_slot.items()}
    datas = {slot: dict(data) for slot, data in before.items()}
    landing: list[tuple[tuple[int | None, str, int], str, Any]] = []
    for (event, form, instance), data in datas.items():
        for name, fate in active.items():
            if fate.old.form != form or name not in data:
                continue
            value = data.pop(name)
            if fate.new is None:
                if _present(value):
                    data[fate.key] = value
                    archived[fate.key] = name
                continue
            new_value, aside, _ = convert(fate, value, now)
            if aside is not None and _present(aside):
                data[fate.key] = aside
                archived[fate.key] = name
            target_instance = instance if fate.new.form in repeating else 1
            landing.append(((event, fate.new.form, target_instance), fate.new.name, new_value))
    for slot, name, value in landing:
        if slot not in datas:
            if not _present(value):
                continue
            datas[slot] = {}
        datas[slot][name] = value
    outcome = []
    for slot, data in datas.items():
        entry = by_slot.get(slot)
        if entry is None:
            entry = Entry(
                record=record, event_id=slot[0], instrument=slot[1], instance=slot[2], version=0
            )
        entry.data = data
        outcome.append((entry, before.get(slot, {})))
    return outcome


_RULE_COLUMNS = {
    logic_changes.BRANCHING: dd_columns.BRANCHING_LOGIC,
    logic_changes.CALCULATION: dd_columns.CHOICES,
}


def rewrite_rules(csv_text: str, rules: list[RuleChange]) -> str:
    """The dictionary text with each rule's cell replaced by its rewritten text.

    Only those cells change: every other row, cell and column (even one RadCollab does
    not read) is kept, so the version stores what was uploaded plus the rewrites.
    """
    bom = "\ufeff" if csv_text.startswith("\ufeff") else ""
    records = list(csv.reader(io.StringIO(csv_text.removeprefix(bom), newline="")))
    header = next((cells for cells in records if cells), [])
    # Columns by name as the reader finds them: any spelling, any order, the API's too.
    at: dict[str, int] = {}
    for index, name in enumerate(header):
        column = dd_columns.column_of(name)
        if column is not None:
            at.setdefault(column, index)
    wanted = {(r.field, _RULE_COLUMNS[r.column]): r.after for r in rules}
    for cells in records[records.index(header) + 1 :] if header else []:
        name = cells[at[dd_columns.NAME]].strip() if len(cells) > at[dd_columns.NAME] else ""
        for (field_name, column), text in wanted.items():
            if field_name == name and column in at and len(cells) > at[column]:
                cells[at[column]] = text
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(records)
    return bom + buffer.getvalue()


def proposal_csv(study: Study) -> str:
    """The text the form builder edits: the proposal if there is one, else the applied draft."""
    proposal = proposal_of(study)
    return proposal.csv if proposal else applied_version(study).csv


def write(fields: tuple[Field, ...]) -> str:
    return write_data_dictionary(DataDictionary(fields))
