"""Demo research profiles for the demo network (see network/demo.py). Idempotent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from network.demo import DEMO_DOMAIN
from network.models import Membership, Role, Site, TrainingScheme
from people.models import MentorProfile, Term, TraineeProfile
from people.services import mentor_profile_save, taxonomy_seed, trainee_profile_save

if TYPE_CHECKING:  # the user model is reached through get_user_model() at run time
    from core.types import User

GRADES = ["st1", "st2", "st3", "st4", "st5", "st6", "pgy2", "pgy3", "pgy4", "fellow"]
STATEMENTS = [
    "I supervise retrospective diagnostic-accuracy studies that finish within a rotation.",
    "Happy to help with audits and quality-improvement projects; we meet monthly.",
    "My group works on AI tools for triage; Python helps but is not required.",
    "I run a prospective imaging study and need help with recruitment and reading.",
]


def _named(kind: str, *names: str) -> list[Term]:
    return list(Term.objects.filter(kind=kind, name__in=names))


def _seed_personas() -> None:
    """The printed demo logins get the profiles the user journeys start from."""
    mentor = get_user_model().objects.get(email=f"mentor@{DEMO_DOMAIN}")
    if not MentorProfile.objects.filter(person=mentor).exists():
        mentor_profile_save(
            person=mentor,
            version=None,
            title=MentorProfile.Title.CONSULTANT,
            site=Site.objects.get(name="St Thomas' Hospital"),
            statement=(
                "Consultant neuroradiologist. I supervise MRI diagnostic-accuracy studies "
                "that a trainee can finish in six months, and I answer within a week."
            ),
            accepting_trainees=True,
            capacity=3,
            meeting_frequency=MentorProfile.Meetings.FORTNIGHTLY,
            expertise=_named(Term.Kind.SUBSPECIALTY, "Neuroradiology", "Head and neck")
            + _named(Term.Kind.MODALITY, "MRI", "CT")
            + _named(Term.Kind.METHOD, "Diagnostic accuracy"),
        )
    trainee = get_user_model().objects.get(email=f"trainee@{DEMO_DOMAIN}")
    if not TraineeProfile.objects.filter(person=trainee).exists():
        trainee_profile_save(
            person=trainee,
            version=None,
            grade=TraineeProfile.Grade.ST3,
            scheme=TrainingScheme.objects.get(name="London South Radiology Training Scheme"),
            academic_track=TraineeProfile.AcademicTrack.NONE,
            research_time=TraineeProfile.ResearchTime.OWN_TIME,
            hours_per_week=4,
            career_goals="A neuroradiology fellowship, with a first-author paper before it.",
            interests=_named(Term.Kind.SUBSPECIALTY, "Neuroradiology")
            + _named(Term.Kind.MODALITY, "MRI")
            + _named(Term.Kind.METHOD, "Diagnostic accuracy", "AI / informatics"),
            skills=_named(Term.Kind.SKILL, "Python", "Statistics"),
        )


def _terms(kind: str, *indexes: int) -> list[Term]:
    listed = list(Term.objects.filter(kind=kind))
    return [listed[i % len(listed)] for i in indexes]


def _seed_trainee(person: User, index: int, scheme: TrainingScheme | None) -> None:
    if TraineeProfile.objects.filter(person=person).exists():
        return
    us = scheme is not None and "Residency" in scheme.name
    trainee_profile_save(
        person=person,
        version=None,
        grade=("pgy2", "pgy3", "pgy4")[index % 3] if us else GRADES[index % 6],
        scheme=scheme,
        international_graduate=index % 5 == 0,
        academic_track=("none", "none", "acf", "md", "phd")[index % 5],
        research_time=("weekly_day", "blocks", "own_time")[index % 3],
        hours_per_week=2 + index % 7,
        career_goals="Consultant post with protected research time." if index % 2 else "",
        interests=_terms(Term.Kind.SUBSPECIALTY, index, index + 5)
        + _terms(Term.Kind.MODALITY, index)
        + _terms(Term.Kind.METHOD, index + 2),
        skills=_terms(Term.Kind.SKILL, index, index + 3),
    )


def _seed_mentor(person: User, index: int, membership: Membership) -> None:
    if MentorProfile.objects.filter(person=person).exists():
        return
    mentor_profile_save(
        person=person,
        version=None,
        title=("consultant", "consultant", "professor", "pi")[index % 4],
        site=membership.site,
        statement=STATEMENTS[index % len(STATEMENTS)],
        accepting_trainees=index % 5 != 4,
        capacity=1 + index % 4,
        meeting_frequency=("monthly", "fortnightly", "weekly", "as_needed")[index % 4],
        expertise=_terms(Term.Kind.SUBSPECIALTY, index)
        + _terms(Term.Kind.MODALITY, index + 1)
        + _terms(Term.Kind.METHOD, index),
    )


@transaction.atomic
def seed_people() -> None:
    taxonomy_seed()
    _seed_personas()
    memberships = (
        Membership.objects.active()
        .filter(role__in=[Role.TRAINEE, Role.MENTOR], site__isnull=False)
        .select_related("person", "site")
        .order_by("person__email")
    )
    schemes = {
        m.person_id: m.scheme
        for m in Membership.objects.active().filter(scheme__isnull=False).select_related("scheme")
    }
    for index, membership in enumerate(memberships):
        if membership.role == Role.MENTOR:
            _seed_mentor(membership.person, index, membership)
        else:
            _seed_trainee(membership.person, index, schemes.get(membership.person_id))
