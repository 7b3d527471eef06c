"""/healthz and /readyz name each dependency: database, Redis when configured, storage."""

from __future__ import annotations

import pytest

from core.testing.s3 import free_port

pytestmark = pytest.mark.django_db


def test_redis_is_checked_only_when_configured(client, settings):
    assert "redis" not in client.get("/healthz").json()
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable: ConnectionError"
    assert client.get("/readyz").status_code == 503


def test_a_reachable_redis_is_ok(client, settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on this machine")
    settings.REDIS_URL = url
    assert client.get("/healthz").json()["redis"] == "ok"


def test_readyz_refuses_a_node_whose_schema_is_behind(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 migrations not applied (run manage.py migrate)"
    assert client.get("/healthz").status_code == 200  # alive, but not ready
