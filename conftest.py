from __future__ import annotations

import pytest

from core.testing.personas import Personas

pytest_plugins = ["core.testing.browser"]


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas.build()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits live in the cache; one test's failed logins must not throttle the next."""
    from django.core.cache import cache

    cache.clear()
