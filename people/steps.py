"""The research profile's step on a newcomer's dashboard (core.extensions.first_step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from core.extensions import Step
from people.models import Term, TraineeProfile

if TYPE_CHECKING:
    from core.types import User


def profile_of(user: User) -> TraineeProfile | None:
    """The person's trainee profile, fetched once per request (every step asks for it)."""
    if not hasattr(user, "_first_steps_profile"):
        found = TraineeProfile.objects.filter(person=user).first()
        # A per-request cache on the user (request.user may be a lazy proxy: set through it).
        setattr(user, "_first_steps_profile", found)  # noqa: B010 - not a model field
    cached: TraineeProfile | None = getattr(user, "_first_steps_profile")  # noqa: B009
    return cached


def first_step(user: User) -> Step:
    """Done when the profile names at least one interest: what mentors and projects match."""
    profile = profile_of(user)
    done = profile is not None and profile.interests.exists()
    return Step(
        label="Complete your research profile",
        url=reverse("people:trainee_edit") + "?next=" + reverse("dashboard"),
        done=done,
        hint="Your interests and time: the next steps are filtered by them.",
    )


def first_interest(profile: TraineeProfile | None, kind: str) -> Term | None:
    """The profile's first interest of `kind` (a subspecialty, a modality), or None."""
    if profile is None:
        return None
    return profile.interests.filter(kind=kind).order_by("position", "name").first()
