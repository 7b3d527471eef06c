"""Small CSV dictionaries written inline, so each test shows the rows it is about."""

from __future__ import annotations

import csv
import io

from formats.datadictionary import columns as c

_SHORT = {
    "section": c.SECTION_HEADER,
    "choices": c.CHOICES,
    "note": c.NOTE,
    "validation": c.VALIDATION,
    "min": c.MINIMUM,
    "max": c.MAXIMUM,
    "identifier": c.IDENTIFIER,
    "logic": c.BRANCHING_LOGIC,
    "required": c.REQUIRED,
    "alignment": c.ALIGNMENT,
    "question": c.QUESTION_NUMBER,
    "matrix": c.MATRIX_GROUP,
    "ranking": c.MATRIX_RANKING,
    "annotation": c.ANNOTATION,
}


def row(name, field_type="text", label="A label", form="form_one", **cells):
    """One record as a list of 18 cells; keyword names are short forms of the columns."""
    values = {c.NAME: name, c.FORM: form, c.FIELD_TYPE: field_type, c.LABEL: label}
    values.update({_SHORT[key]: value for key, value in cells.items()})
    return [values.get(column, "") for column in c.HEADER]


def dictionary_csv(*rows, header=c.HEADER, line_ending="\r\n"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().replace("\r\n", line_ending)


def cells_of(text):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
