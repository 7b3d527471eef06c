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

Every cell the builder does not edit is kept (`Sheet`): the file's own header (its
spelling, order and columns that are not REDCap's), each field's cells in columns the
form does not show (annotations, alignment, matrix groups), cells beyond the header, the
byte-order mark and the line end. An edit changes only the cells it edits, so the
dictionary API and the download give back the uploaded file with that edit in it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from capture import versions
from capture.logic import (
    DictionaryLogicError,
    LogicError,
    Node,
    parse,
    read_with_logic,
    recode,
    rename_fields,
    unparse,
)
from capture.logic.changes import BRANCHING, CALCULATION, code_changes
from capture.models import DictionaryVersion, Study
from capture.services import current_dictionary
from formats.datadictionary import (
    API_HEADER,
    HEADER,
    DataDictionaryError,
    Field,
    FieldType,
    read_data_dictionary,
    row_cells,
)
from formats.datadictionary import columns as c

if TYPE_CHECKING:
    from accounts.models import User

Cells = tuple[str, ...]
# The builder form's values for a field (cleaned, or as shown): text, or a tick.
FormValues = Mapping[str, str | bool]
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
    c.MATRIX_GROUP: "matrix_group",
    c.ANNOTATION: "annotation",
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


def cells_from(
    values: FormValues, before: Cells | None = None, shown: FormValues | None = None
) -> Cells:
    """A dictionary row from the builder form's values, keeping every cell it does not edit
    (REDCap's columns it does not show, the file's own columns, cells beyond the header).

    `shown` is what the form showed for the field: a column whose value the person left as
    shown keeps its cell as written (`1,A|2,B` spacing, a legacy `int`, a validation type
    RadCollab does not apply), so editing one column changes that column only.
    """
    cells = list(before or ("",) * len(HEADER))
    edited: set[str] = set()
    for column, name in FORM_FIELDS.items():
        if before is not None and name not in values:
            continue  # a column the caller does not give keeps its cell
        value = values.get(name, "")
        if before is not None and shown is not None and _same(shown.get(name), value):
            continue
        if isinstance(value, bool):
            value = "y" if value else ""
        cells[_INDEX[column]] = str(value or "").strip()
        edited.add(column)
    if c.CHOICES in edited and cells[_INDEX[c.FIELD_TYPE]] in _CHOICE_TYPES:
        # One choice a line is easier to type; REDCap writes them joined by " | ".
        lines = [part.strip() for part in cells[_INDEX[c.CHOICES]].splitlines() if part.strip()]
        cells[_INDEX[c.CHOICES]] = " | ".join(lines)
    return tuple(cells)


@dataclass(frozen=True)
class Sheet:
    """The layout of the dictionary file the builder edits, so that it writes back as read.

    Inside the builder a row holds REDCap's 18 columns first (in `HEADER` order, so edits
    find a column by name), then the file's other columns in its order, then any cells
    the row had beyond the header. `text` puts each cell back where the file had it.
    """

    columns: tuple[str, ...] = HEADER
    bom: bool = False
    line_ending: str = "\r\n"

    @cached_property
    def canonical(self) -> tuple[str | None, ...]:
        """For each column of the file, the REDCap column it is (None for another)."""
        seen: set[str] = set()
        found: list[str | None] = []
        for name in self.columns:
            column = c.column_of(name)
            found.append(column if column and column not in seen else None)
            seen.add(column or "")
        return tuple(found)

    @cached_property
    def others(self) -> tuple[int, ...]:
        """Positions in the file of the columns that are not REDCap's."""
        return tuple(i for i, column in enumerate(self.canonical) if column is None)

    def row(self, cells: tuple[str, ...]) -> Cells:
        """A row as the file has it, in the builder's order."""
        at = {column: i for i, column in enumerate(self.canonical) if column}

        def cell(position: int | None) -> str:
            return cells[position] if position is not None and position < len(cells) else ""

        own = [cell(at.get(column)) for column in HEADER]
        return (*own, *(cell(p) for p in self.others), *cells[len(self.columns) :])

    def text(self, rows: list[Cells]) -> tuple[str, list[int]]:
        """The dictionary text and the line each row starts on (the header is line 1).

        A REDCap column the file lacks is added (after its own columns) only when a row
        fills it.
        """
        present = {column for column in self.canonical if column}
        missing = [
            column
            for column in HEADER
            if column not in present and any(r[_INDEX[column]] for r in rows)
        ]
        api = bool(self.columns) and c.normalised(self.columns[0]) == "fieldname"
        names = dict(zip(HEADER, API_HEADER if api else HEADER, strict=True))
        header = (*self.columns, *(names[column] for column in missing))
        records = [_record(header)]
        starts: list[int] = []
        line = 2
        width = len(HEADER) + len(self.others)
        for cells in rows:
            padded = (*cells, *("",) * (width - len(cells)))
            written = [self._cell(padded, p) for p in range(len(self.columns))]
            written += [padded[_INDEX[column]] for column in missing]
            written += padded[width:]
            while len(written) > len(header) and not written[-1]:
                written.pop()
            records.append(_record(tuple(written)))
            starts.append(line)
            line += records[-1].count("\n") + 1
        mark = "\ufeff" if self.bom else ""
        return mark + "".join(r + self.line_ending for r in records), starts

    def _cell(self, cells: Cells, position: int) -> str:
        column = self.canonical[position]
        if column is not None:
            return cells[_INDEX[column]]
        return cells[len(HEADER) + self.others.index(position)]


def _record(cells: tuple[str, ...]) -> str:
    """One CSV record without its line end (quoted as the dictionary writer quotes)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def read_sheet(csv_text: str) -> tuple[Sheet, list[Cells]]:
    """The layout of a dictionary's text and its rows in the builder's order."""
    dictionary = read_data_dictionary(csv_text).dictionary
    sheet = Sheet(dictionary.columns, dictionary.bom, dictionary.line_ending)
    return sheet, [sheet.row(row_cells(f, dictionary.columns)) for f in dictionary.fields]


def _same(shown: str | bool | None, value: str | bool) -> bool:
    """Whether a form value is the one the form showed (text compared without the spaces
    and line ends a browser may add around it)."""
    if isinstance(shown, bool) or isinstance(value, bool):
        return bool(shown) == bool(value)
    return str(shown or "").strip().replace("\r\n", "\n") == str(value or "").strip().replace(
        "\r\n", "\n"
    )


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


def field_save(original: str | None, values: FormValues, shown: FormValues | None = None) -> Edit:
    """Add a field (original None) or change one; a changed instrument moves it to its end.

    `shown`: the values the form showed for the field (`cells_from`)."""
    name = str(values.get("name", "")).strip()

    def apply(rows: list[Cells]) -> list[Cells]:
        if original is None:
            if any(r[0] == name for r in rows):
                raise ValidationError({"name": f"{name}: a field of that name already exists."})
            return _insert_in_form(rows, cells_from(values))
        at = _position(rows, original)
        cells = cells_from(values, rows[at], shown)
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


def write_rows(rows: list[Cells], sheet: Sheet | None = None) -> tuple[str, list[int]]:
    """The dictionary text in `sheet`'s layout (REDCap's 18 columns without one), and the
    line each row starts on (the header is line 1)."""
    return (sheet or Sheet()).text(rows)


def check(rows: list[Cells], edited: str | None = None, sheet: Sheet | None = None) -> str:
    """The dictionary text, or ValidationError with each problem naming its field.

    Problems of the edited field go next to the form field at fault; problems of other
    fields (a branching logic that refers to a removed field) go on top of the form.
    """
    text, starts = write_rows(rows, sheet)
    errors: dict[str, list[str]] = {}

    def add(field: str, column: str, message: str) -> None:
        key = FORM_FIELDS.get(column, "__all__") if field == edited else "__all__"
        where = f"{field}" + (f" ({column})" if column and key == "__all__" else "")
        errors.setdefault(key, []).append(f"{where}: {message}")

    try:
        read_with_logic(text)
    except DataDictionaryError as error:
        for problem in error.problems:
            row = max((i for i, s in enumerate(starts) if s <= problem.line), default=None)
            field = rows[row][0] if row is not None else "the dictionary"
            add(field, problem.column, problem.message)
        raise ValidationError(errors) from error
    except DictionaryLogicError as error:
        for logic in error.problems:
            add(logic.field, logic.column, str(logic.error))
        raise ValidationError(errors) from error
    return text


@transaction.atomic
def dictionary_edit(*, actor: User, study: Study, edit: Edit, base: str) -> DictionaryVersion:
    """Make one builder edit: on the draft of a study without data, else on its proposal.

    `base` is the fingerprint of the dictionary the page showed; if someone changed it
    since, EditConflict and nothing is written.
    """
    working = versions.proposal_csv(study)
    sheet, before = read_sheet(working)
    rows = follow(before, edit.apply(before), edit)
    text = check(rows, edit.subject, sheet)
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
