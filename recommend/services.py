"""Computing, storing and reading a trainee's "for you" list, and "not for me".

The worker stores each list (`recommendations_refresh`, run by the task and by
`manage.py refresh_recommendations`); the page reads the stored list and computes one
on the fly only when none is stored. Turning an item down is remembered and audited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from people.models import TraineeProfile
from recommend import selectors
from recommend.core import Ranked, Result, TextBackend, default_backend, rank, top_per_kind
from recommend.models import Dismissal, StoredList

STORED_PER_KIND = 10  # kept per kind, so that turning items down leaves others to show
SHOWN_PER_KIND = 5
KEY = re.compile(r"^(mentor|project|opportunity|conference|event):[1-9][0-9]{0,17}$")


def recommendations_compute(
    person: User,
    *,
    now: dt.datetime | None = None,
    backend: TextBackend | None = None,
    dismissed: frozenset[str] | None = None,
    explain_per_kind: int | None = STORED_PER_KIND,
) -> Result | None:
    """Every item the rules allow for `person`, best first; None without a trainee profile."""
    seeker = selectors.seeker_of(person)
    if seeker is None:
        return None
    now = now or timezone.now()
    candidates = selectors.candidates_for(person, seeker, now=now)
    return rank(
        seeker,
        candidates,
        backend=backend or default_backend(),
        now=now,
        dismissed=selectors.dismissed_keys(person) if dismissed is None else dismissed,
        explain_per_kind=explain_per_kind,
    )


def recommendations_refresh(
    *, person_id: int, backend: TextBackend | None = None
) -> StoredList | None:
    """Recompute one trainee's list and store it; None when they have no trainee profile."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return None
    now = timezone.now()
    result = recommendations_compute(person, now=now, backend=backend)
    if result is None:
        StoredList.objects.filter(person=person).delete()
        return None
    items = [item.as_json() for item in top_per_kind(with_reasons(result.ranked), STORED_PER_KIND)]
    stored, _ = StoredList.objects.update_or_create(
        person=person,
        defaults={"computed_at": now, "backend": result.backend, "items": items},
    )
    return stored


def recommendations_refresh_all() -> int:
    """Every active trainee's list, with one backend loaded once; returns how many."""
    backend = default_backend()
    ids = TraineeProfile.objects.filter(person__is_active=True).values_list("person_id", flat=True)
    return sum(
        recommendations_refresh(person_id=pk, backend=backend) is not None
        for pk in ids.order_by("pk")
    )


def with_reasons(items: list[Ranked]) -> list[Ranked]:
    """Only what something in the trainee's profile points to: an item without a single
    reason is not a suggestion, whatever is left of its kind."""
    return [item for item in items if item.reasons]


@dataclass(frozen=True)
class ForYou:
    """What the page shows: the items per kind and where they came from."""

    items: list[Ranked]
    computed_at: dt.datetime | None  # None: computed for this request (nothing stored yet)
    backend: str

    def of_kind(self, kind: str) -> list[Ranked]:
        return [item for item in self.items if item.kind == kind]


def recommendations_for(person: User, *, now: dt.datetime | None = None) -> ForYou | None:
    """The stored list without what was turned down since or has closed since; computed
    on the fly when nothing is stored. None without a trainee profile."""
    if selectors.trainee_profile(person) is None:
        return None
    now = now or timezone.now()
    stored = selectors.stored_list(person)
    if stored is None:
        result = recommendations_compute(person, now=now)
        assert result is not None
        shown = top_per_kind(with_reasons(result.ranked), SHOWN_PER_KIND)
        return ForYou(shown, None, result.backend)
    dismissed = selectors.dismissed_keys(person)
    items = [Ranked.from_json(row) for row in stored.items]
    live = [
        item
        for item in items
        if item.key not in dismissed and (item.closes_at is None or item.closes_at > now)
    ]
    return ForYou(top_per_kind(live, SHOWN_PER_KIND), stored.computed_at, stored.backend)


def _offered(person: User, key: str) -> Ranked | None:
    """The item as the person's list offers it (stored, else computed), or None."""
    stored = selectors.stored_list(person)
    if stored is not None:
        for row in stored.items:
            if row.get("key") == key:
                return Ranked.from_json(row)
    result = recommendations_compute(person, dismissed=frozenset())
    return next((item for item in result.ranked if item.key == key), None) if result else None


@transaction.atomic
def dismissal_create(*, actor: User, item_key: str) -> Dismissal:
    """Remember that `item_key` is not for `actor`; it leaves their list at once.

    Only an item their own list offers may be turned down: the message says so otherwise.
    Turning the same item down twice changes nothing.
    """
    key = item_key.strip()
    if not KEY.match(key):
        raise ValidationError({"item": "This is not an item of your list."})
    existing = Dismissal.objects.filter(person=actor, item_key=key).first()
    if existing is not None:
        return existing
    offered = _offered(actor, key)
    if offered is None:
        raise ValidationError({"item": "This item is not on your list (it may have closed)."})
    dismissal = Dismissal.objects.create(person=actor, item_key=key, title=offered.title[:300])
    audit_record(
        actor=actor,
        action="recommendation.dismiss",
        obj=dismissal,
        changes={"item": (None, key)},
        reason="Not for me",
    )
    return dismissal


@transaction.atomic
def dismissal_delete(*, actor: User, dismissal_id: int) -> Dismissal:
    """Undo "not for me": the item shows again once the list is recomputed (queued)."""
    dismissal = Dismissal.objects.select_for_update().filter(person=actor, pk=dismissal_id).first()
    if dismissal is None:
        raise Dismissal.DoesNotExist("No such choice of yours.")
    audit_record(
        actor=actor,
        action="recommendation.undo_dismiss",
        obj=dismissal,
        changes={"item": (dismissal.item_key, None)},
    )
    dismissal.delete()
    # The stored list was computed without the item: store a new one once this commits.
    person_id = actor.pk
    transaction.on_commit(lambda: queue_refresh(person_id))
    return dismissal


def queue_refresh(person_id: int) -> None:
    """Ask the worker to store a new list for one trainee."""
    from recommend.tasks import refresh_recommendations

    refresh_recommendations.enqueue(person_id=person_id)
