"""Imports of records in REDCap's flat CSV: a preview that lists every problem, then all or nothing.

The pure reader (`formats.records.RecordReader`) checks every cell against the
dictionary; this package adds what needs the study: the site of each record (its
`redcap_data_access_group`, a study-site code, or the person's only site), record ids of
the form `CODE-n` with the site's code exactly, the person's right to enter at that site,
locks, and identifiers in free text. Existing records and their locks are looked up only
among the person's own sites (`access.records_for`), so a preview tells nothing of
another site's records. The commit re-reads the file inside one transaction and writes
records and entries in batches with one audit row per record, so 100,000 records stay
fast and a single bad row leaves nothing behind. It runs as a task, one attempt at a
time (`capture.jobs`): the records and the import's *done* state commit together.

The package by idea: `checks` (the result of a check, the study's context, the reader,
and what one row can tell: its cells, site, id and identifiers), `preview` (the preview
and what a file would change in existing records), `commit` (`import_commit`, all or
nothing), `writer` (the bulk writes of a checked batch), `entries` (a record's rows as
entries), `resolution` (branching and calculations resolved once per distinct values)
and `background` (upload, queue, retry and each attempt of the task). The names other
modules use through `from capture import imports` are re-exported here.
"""

from __future__ import annotations

from capture.imports.background import (
    UNDER_WAY,
    import_retry,
    import_run,
    import_start,
    import_upload,
    imports_of,
)
from capture.imports.checks import (
    LABEL,
    MAX_NUMBER,
    Change,
    Compared,
    ImportCheck,
    ImportRefused,
    Progress,
)
from capture.imports.commit import import_commit
from capture.imports.preview import import_preview, row_changes

__all__ = [
    "LABEL",
    "MAX_NUMBER",
    "UNDER_WAY",
    "Change",
    "Compared",
    "ImportCheck",
    "ImportRefused",
    "Progress",
    "import_commit",
    "import_preview",
    "import_retry",
    "import_run",
    "import_start",
    "import_upload",
    "imports_of",
    "row_changes",
]
