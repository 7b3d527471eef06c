"""Deadlines, as a step on a newcomer's dashboard (core.extensions.first_step)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from core.extensions import Step
from events.models import FeedToken, Follow
from people.models import Term
from people.steps import first_interest, profile_of

if TYPE_CHECKING:
    from accounts.models import User


def first_step(user: User) -> Step:
    """Done once the person follows a conference or has a calendar feed."""
    profile = profile_of(user)
    query = ""
    if term := first_interest(profile, Term.Kind.SUBSPECIALTY):
        query = "?" + urlencode({"subspecialty": term.pk})
    done = (
        Follow.objects.filter(person=user).exists()
        or FeedToken.objects.filter(person=user, revoked_at__isnull=True).exists()
    )
    return Step(
        label="Subscribe to deadlines",
        url=reverse("events:calendar") + query,
        done=done,
        hint="Follow the conferences you aim for: their abstract deadlines come to you.",
    )
