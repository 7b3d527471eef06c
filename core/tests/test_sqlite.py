"""SQLite, the default database, is set up for a web process and a task worker at once."""

from __future__ import annotations

import json
import subprocess
import sys

from core.tests.test_settings import ROOT, production_env

PROBE = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "radcollab.settings"
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    found = {p: cursor.execute(f"PRAGMA {p}").fetchone()[0]
             for p in ("journal_mode", "busy_timeout", "synchronous")}
begun = []
with connection.execute_wrapper(lambda run, sql, *a: begun.append(sql) or run(sql, *a)):
    with transaction.atomic():
        pass
found["begin"] = [sql for sql in begun if sql.startswith("BEGIN")]
print(json.dumps(found))
"""


def test_sqlite_runs_with_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    command = [sys.executable, "-c", PROBE]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found = json.loads(result.stdout or "{}") if result.returncode == 0 else result.stderr
    assert found == {
        "journal_mode": "wal",  # readers never wait for the writer
        "busy_timeout": 15_000,  # a writer waits its turn instead of failing at once
        "synchronous": 1,  # NORMAL: safe with WAL, and faster
        "begin": ["BEGIN IMMEDIATE"],  # the write lock is taken when a transaction begins
    }
