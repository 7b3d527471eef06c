"""The production path end to end: collectstatic, migrate, gunicorn, whitenoise, healthz, on
the database engine the tests run on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.testing import databases
from core.tests.test_settings import ROOT, production_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local server
        return response.status, response.read().decode()


@pytest.fixture
def production(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_blocker: Any,
) -> Iterator[dict[str, str]]:
    """The production settings on a database of their own, on the engine of the run.

    Under pytest-xdist the database is a copy of the run's migrated template (the same
    migrations, run once for the run: 15 s less here), and `migrate` then finds nothing
    to do; in one process it is a new SQLite file that `migrate` builds whole."""
    copied = None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        request.getfixturevalue("django_db_setup")  # makes the template if no test has
        with django_db_blocker.unblock():
            copied = databases.migrated_copy(tmp_path_factory.getbasetemp().parent, tmp_path)
    database_url, drop = copied or (f"sqlite:///{tmp_path / 'db.sqlite3'}", None)
    env = production_env(
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp_path / "static"),
        ALLOWED_HOSTS="127.0.0.1",
        TRUST_X_FORWARDED_PROTO="true",
    )
    for command in (["collectstatic", "--no-input", "-v0"], ["migrate", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    yield env
    if drop is not None:
        with django_db_blocker.unblock():
            drop()


def test_gunicorn_serves_pages_and_hashed_static_files(production):
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "radcollab.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=production,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                status, body = fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 s")
        assert (status, body) == (200, '{"status": "ok", "database": "ok", "storage": "ok"}')
        status, body = fetch(f"{base}/readyz")
        assert status == 200
        assert '"migrations": "ok"' in body
        status, page = fetch(f"{base}/")
        assert status == 200
        stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert stylesheet.startswith("/static/vendor/pico/pico.")
        assert stylesheet != "/static/vendor/pico/pico.min.css", "the hashed name is used"
        status, css = fetch(base + stylesheet)
        assert status == 200
        assert "--pico" in css
    finally:
        # A graceful stop waits for the workers (up to gunicorn's 30 s graceful timeout);
        # on a loaded CI machine that has taken over 10 s. Stopping is not under test.
        server.terminate()
        try:
            server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
