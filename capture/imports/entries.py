"""A record's rows as entries: values by instrument instance (and event), the blanks
that erase in an overwrite, merged with the entries stored, for the writer (`writer.py`).
"""

from __future__ import annotations

from capture.imports.checks import Instance, Values, _Context, _named_site
from capture.models import Entry, StudySite
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


def _touched(
    record_id: int,
    rows: list[RecordRow],
    stored: dict[tuple[int, str, int, int | None], Entry],
    blanks: dict[int, Values],
    forms: dict[str, str],
    events: dict[str, int],
) -> dict[Instance, tuple[Values, int | None]]:
    """The entries a record's rows write (values, status), with the blanks that erase."""
    touched = _entries_of(rows, forms, events)
    # Blanks that erase (overwrite) reach only entries that exist or get a value.
    found = _entries_of_blanks(rows, blanks, forms, events)
    for key, blank in found.items():
        if key in touched or (record_id, *key) in stored:
            values, status = touched.get(key, ({}, None))
            touched[key] = ({**blank, **values}, status)
    return touched


def _merged(
    record_id: int,
    touched: dict[Instance, tuple[Values, int | None]],
    stored: dict[tuple[int, str, int, int | None], Entry],
    *,
    longitudinal: bool,
) -> tuple[dict[Instance, Values], dict[int | None, Values]]:
    """Each touched entry's data, the file's values over what is stored; and at each event
    (None in a classic study) the values its logic reads, those of the first instances."""
    merged: dict[int | None, Values] = {}
    data_of: dict[Instance, Values] = {}
    for key, (values, _) in touched.items():
        entry = stored.get((record_id, *key))
        data_of[key] = {**entry.data, **values} if entry else values
        if key[1] == 1:
            merged.setdefault(key[2], {}).update(data_of[key])
    if stored and longitudinal:
        # The event's stored forms that the file leaves alone are read by its logic too.
        for (rid, form, instance, event), entry in stored.items():
            same = rid == record_id and instance == 1 and event in merged
            if same and (form, 1, event) not in touched:
                merged[event] = {**entry.data, **merged[event]}
    return data_of, merged
