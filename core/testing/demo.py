"""The demo network (`seed_demo`) for tests, built once per test process.

Building the network runs every app's demo seeder (hundreds of study entries, mentoring
requests, outputs, ranked lists): about ten seconds of CPU, paid again by every test that
needs it. `demo_network()` pays it once per process (per pytest-xdist worker): the first
call runs `seed_demo` and keeps a copy of every row (as Django's serialized rollback does,
but as Python values: JSON would cut times to the millisecond) and of the files the
seeders stored; every later call empties the database and loads the copy back, with the
same primary keys, each model's rows in a few multi-row INSERTs (1.5 s on PostgreSQL).

Call it first in a test, before the test (or a fixture: `personas`, `two_factor`) makes
anything of its own: the first call copies the database as it finds it (with the data the
migrations load, or emptied by an earlier transactional test), and every later call starts
from that copy; a first call that finds people already there refuses. Tests of `seed_demo`
itself start from this too and run the command once more: it prints the same logins on
every run, and the second run must add nothing. One test seeds for real whatever the
order (core/tests/test_testing_demo.py): that the copy restores exactly what the command
built.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

from core import fragments


@dataclass(frozen=True)
class _Snapshot:
    rows: list[dict[str, Any]]
    media: Path
    search: dict[str, tuple[list[str], list[tuple[Any, ...]]]]


# One copy per database alias for the life of the process.
_snapshots: dict[str, _Snapshot] = {}


def demo_network(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the database and fill it with the demo network, as `seed_demo` makes it."""
    connection = connections[using]
    # Inside a test's transaction, PostgreSQL refuses to empty a table with constraint
    # checks still pending (deferred until commit): run them now.
    if connection.in_atomic_block:
        connection.check_constraints()
    snapshot = _snapshots.get(using)
    if snapshot is None:
        # The copy is what every later call in the process restores: it must not keep what
        # the test made before (a fixture's personas, say), whichever test comes first.
        if get_user_model()._default_manager.using(using).exists():
            raise RuntimeError(
                "demo_network() must come first in a test, before the test or its fixtures "
                "(personas, two_factor) make anyone: the copy would keep them"
            )
        call_command("seed_demo", stdout=StringIO())
        media = Path(tempfile.mkdtemp(prefix="radcollab-demo-media-"))
        if Path(settings.MEDIA_ROOT).is_dir():
            shutil.copytree(settings.MEDIA_ROOT, media, dirs_exist_ok=True)
        _snapshots[using] = _Snapshot(_rows(connection), media, _search_tables(connection))
        return
    # The copy holds the content types and permissions too: recreating them after the
    # flush (post_migrate) would give them other keys than the copy's rows point to.
    # The sequences are set after the load (`_load`), so the flush leaves them: that
    # empties the tables with DELETE instead of TRUNCATE (core/testing/databases.py),
    # 0.3 s instead of 0.9 s per restore on PostgreSQL.
    call_command(
        "flush",
        interactive=False,
        verbosity=0,
        database=using,
        inhibit_post_migrate=True,
        reset_sequences=False,
    )
    _load(connection, snapshot.rows)
    _load_search_tables(connection, snapshot.search)
    ContentType.objects.clear_cache()
    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)


def _rows(connection: BaseDatabaseWrapper) -> list[dict[str, Any]]:
    """Every row of every migrated model: what `serialize_db_to_string` copies."""
    migrated = MigrationLoader(connection).migrated_apps

    def objects() -> Any:
        for app in apps.get_app_configs():
            if app.models_module is None or app.label not in migrated:
                continue
            if app.name in settings.TEST_NON_SERIALIZED_APPS:
                continue
            for model in app.get_models():
                if model._meta.can_migrate(connection) and router.allow_migrate_model(
                    connection.alias, model
                ):
                    manager = model._base_manager.using(connection.alias)
                    yield from manager.order_by(model._meta.pk.name).iterator()

    rows: list[dict[str, Any]] = serializers.serialize("python", objects())
    return rows


def _load(connection: BaseDatabaseWrapper, rows: list[dict[str, Any]]) -> None:
    """`deserialize_db_from_string`, from Python values, a model's rows at a time:
    forward references allowed, every key checked at the end.

    Each model's rows go in as a few multi-row INSERTs, as a raw save writes them (the
    values as copied, `auto_now` not applied, no signals), instead of a save per row: a
    save tries an UPDATE first, so the 3,900 rows of the demo took 8,800 statements and
    eight seconds on PostgreSQL. The generations of the pages kept by `core.fragments`
    are raised for the apps restored, as the saves' signals did.
    """
    alias = connection.alias
    by_model: dict[type[Model], list[Model]] = {}
    links: dict[type[Model], list[Model]] = {}
    for row in serializers.deserialize("python", rows, using=alias):
        obj = row.object
        by_model.setdefault(type(obj), []).append(obj)
        for name, targets in (row.m2m_data or {}).items():
            field = obj._meta.get_field(name)
            through = field.remote_field.through  # type: ignore[union-attr]  # an m2m field
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
            links.setdefault(through, []).extend(
                through(**{f"{source}_id": obj.pk, f"{target}_id": pk}) for pk in targets
            )
    with transaction.atomic(using=alias):
        with connection.constraint_checks_disabled():
            for model, objects in [*by_model.items(), *links.items()]:
                _insert_raw(connection, model, objects)
        tables = sorted({model._meta.db_table for model in [*by_model, *links]})
        connection.check_constraints(table_names=tables)
        # The rows came back with their keys: new rows must be numbered after them, even
        # if a test reset the sequences since the copy was made (PostgreSQL; SQLite
        # numbers after the largest key by itself).
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in tables
            or (
                model._meta.auto_created
                and model._meta.managed
                and model._meta.can_migrate(connection)
            )
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    fragments.bump(*({model._meta.app_label for model in by_model} - fragments.IGNORED))


def _insert_raw(connection: BaseDatabaseWrapper, model: type[Model], objects: list[Model]) -> None:
    """INSERT `objects` as `Model.save_base(raw=True)` would one by one: with their keys,
    or (the links of a many-to-many field, which the copy holds without theirs) numbered
    by the database."""
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    if objects and objects[0].pk is None:
        fields = [f for f in fields if f is not model._meta.auto_field]
    size = max(1, connection.ops.bulk_batch_size(fields, objects))
    for start in range(0, len(objects), size):
        model._base_manager.using(connection.alias)._insert(  # type: ignore[attr-defined]
            objects[start : start + size], fields=fields, using=connection.alias, raw=True
        )


def _search_tables(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    """On SQLite, the full-text indexes (FTS5 tables the migrations create, outside every
    model: the mentor directory's, the project board's) with their rows. PostgreSQL keeps
    its search vectors in model columns, which the rows already hold."""
    if connection.vendor != "sqlite":
        return {}
    copies = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT rowid, * FROM "{table}"')  # noqa: S608 - a table name
            columns = ["rowid", *(column[0] for column in cursor.description[1:])]
            copies[table] = (columns, cursor.fetchall())
    return copies


def _load_search_tables(connection: BaseDatabaseWrapper, copies: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        for table, (columns, rows) in copies.items():
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a table name
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("%s" for _ in columns)
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
            cursor.executemany(insert, rows)
