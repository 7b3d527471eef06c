"""The logic of an import's records: each distinct set of values resolved once.

Which fields show and what each calculation holds depend only on the values the
branching and calculations read, so across a study's records (whose values repeat) the
writer (`writer.py`) resolves each set once and remembers it (`_Logic`), then applies
it to each entry: calculations recalculated, hidden fields cleared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from capture.imports.checks import Values
from capture.logic import Context, Resolution, Stored, resolve, variables
from capture.logic.nodes import Smart, Variable, walk
from capture.services import Dictionary, user_name
from formats.datadictionary import FieldType

if TYPE_CHECKING:
    from accounts.models import User


class _Logic:
    """`resolve` for each record, remembered by the values its logic reads.

    Which fields show and what each calc holds depend only on the values the branching
    and calculations read (and on today and now, fixed for the import), and across a
    study's records those values repeat; so each distinct set is resolved once. `apply`
    writes a resolution into an entry's data.
    """

    REMEMBERED = 20_000

    def __init__(self, dictionary: Dictionary, now: datetime, actor: User | None = None) -> None:
        self.fields = dictionary.active_logic
        local = timezone.localtime(now)
        # What the form's logic reads besides the values, as on the entry form
        # (`services.logic_context`): the study's today and now, the person importing.
        self.context = Context(today=local.date(), now=local, user_name=user_name(actor))
        read: dict[str, None] = dict.fromkeys(self.fields)
        smart: set[str] = set()
        for logic in self.fields.values():
            for node in (logic.branching, logic.calc):
                if node is not None:
                    read.update(dict.fromkeys(variables(node)))
                    smart.update(n.name for n in walk(node) if isinstance(n, Smart))
        self.read = tuple(read)
        # The record's own name and site matter only to logic that reads them.
        self.per_record = bool(smart & {"record-name", "record-dag-name"})
        # Logic that reads another event's field is resolved afresh for each record.
        self.cross_event = any(
            isinstance(n, Variable) and n.event is not None
            for logic in self.fields.values()
            for node in (logic.branching, logic.calc)
            if node is not None
            for n in walk(node)
        )
        self.calcs = tuple(name for name, logic in self.fields.items() if logic.calc)
        self.remembered: dict[tuple[Hashed, ...], Resolution[Stored]] = {}
        # Per instrument, the fields a resolution can change: calcs and branching fields.
        self.with_logic = {
            form: [f for f in fields if f.field_type == FieldType.CALC or f.name in self.fields]
            for form, fields in dictionary.by_form.items()
        }

    def resolve(
        self,
        values: Values,
        label: str = "",
        site_code: str = "",
        at: tuple[str, dict[str, Values]] | None = None,
    ) -> Resolution[Stored]:
        if at is not None:
            context = replace(
                self.context, record_name=label, dag_name=site_code.lower(), event_name=at[0],
                events=at[1],
            )  # fmt: skip
            resolved = resolve(self.fields, values, context=context)
            return Resolution({n: resolved.values.get(n, "") for n in self.calcs}, resolved.hidden)
        key = tuple(_hashable(values.get(name)) for name in self.read)
        if self.per_record:
            key += (label, site_code)
        found = self.remembered.get(key)
        if found is None:
            context = (
                replace(self.context, record_name=label, dag_name=site_code.lower())
                if self.per_record
                else self.context
            )
            fresh = resolve(self.fields, values, context=context)
            # Keep only what the import reads: calc values and what is hidden.
            calcs = {name: fresh.values.get(name, "") for name in self.calcs}
            found = Resolution(calcs, fresh.hidden)
            if len(self.remembered) < self.REMEMBERED:
                self.remembered[key] = found
        return found

    def apply(self, instrument: str, data: Values, resolved: Resolution[Stored]) -> None:
        """Calculated fields recalculated, fields hidden by branching cleared."""
        for f in self.with_logic.get(instrument, ()):
            if f.field_type == FieldType.CALC and f.name in resolved.values:
                data[f.name] = resolved.values[f.name]
            elif f.field_type == FieldType.CALC:
                # A calculation not evaluated here keeps the value it is given.
                data[f.name] = data.get(f.name, "")
            elif f.name in resolved.hidden and f.name in data:
                data[f.name] = [] if f.field_type == FieldType.CHECKBOX else ""


# A value the logic reads, as part of the key its resolution is remembered by.
Hashed = str | tuple[str, ...] | None


def _hashable(value: Stored | None) -> Hashed:
    return tuple(value) if isinstance(value, list) else value
