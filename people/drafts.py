"""What a request or an application can say already, drafted from the research profile.

The mentor request and the project application start from these words, so a newcomer
does not type again what their profile says; they edit and add what only they know.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from network import access
from people.models import Term, TraineeProfile

if TYPE_CHECKING:
    from core.types import User
    from network.models import Site


def _names(terms: Iterable[Term]) -> str:
    names = [term.name for term in terms]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""


def _hospital(person: User) -> Site | None:
    places = [*access.memberships_of(person), *access.pending_memberships_of(person)]
    return next((m.site for m in places if m.site is not None), None)


def who_i_am(person: User, profile: TraineeProfile) -> str:
    """ "I am an ST3 radiology trainee at Leeds General Infirmary (West Yorkshire scheme),
    interested in neuroradiology and MRI." plus the career goals, when given."""
    grade = profile.get_grade_display()
    where = f" at {hospital}" if (hospital := _hospital(person)) else ""
    scheme = f" ({profile.scheme})" if profile.scheme_id else ""
    text = f"I am {'an' if grade[:1] in 'AEFHILMNORSX' else 'a'} {grade} radiology trainee"
    text += f"{where}{scheme}"
    interests = _names(profile.interests.all())
    text += f", interested in {interests}." if interests else "."
    if profile.career_goals:
        text += f" {profile.career_goals.strip()}"
    return text


def what_i_offer(profile: TraineeProfile) -> str:
    """Skills and time, as the profile states them."""
    parts = []
    if skills := _names(profile.skills.all()):
        parts.append(f"Skills: {skills}.")
    parts.append(
        f"About {profile.hours_per_week} hours a week for research "
        f"({profile.get_research_time_display().lower()})."
    )
    return " ".join(parts)


def mentor_request_initial(person: User) -> dict[str, object]:
    """The guided mentor request's starting values; empty without a trainee profile."""
    profile = TraineeProfile.objects.filter(person=person).select_related("scheme").first()
    if profile is None:
        return {}
    return {
        "grade": profile.grade,
        "hours_per_week": profile.hours_per_week,
        "who_i_am": who_i_am(person, profile),
        "what_i_offer": what_i_offer(profile),
    }


def application_initial(person: User) -> dict[str, object]:
    """A project application's starting note; empty without a trainee profile."""
    profile = TraineeProfile.objects.filter(person=person).select_related("scheme").first()
    if profile is None:
        return {}
    return {"note": f"{who_i_am(person, profile)} {what_i_offer(profile)}"}
