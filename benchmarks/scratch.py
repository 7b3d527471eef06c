"""What every benchmark shares: a scratch database and Django configured to use it.

Each benchmark builds its own database (a temporary SQLite file, or a PostgreSQL
database dropped and created again), so figures never depend on a developer's data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def scratch_database(db: str, pg_name: str) -> str:
    """The URL of an empty database: a new SQLite file, or PostgreSQL's `pg_name` made anew."""
    if db == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='radcollab-bench-')}/bench.sqlite3"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {pg_name}")
        admin.execute(f"CREATE DATABASE {pg_name}")
    return f"postgres://postgres@127.0.0.1:5432/{pg_name}"


def setup_django(url: str, *, migrate: bool = True, **env: str) -> None:
    """Configure Django for `url` as a production process would run, then migrate."""
    os.environ.update(
        DATABASE_URL=url,
        # Persistent connections, as the README recommends for production: without them
        # every request pays for a new PostgreSQL backend process.
        DATABASE_CONN_MAX_AGE="60",
        SECRET_KEY="benchmark-only-secret-key-not-for-production",  # noqa: S106
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        RADCOLLAB_TASK_BACKEND="immediate",
        DJANGO_SETTINGS_MODULE="radcollab.settings",
        LOG_LEVEL="WARNING",
        **env,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
