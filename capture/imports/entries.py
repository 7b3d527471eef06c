"""A record's rows as entries: values by instrument instance (and event), and the
blanks that erase in an overwrite; the writer (`writer.py`) merges them with what is stored.
"""

from __future__ import annotations

from capture.imports.checks import Instance, Values, _Context, _named_site
from capture.models import StudySite
from formats.records import RecordRow


def _entries_of(
    rows: list[RecordRow], forms: dict[str, str], events: dict[str, int] | None = None
) -> dict[Instance, tuple[Values, int | None]]:
    """Split a record's rows into instrument instances (at their events): values (lists for
    checkboxes), status. A repeating event's row gives each of its forms that instance."""
    values_of: dict[Instance, Values] = {}
    status_of: dict[Instance, int] = {}
    for row in rows:
        instrument, instance = row.instrument, row.instance or 1
        event = (events or {}).get(row.event) if row.event else None
        for name, value in row.values.items():
            key = (instrument or forms[name], instance, event)
            values = values_of.get(key)
            if values is None:
                values = values_of[key] = {}
            values[name] = sorted(value) if isinstance(value, frozenset | set) else value
        for form, status in row.statuses.items():
            key = (form, instance if instrument or row.instance else 1, event)
            status_of[key] = status
            values_of.setdefault(key, {})
    return {key: (values, status_of.get(key)) for key, values in values_of.items()}


def _entries_of_blanks(
    rows: list[RecordRow], blanks: dict[int, Values], forms: dict[str, str], events: dict[str, int]
) -> dict[Instance, Values]:
    found: dict[Instance, Values] = {}
    for row in rows:
        event = events.get(row.event) if row.event else None
        for name, value in blanks.get(row.row, {}).items():
            key = (row.instrument or forms[name], row.instance or 1, event)
            found.setdefault(key, {})[name] = value
    return found


def _site_for_rows(context: _Context, rows: list[RecordRow]) -> StudySite | None:
    group = next((row.group for row in rows if row.group), None)
    if group:
        return context.sites.get(group.lower())
    if context.free_ids:
        return context.default_site
    return context.default_site or _named_site(context, rows[0].record_id)
