"""A small network to recommend from: the personas' trainee and mentor at site A, projects,
calls and conferences that each rule keeps in or takes out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.testing.personas import Personas
from events.models import Conference
from events.tests.factories import make_conference, make_deadline
from opportunities.models import Opportunity
from people.models import MentorProfile, Term, TraineeProfile
from people.services import mentor_profile_save, trainee_profile_save
from projects.models import Project
from projects.tests.factories import make_project
from recommend.models import Dismissal


def terms(*names: str) -> list[Term]:
    return list(Term.objects.filter(name__in=names).exclude(kind=Term.Kind.SKILL))


def make_trainee(person: User, *, hours: int = 4, grade: str = "st3") -> TraineeProfile:
    return trainee_profile_save(
        person=person,
        version=None,
        grade=grade,
        hours_per_week=hours,
        career_goals="A neuroradiology fellowship with a first paper on stroke imaging.",
        interests=terms("Neuroradiology", "MRI", "Diagnostic accuracy"),
        skills=[],
    )


def make_mentor_profile(person: User, site, *, accepting: bool = True) -> MentorProfile:
    return mentor_profile_save(
        person=person,
        version=None,
        title=MentorProfile.Title.CONSULTANT,
        site=site,
        statement="I supervise diffusion MRI studies in acute stroke that finish in a rotation.",
        accepting_trainees=accepting,
        capacity=3,
        meeting_frequency=MentorProfile.Meetings.MONTHLY,
        expertise=terms("Neuroradiology", "MRI"),
    )


def opportunity(title: str, **fields) -> Opportunity:
    values = {
        "kind": Opportunity.Kind.FUNDING,
        "funder": "Network research fund",
        "summary": "Pump-priming money for a first stroke imaging study.",
        "state": Opportunity.State.PUBLISHED,
        "amount": Decimal("5000"),
        "currency": "GBP",
        **fields,
    }
    return Opportunity.objects.create(title=title, **values)


@dataclass
class World:
    trainee: User
    mentor: User
    project: Project
    idle_project: Project  # no role open: not recruiting
    funding: Opportunity
    academic_only: Opportunity
    closed: Opportunity
    conference: Conference
    past_conference: Conference
    # Another trainee's dismissal, which the access matrix adds to try to undo it.
    other_choice: Dismissal | None = None


def build_world(personas: Personas) -> World:
    now = timezone.now()
    make_trainee(personas.trainee)
    make_mentor_profile(personas.mentor, personas.site_a)
    project = make_project(
        personas.mentor,
        sites=[personas.site_a],
        title="Diffusion MRI in suspected stroke mimics",
        summary="We re-read emergency MRI of suspected stroke to separate stroke from mimics.",
        subspecialty=Term.objects.get(kind="subspecialty", name="Neuroradiology"),
        modality=Term.objects.get(kind="modality", name="MRI"),
    )
    idle = make_project(
        personas.mentor, sites=[personas.site_a], roles=[], title="A finished audit"
    )
    return World(
        trainee=personas.trainee,
        mentor=personas.mentor,
        project=project,
        idle_project=idle,
        funding=opportunity(
            "Stroke imaging pump-priming grant",
            min_grade="st1",
            max_grade="st6",
            deadline_at=now + dt.timedelta(days=40),
        ),
        academic_only=opportunity(
            "Academic fellowship in neuroimaging",
            kind=Opportunity.Kind.FELLOWSHIP,
            academic_track=Opportunity.Track.ACADEMIC,
        ),
        closed=opportunity("Last year's stroke grant", deadline_at=now - dt.timedelta(days=1)),
        conference=make_deadline(
            make_conference("esnr", name="European Society of Neuroradiology congress"),
            year=now.year + 1,
            due_at=now + dt.timedelta(days=60),
        ).edition.conference,
        past_conference=make_deadline(
            make_conference("oldcon", name="An old congress"),
            year=now.year - 1,
            due_at=now - dt.timedelta(days=200),
        ).edition.conference,
    )
