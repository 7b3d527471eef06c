"""Finding a mentor, as a step on a newcomer's dashboard (core.extensions.first_step)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from core.extensions import Step
from mentors.models import ContactRequest
from network import access
from people.models import Term
from people.steps import first_interest, profile_of

if TYPE_CHECKING:
    from accounts.models import User


def first_step(user: User) -> Step:
    """Done once the person has written to a mentor; the link filters by their interest
    and starts from their hospital (a pending member's too)."""
    profile = profile_of(user)
    query: dict[str, str | int] = {"accepting": "on"}
    if term := first_interest(profile, Term.Kind.SUBSPECIALTY):
        query["subspecialty"] = term.pk
    places = [*access.memberships_of(user), *access.pending_memberships_of(user)]
    if site_id := next((m.site_id for m in places if m.site_id), None):
        query["near"] = site_id
        query["sort"] = "distance"
    return Step(
        label="Find a mentor",
        url=reverse("mentors:directory") + "?" + urlencode(query),
        done=ContactRequest.objects.filter(trainee=user).exists(),
        hint="Mentors taking trainees in your field, nearest first.",
    )
