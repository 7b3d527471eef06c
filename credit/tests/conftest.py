import pytest
from django.core.cache import cache

from credit import dashboard


@pytest.fixture(autouse=True)
def _fresh_dashboard():
    """Each test counts its own world: the dashboard's minute-long cache starts empty."""
    cache.delete(dashboard.CACHE_KEY)
    yield
    cache.delete(dashboard.CACHE_KEY)
