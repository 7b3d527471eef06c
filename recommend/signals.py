"""A changed trainee profile queues a fresh "for you" list for that trainee.

The list is stored by the worker (``recommend.tasks``); without this, a trainee who adds
an interest would see suggestions for the old profile until the nightly run.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def queue_refresh_on_profile_change(sender: Any, *, person_id: int, **kwargs: Any) -> None:
    from recommend.services import queue_refresh

    transaction.on_commit(lambda: queue_refresh(person_id))
