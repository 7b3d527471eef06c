"""What the entry form draws for an instrument: fields and matrices, as REDCap draws them.

`entry_blocks` turns an instrument's fields into blocks, which `capture.entry_html`
writes: one field, or a matrix (consecutive radio or checkbox fields of one matrix group, drawn as a
table with the choices as columns). Labels, notes and section headers are HTML made safe
by `capture.labels` with their piping filled in (`capture.piping`); action tags
(`capture.actiontags`) decide what is hidden, read-only, filled in or limited; a slider
carries its three anchors, its range and whether it shows its number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from capture.actiontags import NO_TAGS, Tags, tags_of
from capture.labels import safe_html
from capture.logic import Context, Raw, Stored
from capture.piping import Piped, Pipes
from formats.datadictionary import Field, FieldType, ValidationType
from formats.records.validate import SLIDER_RANGE

if TYPE_CHECKING:
    from django.http import QueryDict

# Only where the browser's control posts what the validation type reads; an mdy or dmy
# date is typed as shown to the person.
INPUT_TYPES = {
    ValidationType.DATE_YMD: "date",
    ValidationType.INTEGER: "number",
    ValidationType.EMAIL: "email",
    ValidationType.TIME: "time",
}
MATRIX_TYPES = frozenset({FieldType.RADIO, FieldType.CHECKBOX})


@dataclass(frozen=True)
class Slider:
    low: int
    high: int
    anchors: tuple[str, str, str]  # left, middle, right (HTML made safe)
    show_number: bool

    @property
    def middle(self) -> int:
        return (self.low + self.high) // 2


@dataclass
class EntryField:
    """What the entry template needs to draw one field of the dictionary."""

    field: Field
    value: Raw
    error: str = ""
    warning: str = ""
    label_html: str = ""
    note_html: str = ""
    section_html: str = ""
    tags: Tags = NO_TAGS
    slider: Slider | None = None
    choice_html: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def kind(self) -> str:
        return str(self.field.field_type)

    @property
    def input_type(self) -> str:
        validation = self.field.validation
        return INPUT_TYPES.get(validation, "text") if validation else "text"

    @property
    def checked(self) -> list[str]:
        return list(self.value) if isinstance(self.value, list) else []

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(code, label as safe HTML) for each choice."""
        return self.choice_html

    @property
    def blank(self) -> bool:
        return self.value in (None, "", [])

    @property
    def units(self) -> str:
        """REDCap's legacy `Field Units` cell, kept in the row as read."""
        source = self.field.source
        if source is None:
            return ""
        for index, column in enumerate(source.columns):
            if column.replace(" ", "").lower() == "fieldunits" and index < len(source.cells):
                return source.cells[index].strip()
        return ""

    @property
    def none_of_the_above(self) -> str:
        return " ".join(self.tags.none_of_the_above)


@dataclass
class Matrix:
    """Consecutive fields of one matrix group: a table, the choices as its columns."""

    name: str
    rows: list[EntryField]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return self.rows[0].choices

    @property
    def checkbox(self) -> bool:
        return self.rows[0].field.field_type is FieldType.CHECKBOX


@dataclass
class Render:
    """One render of a form: piping's values and context, and the trees the browser
    re-evaluates (`pipes`, the `capture-pipes` island)."""

    pipes: Pipes
    values: Mapping[str, Raw]
    context: Context | None
    piped: Piped = dataclasses.field(default_factory=lambda: Piped([]))

    def html(self, markup: str) -> str:
        if not markup:
            return ""
        return self.piped.html(safe_html(markup), self.pipes, self.values, self.context)


def entry_blocks(
    fields: list[Field],
    values: Mapping[str, Raw],
    render: Render,
    errors: Mapping[str, str] | None = None,
    warnings: Mapping[str, str] | None = None,
) -> list[EntryField | Matrix]:
    """The instrument's fields drawn one by one, matrix groups gathered in tables."""
    errors, warnings = errors or {}, warnings or {}
    blocks: list[EntryField | Matrix] = []
    for f in fields:
        shown = _entry_field(f, values, render, errors.get(f.name, ""), warnings.get(f.name, ""))
        last = blocks[-1] if blocks else None
        if f.matrix_group and f.field_type in MATRIX_TYPES:
            if (
                isinstance(last, Matrix)
                and last.name == f.matrix_group
                and last.rows[0].field.field_type is f.field_type
                and not f.section_header
            ):
                last.rows.append(shown)
                continue
            blocks.append(Matrix(f.matrix_group, [shown]))
            continue
        blocks.append(shown)
    return blocks


def _entry_field(
    f: Field, values: Mapping[str, Raw], render: Render, error: str, warning: str
) -> EntryField:
    default: Stored = [] if f.field_type is FieldType.CHECKBOX else ""
    return EntryField(
        field=f,
        value=values.get(f.name, default),
        error=error,
        warning=warning,
        label_html=render.html(f.label),
        note_html=render.html(f.note),
        section_html=render.html(f.section_header),
        tags=tags_of(f),
        slider=_slider(f, render) if f.field_type is FieldType.SLIDER else None,
        choice_html=[(c.code, render.html(c.label)) for c in f.effective_choices],
    )


def _slider(f: Field, render: Render) -> Slider:
    labels = [render.html(text) for text in f.slider_labels]
    if len(labels) == 2:
        labels = [labels[0], "", labels[1]]
    labels += [""] * (3 - len(labels))
    low = int(f.validation_min) if f.validation_min.strip().lstrip("-").isdigit() else None
    high = int(f.validation_max) if f.validation_max.strip().lstrip("-").isdigit() else None
    return Slider(
        low=SLIDER_RANGE[0] if low is None else low,
        high=SLIDER_RANGE[1] if high is None else high,
        anchors=(labels[0], labels[1], labels[2]),
        show_number=f.validation is ValidationType.NUMBER,
    )


def posted_values(post: QueryDict, fields: list[Field]) -> dict[str, Stored]:
    """What the person typed, per field of the instrument (a list for a checkbox).

    A slider left at "no value" (its `<name>__blank` box ticked) posts blank, whatever
    position its handle shows.
    """
    values: dict[str, Stored] = {}
    for f in fields:
        if f.field_type in (FieldType.CALC, FieldType.DESCRIPTIVE, FieldType.FILE):
            continue
        if f.field_type == FieldType.CHECKBOX:
            values[f.name] = post.getlist(f.name)
        elif f.field_type == FieldType.SLIDER and post.get(f"{f.name}__blank"):
            values[f.name] = ""
        else:
            values[f.name] = post.get(f.name, "")
    return values
