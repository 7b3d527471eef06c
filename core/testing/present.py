"""`present(x)`: a test's way of saying a lookup that may find nothing found something."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(found: T | None) -> T:
    """`found`, asserted not None (an Optional result the test knows is there)."""
    assert found is not None, "the lookup found nothing"
    return found
