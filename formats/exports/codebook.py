"""The codebook of an SPSS or Stata export: each variable's name in the file and in REDCap.

Stata allows 32 characters a name and SPSS 64 bytes, so a long REDCap name is cut short
(`formats.exports.statfiles.safe_names`); the codebook says which variable is which
field, with its label, kind and value labels, so that nobody has to guess.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import TextIO

from formats.exports.plan import Column

HEADER = ("variable", "redcap_name", "label", "kind", "value_labels")


def write_codebook(columns: tuple[Column, ...], renamed: Mapping[str, str], out: TextIO) -> None:
    """One row per column, in the file's order; `out` is a text stream opened with newline=""."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for column in columns:
        labels = "; ".join(f"{code}={label}" for code, label in column.value_labels)
        writer.writerow(
            (
                renamed.get(column.name, column.name),
                column.name,
                column.label,
                str(column.kind),
                labels,
            )
        )
