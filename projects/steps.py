"""Finding a project, as a step on a newcomer's dashboard (core.extensions.first_step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse

from core.extensions import Step
from people.models import Term
from people.steps import first_interest, profile_of
from projects.models import Application, Member

if TYPE_CHECKING:
    from accounts.models import User


def first_step(user: User) -> Step:
    """Done once the person has applied to a project or is on a team."""
    profile = profile_of(user)
    query: dict[str, Any] = {"sort": "fit"}
    if term := first_interest(profile, Term.Kind.SUBSPECIALTY):
        query["subspecialty"] = term.pk
    done = (
        Application.objects.filter(applicant=user).exists()
        or Member.objects.filter(person=user).exists()
    )
    return Step(
        label="Find a project",
        url=reverse("projects:board") + "?" + urlencode(query),
        done=done,
        hint="Projects in your field, those that fit your time first.",
    )
