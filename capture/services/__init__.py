"""The rules of data capture: studies, sites, roles, records, entries, queries and locks.

Every change is written with its audit row in one transaction, scoped to the study
(`audit_scope`), so the study's own log shows it and the network's audit page does not.

The package by sub-area: `dictionary` (the dictionary in force, parsed and compiled once),
`studies` (a study, its sites, roles and settings, going live), `records` (creating,
locking and signing a record, data queries), `entries` (`entry_save` and its named
steps), `context` (what a save and the entry form read of a record besides the typed
values: its other forms, logic's context, events and instances) and `screening` (patient
identifiers in values and free text); `common` holds `audit_scope`. The names other
modules use through `from capture import services` are re-exported here.
"""

from __future__ import annotations

from capture.services.common import audit_scope
from capture.services.context import (
    event_problem,
    event_values,
    instance_numbers,
    instance_problem,
    logic_context,
    record_values,
    repeats,
    user_name,
)
from capture.services.dictionary import Dictionary, current_dictionary, read_dictionary
from capture.services.entries import (
    STATUS_PROBLEM,
    CheckedValues,
    EntryTarget,
    NeedsConfirmation,
    SaveResult,
    entry_apply_branching,
    entry_audit,
    entry_calculate,
    entry_read,
    entry_save,
    entry_screen_identifiers,
    entry_validate,
    entry_write,
)
from capture.services.records import (
    query_answer,
    query_close,
    query_raise,
    query_reopen,
    record_create,
    record_lock,
    record_unlock,
)
from capture.services.screening import (
    identifier_errors,
    identifier_problem,
    screen_text,
    text_errors,
)
from capture.services.studies import (
    SETTINGS,
    study_add_site,
    study_create,
    study_go_live,
    study_grant_role,
    study_update_settings,
)

__all__ = [
    "SETTINGS",
    "STATUS_PROBLEM",
    "CheckedValues",
    "Dictionary",
    "EntryTarget",
    "NeedsConfirmation",
    "SaveResult",
    "audit_scope",
    "current_dictionary",
    "entry_apply_branching",
    "entry_audit",
    "entry_calculate",
    "entry_read",
    "entry_save",
    "entry_screen_identifiers",
    "entry_validate",
    "entry_write",
    "event_problem",
    "event_values",
    "identifier_errors",
    "identifier_problem",
    "instance_numbers",
    "instance_problem",
    "logic_context",
    "query_answer",
    "query_close",
    "query_raise",
    "query_reopen",
    "read_dictionary",
    "record_create",
    "record_lock",
    "record_unlock",
    "record_values",
    "repeats",
    "screen_text",
    "study_add_site",
    "study_create",
    "study_go_live",
    "study_grant_role",
    "study_update_settings",
    "text_errors",
    "user_name",
]
