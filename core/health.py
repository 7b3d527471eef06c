"""What /healthz and /readyz report: the database, Redis (when configured) and storage.

Each check answers "ok" or a short reason a person can act on; none raises. /healthz
says whether the process and what it depends on answer; /readyz also asks whether the
schema is migrated, so a node that starts with wrong storage credentials or before
`migrate` refuses traffic and says why.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import DatabaseError

from core.files import storage_check

logger = logging.getLogger("radcollab.health")


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"unreachable: {error.__class__.__name__}"
    return "ok"


def redis_check() -> str | None:
    """None when no REDIS_URL is set (nothing to check)."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"unreachable: {error.__class__.__name__}"
    return "ok"


def migrations_check() -> str:
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"unreadable: {error.__class__.__name__}"
    if waiting:
        return f"{len(waiting)} migrations not applied (run manage.py migrate)"
    return "ok"


def health() -> dict[str, str]:
    found = {"database": database_check()}
    redis_state = redis_check()
    if redis_state is not None:
        found["redis"] = redis_state
    found["storage"] = storage_check()
    return found


def readiness() -> dict[str, str]:
    found = health()
    if found["database"] == "ok":
        found["migrations"] = migrations_check()
    failing = {name: state for name, state in found.items() if state != "ok"}
    if failing:
        logger.warning("Not ready: %s", "; ".join(f"{k}: {v}" for k, v in failing.items()))
    return found
