"""Settings come from the environment; production without safe values refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from radcollab.env import env_bool, env_choice, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-0123456789",
    "ALLOWED_HOSTS": "radcollab.example.org",
    "DATABASE_URL": "sqlite:////tmp/radcollab-deploy-check.sqlite3",
    "EMAIL_BACKEND": "smtp",
}


# The test run's own relaxations (plain HTTP, no manifest) must not leak into "production".
TEST_ONLY = (
    "DEBUG",
    "SECRET_KEY",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(**overrides: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return {**clean, **PRODUCTION, **overrides}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_debug_a_secret_key_is_required():
    result = run_manage("check", env=production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_misspelt_setting_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", default=False)
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 587)
    monkeypatch.setenv("RADCOLLAB_SIGNUP_MODE", "closed")
    with pytest.raises(ImproperlyConfigured, match="RADCOLLAB_SIGNUP_MODE must be one of"):
        env_choice("RADCOLLAB_SIGNUP_MODE", ("open", "invite"), "open")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example.org, b.example.org,")
    assert env_list("ALLOWED_HOSTS") == ["a.example.org", "b.example.org"]


def test_postgresql_comes_from_database_url():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = production_env(DATABASE_URL="postgres://u:p@db.example.org:5432/radcollab")
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'radcollab.settings'"
    result = subprocess.run(
        [sys.executable, "-c", f"{setup}; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr
