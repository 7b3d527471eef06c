"""A changed trainee profile queues a fresh "for you" list for that trainee.

The list is stored by the worker (``recommend.tasks``); without this, a trainee who adds
an interest would see suggestions for the old profile until the nightly run.
"""

from __future__ import annotations

from django.db import transaction


def queue_refresh_on_profile_change(
    sender: object, *, person_id: int, created: bool = False, **kwargs: object
) -> None:
    """A changed profile's list is stale: queue a new one. A new profile has no stored
    list to go stale (the page computes one on the fly until the nightly run), so
    nothing is queued for it: seeding the demo's 150 trainees queues no work."""
    if created:
        return
    from recommend.services import queue_refresh

    transaction.on_commit(lambda: queue_refresh(person_id))
