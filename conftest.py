from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test.utils import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Tests hash passwords with MD5: PBKDF2 (or Argon2) costs a quarter of a second of CPU per
# sign-in, sign-up and password change, by design. The production hashers follow, so a
# hash they made still verifies. This must come before the factories are imported: they
# hash their shared password once, at import.
override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *django_settings.PASSWORD_HASHERS,
    ]
).enable()

from core.testing.personas import Personas  # noqa: E402

pytest_plugins = ["core.testing.browser", "core.testing.s3"]


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas.build()


@pytest.fixture
def two_factor(personas: Personas) -> Personas:
    """The same personas with two-factor on, as every privileged action asks of them."""
    return personas.with_two_factor()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits live in the cache; one test's failed logins must not throttle the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads (certificates, documents, exports) go to a scratch folder, never media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# Hypothesis: no deadline per example and no "too slow" health check. A test's outcome
# must not depend on how busy the machine is (CI shares two cores with other work);
# speed is measured by the benchmarks, never asserted.
hypothesis_settings.register_profile(
    "radcollab", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("radcollab")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With RADCOLLAB_MATRIX_LEDGER=<file>, write the routes the access matrices reached
    (core.testing.matrix.LEDGER) to that file, for the completeness test (docs/access.md)."""
    import os

    target = os.environ.get("RADCOLLAB_MATRIX_LEDGER")
    if target:
        from core.testing.ledger import write_ledger

        write_ledger(target, os.environ.get("PYTEST_XDIST_WORKER"))
