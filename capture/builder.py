"""The form builder: add, edit, reorder and remove fields, and add instruments, in the UI.

It edits the same REDCap dictionary the CSV upload does, row by row: each edit rewrites
the dictionary text and checks all of it with the same reader and logic compiler, so a
built dictionary is always one an upload would accept. Problems name the field (and the
column) at fault. In a study without data an edit changes the draft directly; otherwise
it goes into the study's proposed version (`capture.versions`), and renaming a field
there is recorded as a rename so its values are carried over when the version is applied.

Other fields' branching logic and calculations follow an edit (`follow`), rewritten
through the logic parser: a renamed field is read under its new name, and a choice whose
code changes while its label stays (`2, MRI` becomes `20, MRI`) is read under its new
code. A rule left reading a code that is gone refuses the edit, naming it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from capture import versions
from capture.logic import (
    DictionaryLogicError,
    LogicError,
    Node,
    compile_dictionary,
    parse,
    recode,
    rename_fields,
    unparse,
)
from capture.logic.changes import BRANCHING, CALCULATION, code_changes
from capture.models import DictionaryVersion, Study
from capture.services import current_dictionary
from formats.datadictionary import (
    HEADER,
    DataDictionaryError,
    Field,
    FieldType,
    read_data_dictionary,
)
from formats.datadictionary import columns as c
from formats.datadictionary.writer import field_cells

Cells = tuple[str, ...]
# The builder form's field for each column it edits (the rest are kept as they were).
FORM_FIELDS: dict[str, str] = {
    c.NAME: "name",
    c.FORM: "form",
    c.SECTION_HEADER: "section_header",
    c.FIELD_TYPE: "field_type",
    c.LABEL: "label",
    c.CHOICES: "choices",
    c.NOTE: "note",
    c.VALIDATION: "validation",
    c.MINIMUM: "validation_min",
    c.MAXIMUM: "validation_max",
    c.IDENTIFIER: "identifier",
    c.BRANCHING_LOGIC: "branching_logic",
    c.REQUIRED: "required",
}
_CHOICE_TYPES = {"dropdown", "radio", "checkbox", "yesno", "truefalse"}
_INDEX = {column: i for i, column in enumerate(HEADER)}


@dataclass(frozen=True)
class Edit:
    """One change the builder makes; `apply` turns the rows before into the rows after."""

    apply: Callable[[list[Cells]], list[Cells]]
    note: str
    subject: str  # the field the edit is about, whose problems go next to its form fields
    renamed: tuple[str, str] | None = None  # (old, new) when a field's name changes
    followed: list[str] = dataclasses.field(default_factory=list)  # rules rewritten to follow it


def cells_from(values: dict[str, Any], before: Cells | None = None) -> Cells:
    """A dictionary row from the builder form's values, keeping columns it does not edit."""
    cells = list(before or ("",) * len(HEADER))
    for column, name in FORM_FIELDS.items():
        value = values.get(name, "")
        if isinstance(value, bool):
            value = "y" if value else ""
        cells[_INDEX[column]] = str(value or "").strip()
    if cells[_INDEX[c.FIELD_TYPE]] in _CHOICE_TYPES:
        # One choice a line is easier to type; REDCap writes them joined by " | ".
        lines = [part.strip() for part in cells[_INDEX[c.CHOICES]].splitlines() if part.strip()]
        cells[_INDEX[c.CHOICES]] = " | ".join(lines)
    return tuple(cells)


def _rows(csv_text: str) -> list[Cells]:
    return [field_cells(f) for f in read_data_dictionary(csv_text).dictionary.fields]


def _position(rows: list[Cells], name: str) -> int:
    for i, cells in enumerate(rows):
        if cells[0] == name:
            return i
    raise ValidationError({"name": f"{name}: no such field in the dictionary."})


def _insert_in_form(rows: list[Cells], cells: Cells) -> list[Cells]:
    """After the last field of its instrument, or as a new instrument at the end."""
    form = cells[_INDEX[c.FORM]]
    last = max((i for i, r in enumerate(rows) if r[_INDEX[c.FORM]] == form), default=None)
    at = len(rows) if last is None else last + 1
    return [*rows[:at], cells, *rows[at:]]


def field_save(original: str | None, values: dict[str, Any]) -> Edit:
    """Add a field (original None) or change one; a changed instrument moves it to its end."""
    name = str(values.get("name", "")).strip()

    def apply(rows: list[Cells]) -> list[Cells]:
        if original is None:
            if any(r[0] == name for r in rows):
                raise ValidationError({"name": f"{name}: a field of that name already exists."})
            return _insert_in_form(rows, cells_from(values))
        at = _position(rows, original)
        cells = cells_from(values, rows[at])
        if at == 0 and cells[_INDEX[c.FORM]] != rows[0][_INDEX[c.FORM]]:
            raise ValidationError({"form": f"{original}: the record id stays in the first form."})
        if cells[_INDEX[c.FORM]] == rows[at][_INDEX[c.FORM]]:
            return [*rows[:at], cells, *rows[at + 1 :]]
        return _insert_in_form([*rows[:at], *rows[at + 1 :]], cells)

    renamed = (original, name) if original is not None and original != name else None
    what = f"added {name}" if original is None else f"changed {original}"
    return Edit(apply, what, name, renamed)


def field_move(name: str, step: int) -> Edit:
    """Move a field one place up (-1) or down (+1) within its instrument."""

    def apply(rows: list[Cells]) -> list[Cells]:
        at = _position(rows, name)
        to = at + step
        form = rows[at][_INDEX[c.FORM]]
        if to < 0 or to >= len(rows) or rows[to][_INDEX[c.FORM]] != form:
            raise ValidationError({"name": f"{name}: already at the edge of its instrument."})
        if 0 in (at, to):
            raise ValidationError({"name": f"{name}: the record id field stays first."})
        moved = list(rows)
        moved[at], moved[to] = moved[to], moved[at]
        return moved

    return Edit(apply, f"moved {name} {'up' if step < 0 else 'down'}", name)


def field_remove(name: str) -> Edit:
    def apply(rows: list[Cells]) -> list[Cells]:
        at = _position(rows, name)
        if at == 0:
            raise ValidationError({"name": f"{name}: the record id field cannot be removed."})
        return [*rows[:at], *rows[at + 1 :]]

    return Edit(apply, f"removed {name}", name)


def write_rows(rows: list[Cells]) -> tuple[str, list[int]]:
    """The dictionary text and the line each row starts on (the header is line 1)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    starts = []
    line = 2
    for cells in rows:
        start = buffer.tell()
        writer.writerow(cells)
        starts.append(line)
        line += buffer.getvalue()[start:].count("\n")
    return buffer.getvalue(), starts


def check(rows: list[Cells], edited: str | None = None) -> str:
    """The dictionary text, or ValidationError with each problem naming its field.

    Problems of the edited field go next to the form field at fault; problems of other
    fields (a branching logic that refers to a removed field) go on top of the form.
    """
    text, starts = write_rows(rows)
    errors: dict[str, list[str]] = {}

    def add(field: str, column: str, message: str) -> None:
        key = FORM_FIELDS.get(column, "__all__") if field == edited else "__all__"
        where = f"{field}" + (f" ({column})" if column and key == "__all__" else "")
        errors.setdefault(key, []).append(f"{where}: {message}")

    try:
        dictionary = read_data_dictionary(text).dictionary
    except DataDictionaryError as error:
        for problem in error.problems:
            row = max((i for i, s in enumerate(starts) if s <= problem.line), default=None)
            field = rows[row][0] if row is not None else "the dictionary"
            add(field, problem.column, problem.message)
        raise ValidationError(errors) from error
    try:
        compile_dictionary(dictionary)
    except DictionaryLogicError as error:
        for logic in error.problems:
            add(logic.field, logic.column, str(logic.error))
        raise ValidationError(errors) from error
    return text


@transaction.atomic
def dictionary_edit(*, actor: Any, study: Study, edit: Edit, base: str) -> DictionaryVersion:
    """Make one builder edit: on the draft of a study without data, else on its proposal.

    `base` is the fingerprint of the dictionary the page showed; if someone changed it
    since, EditConflict and nothing is written.
    """
    working = versions.proposal_csv(study)
    before = _rows(working)
    rows = follow(before, edit.apply(before), edit)
    text = check(rows, edit.subject)
    note = f"Form builder: {edit.note}" + (
        f"; rules rewritten: {', '.join(edit.followed)}" if edit.followed else ""
    )
    version, _ = versions.dictionary_change(
        actor=actor, study=study, csv_text=text, note=note, base=base, keep_plan=True
    )
    if version.state == DictionaryVersion.State.PROPOSED:
        _track_renames(version, edit, {r[0] for r in rows})
    return version


# A rule's tree rewritten, and why any reference in it would be left dead.
Rewrite = Callable[[Node], tuple[Node, list[str]]]


def follow(before: list[Cells], after: list[Cells], edit: Edit) -> list[Cells]:
    """`after` with every rule rewritten to follow the edit (a rename, codes recoded).

    Each rule rewritten is added to `edit.followed`; a rule left reading a code that is
    gone raises ValidationError on the choices, naming the rule and the code. Rows that
    cannot be read are left as they are, for `check` to name their problems.
    """
    renames = dict([edit.renamed]) if edit.renamed else {}
    if renames:
        after = _follow_rows(after, lambda tree: (rename_fields(tree, renames), []), edit)
    try:
        old_fields = read_data_dictionary(write_rows(before)[0]).dictionary.fields
        new_fields = read_data_dictionary(write_rows(after)[0]).dictionary.fields
    except DataDictionaryError:
        return after
    kept = {f.name for f in new_fields}
    names = {f.name: renames.get(f.name, f.name) for f in old_fields}
    names = {old: new for old, new in names.items() if new in kept}
    changes = code_changes(old_fields, new_fields, names, _by_label(old_fields, new_fields, names))
    if not changes:
        return after

    def recoded(tree: Node) -> tuple[Node, list[str]]:
        result = recode(tree, changes, carried=False)
        return result.tree, [ref.problem for ref in result.references if ref.problem]

    return _follow_rows(after, recoded, edit)


def _by_label(
    old: tuple[Field, ...], new: tuple[Field, ...], names: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Codes a builder edit recodes: gone, with one new code that has the same label."""
    new_by = {f.name: f for f in new}
    found: dict[str, dict[str, str]] = {}
    for before in old:
        after = new_by.get(names.get(before.name, ""))
        if after is None:
            continue
        old_codes = {c.code for c in before.effective_choices}
        new_codes = {c.code for c in after.effective_choices}
        added = [c for c in after.effective_choices if c.code not in old_codes]
        for choice in before.effective_choices:
            if choice.code in new_codes:
                continue
            same = [c.code for c in added if c.label.casefold() == choice.label.casefold()]
            if len(same) == 1:
                found.setdefault(after.name, {})[choice.code] = same[0]
    return found


def _follow_rows(rows: list[Cells], rewrite: Rewrite, edit: Edit) -> list[Cells]:
    """Each row with its rules rewritten; ValidationError naming every rule left dead."""
    problems: list[str] = []
    out: list[Cells] = []
    for cells in rows:
        changed = list(cells)
        for column, at in _rule_cells(cells):
            tree = _tree(cells[at])
            if tree is None:
                continue
            rewritten, dead = rewrite(tree)
            problems += [
                f"{cells[0]} ({column}) “{cells[at]}”: {problem}; change that rule first, "
                "or keep the code"
                for problem in dead
            ]
            if rewritten != tree:
                changed[at] = unparse(rewritten)
                edit.followed.append(f"{cells[0]} ({column})")
        out.append(tuple(changed))
    if problems:
        raise ValidationError({"choices": problems})
    return out


def _rule_cells(cells: Cells) -> list[tuple[str, int]]:
    found = [(BRANCHING, _INDEX[c.BRANCHING_LOGIC])]
    if cells[_INDEX[c.FIELD_TYPE]] == FieldType.CALC.value:
        found.append((CALCULATION, _INDEX[c.CHOICES]))
    return found


def _tree(text: str) -> Node | None:
    try:
        return parse(text) if text.strip() else None
    except LogicError:
        return None


def _track_renames(version: DictionaryVersion, edit: Edit, names: set[str]) -> None:
    """Keep the proposal's renames as applied name -> proposed name across builder edits."""
    applied = {f.name for f in current_dictionary(version.study).fields}
    renames = dict(version.renames)
    if edit.renamed is not None:
        old, new = edit.renamed
        source = next((o for o, n in renames.items() if n == old), old if old in applied else None)
        if source is not None:
            renames[source] = new
    renames = {o: n for o, n in renames.items() if n in names and o != n}
    if renames != version.renames:
        version.renames = renames
        version.save(update_fields=["renames"])
