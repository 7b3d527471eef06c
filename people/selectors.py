from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from network import access
from network.models import Site
from people.models import MentorProfile, TraineeProfile

if TYPE_CHECKING:
    from core.types import User


@dataclass(frozen=True)
class Profiles:
    trainee: TraineeProfile | None
    mentor: MentorProfile | None


def profiles_of(person: User) -> Profiles:
    trainee = (
        TraineeProfile.objects.select_related("scheme")
        .prefetch_related("interests", "skills")
        .filter(person=person)
        .first()
    )
    mentor = (
        MentorProfile.objects.select_related("site", "site__region")
        .prefetch_related("expertise")
        .filter(person=person)
        .first()
    )
    return Profiles(trainee=trainee, mentor=mentor)


def home_site(user: User) -> Site | None:
    """Where distances are measured from (the mentor directory, the board's fit): the
    person's mentor site, else a membership's."""
    profile = MentorProfile.objects.filter(person=user).select_related("site").first()
    if profile is not None and profile.site is not None:
        return profile.site
    return next((m.site for m in access.memberships_of(user) if m.site is not None), None)
