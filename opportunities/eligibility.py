"""“Eligible for me”: an opportunity's rules against the person's trainee profile.

Each rule gives a reason either way, so the page can say why. A rule the profile
cannot answer (no grade recorded, no country known) is not held against the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from network.access import memberships_of
from opportunities.models import STAGE, Opportunity
from people.models import TraineeProfile

if TYPE_CHECKING:
    from accounts.models import User

ACADEMIC_TRACKS = {"acf", "md", "phd"}


@dataclass(frozen=True)
class Facts:
    grade: str
    track: str
    international_graduate: bool
    countries: frozenset[str]

    @classmethod
    def of(cls, user: User) -> Facts | None:
        profile = (
            TraineeProfile.objects.filter(person=user).select_related("scheme__region").first()
        )
        if profile is None:
            return None
        countries = set()
        for membership in memberships_of(user):
            place = membership.site or membership.scheme
            if place is not None:
                countries.add(place.region.country)
        if profile.scheme is not None:
            countries.add(profile.scheme.region.country)
        return cls(
            profile.grade,
            profile.academic_track,
            profile.international_graduate,
            frozenset(countries),
        )


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: tuple[str, ...]


def _grade(opportunity: Opportunity, facts: Facts) -> tuple[bool, str] | None:
    if not (opportunity.min_grade or opportunity.max_grade):
        return None
    stage = STAGE.get(facts.grade)
    if stage is None:
        return None
    low = STAGE.get(opportunity.min_grade, 0)
    high = STAGE.get(opportunity.max_grade, 99)
    lowest = opportunity.get_min_grade_display() or "any"
    span = f"{lowest} to {opportunity.get_max_grade_display() or 'any'}"
    return low <= stage <= high, f"Grades {span}; you are {facts.grade.upper()}"


def _rules(opportunity: Opportunity, facts: Facts) -> list[tuple[bool, str]]:
    rules = []
    if (grade := _grade(opportunity, facts)) is not None:
        rules.append(grade)
    wanted = set(opportunity.country_list)
    if wanted and facts.countries:
        rules.append((bool(wanted & facts.countries), f"Open in {', '.join(sorted(wanted))}"))
    track = opportunity.academic_track
    if track == Opportunity.Track.ACADEMIC:
        rules.append((facts.track in ACADEMIC_TRACKS, "Academic trainees only"))
    elif track == Opportunity.Track.ACF:
        rules.append((facts.track == "acf", "Academic clinical fellows only"))
    graduates = opportunity.graduates
    if graduates == Opportunity.Graduates.IMG_ONLY:
        rules.append((facts.international_graduate, "International medical graduates only"))
    elif graduates == Opportunity.Graduates.HOME_ONLY:
        rules.append((not facts.international_graduate, "Home graduates only"))
    return rules


def verdict(opportunity: Opportunity, facts: Facts | None) -> Verdict | None:
    if facts is None:
        return None
    rules = _rules(opportunity, facts)
    reasons = tuple(("✓ " if ok else "✗ ") + text for ok, text in rules)
    return Verdict(all(ok for ok, _ in rules), reasons or ("Open to everyone",))
