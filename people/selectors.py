from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from people.models import MentorProfile, TraineeProfile

if TYPE_CHECKING:
    from accounts.models import User


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
