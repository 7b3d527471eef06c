"""The commit of a file: every record written, or nothing (`ImportRefused`).

`import_commit` re-reads the file inside one transaction, checks each row as the preview
does (`checks.py`) and hands the records to the writer (`writer.py`) a batch at a time;
with `overwrite`, the blank cells a row really gave erase (`_blanks`). One audit row
records the import; the writer adds one per record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import audit_record
from capture.imports.checks import (
    BATCH,
    ImportCheck,
    ImportRefused,
    Progress,
    Values,
    _check_row,
    _context,
    _reader,
)
from capture.imports.writer import _Writer
from capture.models import Study, StudySite
from capture.services import audit_scope
from formats.datadictionary import FieldType
from formats.records import RecordReader, RecordRow
from formats.records.flatcsv import HEADER_ROW

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def import_commit(
    *,
    actor: User,
    study: Study,
    text: str,
    progress: Progress | None = None,
    overwrite: bool = False,
    given: Sequence[Collection[str]] | None = None,
) -> ImportCheck:
    """Write every record of a clean file, or nothing: ImportRefused at the first problem.

    One pass, checking each row as the preview does and each batch's existing records,
    so a file that changed (or records locked) since its preview still writes nothing.
    A blank cell leaves the stored value as it is, unless `overwrite` (REDCap's
    `overwriteBehavior=overwrite`): then it erases it. `given`, one entry per data row,
    names the columns a row really gave (an API's JSON item may leave keys out, which
    erases nothing); without it every column of the header counts as given.
    """
    context = _context(actor, study)
    check = ImportCheck()
    reader = _reader(context, text)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    writer = _Writer(actor, context, check)
    seen: dict[str, StudySite | None] = {}
    batch: dict[str, list[RecordRow]] = {}
    done = 0
    for row in reader:
        _check_row(context, row, check, seen)
        if check.errors:
            raise ImportRefused(check)
        if overwrite:
            writer.blanks[row.row] = _blanks(reader, row, given)
        if row.record_id not in batch and len(batch) >= BATCH:
            done += writer.write(batch)
            batch = {}
            if progress:
                progress(done)
        batch.setdefault(row.record_id, []).append(row)
    if reader.file_errors:
        check.errors.extend(reader.file_errors)
        raise ImportRefused(check)
    if batch:
        done += writer.write(batch)
    writer.finish()
    if progress:
        progress(done)
    check.records = len(seen)
    check.record_ids = list(seen)
    audit_record(
        actor=actor,
        action="records.import",
        obj=study,
        changes={"records": (None, check.records), "rows": (None, check.rows)},
        scope=audit_scope(study),
    )
    return check


def _blanks(
    reader: RecordReader, row: RecordRow, given: Sequence[Collection[str]] | None
) -> Values:
    """The fields whose cells this row leaves blank, for an import that overwrites.

    Only columns of the row's own instrument (a repeating row) or of the instruments
    that do not repeat (a base row), and only those the row really gave.
    """
    index = row.row - HEADER_ROW - 1
    names = given[index] if given is not None and 0 <= index < len(given) else None
    repeating = reader.repeating_at(row.event)
    collected = reader.events.forms.get(row.event or "") if reader.events is not None else None
    blanks: Values = {}
    for column in reader.data_columns:
        found = column.field
        if found is None or found.field_type in (FieldType.CALC, FieldType.FILE):
            continue
        if names is not None and column.name not in names:
            continue
        in_scope = found.form == row.instrument if row.instrument else found.form not in repeating
        if collected is not None and found.form not in collected:
            in_scope = False
        if not in_scope or found.name in row.values:
            continue
        blanks[found.name] = [] if found.field_type == FieldType.CHECKBOX else ""
    return blanks
