"""Many rows at once: COPY on PostgreSQL, executemany or multi-row INSERT elsewhere.

The one bulk-insert helper: record imports (`capture/imports/writer.py`: records, entries,
audit rows) and output imports (`outputs/imports/writing.py`: authors) write through it.

Django's `bulk_create` prepares every value of every object through its field, which at
a few hundred thousand rows costs more than the database's own work. A `Table` takes
rows already in the database's form (`db_datetime`, `db_json`) for the columns it is
given and fills every other column with its default once, so a column added to the
model later (with a default) needs no change here. Call it inside a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

if TYPE_CHECKING:
    # A value as the database driver takes it (a parameter of `cursor.execute`).
    from django.db.backends.utils import _SQLType as SQLValue

# Rows per multi-row INSERT when the backend states no limit on parameters.
_ROWS_PER_STATEMENT = 1_000


def db_datetime(moment: datetime) -> str | None:
    """An aware datetime as the database stores it (SQLite: text in UTC)."""
    return connection.ops.adapt_datetimefield_value(moment)


def db_json(value: object) -> str:
    """A JSONField value as JSON text, as `JSONField` writes it (no custom encoder)."""
    return json.dumps(value)


class Table:
    """Inserts into one model's table: `columns` are field names, given per row in order."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        meta = model._meta
        given = [meta.get_field(name) for name in columns]
        others = [
            f
            for f in meta.concrete_fields
            if f.name not in columns and not f.primary_key and isinstance(f, models.Field)
        ]
        now = timezone.now()
        self.constants = tuple(_default(f, now) for f in others)
        quote = connection.ops.quote_name
        self.columns = [quote(f.column) for f in [*given, *others] if isinstance(f, models.Field)]
        self.table = quote(meta.db_table)
        self.table_name = meta.db_table
        assert meta.pk is not None
        self.pk_column = meta.pk.column
        self.pk = quote(meta.pk.column)

    def insert(self, rows: Iterable[Sequence[SQLValue]]) -> None:
        """Insert every row; nothing is read back."""
        full = (tuple(row) + self.constants for row in rows)
        names = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.table} ({names}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in full:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            # Names come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model) # nosec B608
            cursor.executemany(sql, list(full))

    def insert_with_ids(self, rows: Sequence[Sequence[SQLValue]]) -> list[int]:
        """Insert every row and return the ids the database gave them, in the rows' order.

        PostgreSQL: ids taken from the table's sequence first, then COPY (a large INSERT
        costs more to build than to run). Elsewhere: multi-row INSERT ... RETURNING,
        whose rows come back in the order inserted, as Django's bulk_create also relies on.
        """
        if not rows:
            return []
        if connection.vendor == "postgresql":
            return self._copy_with_ids(rows)
        limit = connection.features.max_query_params
        per_statement = max(1, limit // len(self.columns)) if limit else _ROWS_PER_STATEMENT
        names = ", ".join(self.columns)
        one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                values = ", ".join([one] * len(chunk))
                # Names come from the model's meta, quoted; values are parameters.
                sql = f"INSERT INTO {self.table} ({names}) VALUES {values} RETURNING {self.pk}"  # noqa: S608 (names from the model) # nosec B608
                cursor.execute(sql, [value for row in chunk for value in (*row, *self.constants)])
                ids.extend(found for (found,) in cursor.fetchall())
        return ids

    def _copy_with_ids(self, rows: Sequence[Sequence[SQLValue]]) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.table_name, self.pk_column, len(rows)],
            )
            ids = [found for (found,) in cursor.fetchall()]
            names = ", ".join([self.pk, *self.columns])
            with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row, *self.constants))
        return ids


def _default(field: models.Field[Any, Any], now: datetime) -> SQLValue:
    """What `save()` would write in a column the caller does not give."""
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        value: object = now
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)
