"""One migrated test database per test run, copied to every pytest-xdist worker.

Creating a test database runs every migration: about fifteen seconds of CPU on SQLite
and more on PostgreSQL, paid by each worker. Here the first worker to take the lock
migrates a template database once for the run, and every worker (that one included)
starts from an exact copy of it: PostgreSQL copies it with `CREATE DATABASE ... TEMPLATE`,
SQLite copies the migrated file into the worker's in-memory database with SQLite's
backup API. The copy is the same schema and rows (content types, permissions, the data
the migrations load) that migrating would give, byte for byte.

Used by the root conftest's `django_db_setup`; outside xdist, with `--reuse-db`, without
migrations, with more than the default database, or on another engine, the databases are
made as pytest-django makes them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

try:  # POSIX only: elsewhere every worker migrates its own database.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
# In the run's shared folder: the lock the workers take in turn, and the file naming the
# template once it is migrated.
LOCK = "radcollab-test-db.lock"
MARKER = "radcollab-test-db.ready"


def can_share(*, keepdb: bool, migrations: bool) -> bool:
    """Whether this process may copy the run's template instead of migrating."""
    return (
        fcntl is not None
        and bool(os.environ.get("PYTEST_XDIST_WORKER"))
        and migrations
        and not keepdb
        and list(connections) == [DEFAULT_DB_ALIAS]
        and connections[DEFAULT_DB_ALIAS].settings_dict["ENGINE"] in ENGINES
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup_from_template(shared: Path, verbosity: int) -> list[tuple[Any, str, bool]]:
    """Give this worker its test database, copied from the run's migrated template.

    `shared` is a folder every worker of the run sees (the run's base temporary folder).
    Returns the `old_config` that `django.test.utils.teardown_databases` expects."""
    connection: Any = connections[DEFAULT_DB_ALIAS]
    old_name = connection.settings_dict["NAME"]
    worker_name = connection.creation._get_test_db_name()
    with _locked(shared / LOCK):
        marker = shared / MARKER
        if marker.exists():
            template = marker.read_text()
        else:
            template = _template_name(connection, shared)
            _build_template(connection, template, verbosity)
            marker.write_text(template)
        if connection.vendor == "postgresql":
            _clone_postgresql(connection, template, worker_name)
    if connection.vendor == "sqlite":
        _clone_sqlite(connection, template, worker_name)
    return [(connection, old_name, True)]


def _template_name(connection: Any, shared: Path) -> str:
    if connection.vendor == "sqlite":
        return str(shared / "radcollab-test-template.sqlite3")
    # One name per run: two runs at once (two worktrees) must not share a template.
    return f"{connection.creation._get_test_db_name()}_template_{os.getpid()}"[:63]


def _build_template(connection: Any, template: str, verbosity: int) -> None:
    """Migrate the template as Django creates a test database, then let go of it."""
    test_settings = connection.settings_dict["TEST"]
    worker_test_name = test_settings.get("NAME")
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        test_settings["NAME"] = worker_test_name
    if connection.vendor == "sqlite":
        # A WAL file beside the template must be folded in before it is copied.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA journal_mode=DELETE")
    connection.close()


def _use(connection: Any, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _clone_postgresql(connection: Any, template: str, target: str) -> None:
    _create_from_template(connection, template, target)
    _use(connection, target)
    connection.ensure_connection()


def _clone_sqlite(connection: Any, template: str, target: str) -> None:
    _use(connection, target)
    connection.ensure_connection()
    if connection.creation.is_in_memory_db(target):
        _copy_sqlite(template, connection.connection)
    else:
        connection.close()
        Path(target).unlink(missing_ok=True)
        _copy_sqlite_file(template, target)
        connection.ensure_connection()


def _create_from_template(connection: Any, template: str, target: str) -> None:
    """PostgreSQL: `target` made anew as a copy of `template`."""
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")


def _copy_sqlite(template: str, into: sqlite3.Connection) -> None:
    """The template's pages into an open database, with SQLite's backup API."""
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(into)
    finally:
        source.close()


def _copy_sqlite_file(template: str, target: str | Path) -> None:
    copy = sqlite3.connect(target)
    try:
        _copy_sqlite(template, copy)
    finally:
        copy.close()


def migrated_copy(shared: Path, folder: Path) -> tuple[str, Callable[[], None]] | None:
    """A database of its own, copied from the run's migrated template, for a test that
    starts the app in another process (`core/tests/test_deployment.py`): its
    `DATABASE_URL` and how to drop it. SQLite: a file in `folder`; PostgreSQL: a database
    on the same server. None where the run made no template (one process, `--reuse-db`):
    the caller migrates its own then.
    """
    marker = shared / MARKER
    if not marker.exists():
        return None
    template = marker.read_text()
    connection: Any = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        target = folder / "db.sqlite3"
        _copy_sqlite_file(template, target)
        return f"sqlite:///{target}", lambda: None
    name = f"{connection.creation._get_test_db_name()}_copy"[:63]
    quote = connection.ops.quote_name
    with _locked(shared / LOCK):
        _create_from_template(connection, template, name)

    def drop() -> None:
        # FORCE: a server process killed on a slow stop may leave its connection behind.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")

    given = connection.settings_dict
    login = quote_plus(given["USER"] or "") + (
        ":" + quote_plus(given["PASSWORD"]) if given["PASSWORD"] else ""
    )
    place = quote_plus(given["HOST"] or "") + (f":{given['PORT']}" if given["PORT"] else "")
    return f"postgres://{login}@{place}/{quote_plus(name)}", drop


def drop_template(shared: Path) -> None:
    """At the end of the run (in the controlling process), remove the template."""
    marker = shared / MARKER
    if not marker.exists():
        return
    template = marker.read_text()
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
    else:
        Path(template).unlink(missing_ok=True)


def empty_tables_with_delete() -> None:
    """On PostgreSQL, a transactional test (a live server, `transaction=True`) ends with
    Django's flush, one `TRUNCATE` of every table: PostgreSQL gives each of the ~200
    tables and their indexes new files, seconds of I/O per test. `DELETE` empties the
    same tables in milliseconds when they hold a test's few rows. Django's foreign keys
    are checked at commit (DEFERRABLE INITIALLY DEFERRED), so the order does not matter;
    no table has an ON DELETE trigger. A flush that resets sequences or cascades is left
    to TRUNCATE. Tests only: installed by the root conftest."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    if getattr(truncate, "deletes", False):
        return

    def sql_flush(
        self: DatabaseOperations,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    sql_flush.deletes = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign,assignment]
