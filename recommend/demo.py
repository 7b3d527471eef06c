"""Demo data "for you" needs to be measured: each demo trainee's choice of a mentor and
of a project, made the way trainees choose. Idempotent.

The rest of the demo pairs trainees with mentors by turn (for reply records) and puts
three trainees on projects, which leaves nothing to measure a recommendation against.
This seeder adds, per demo trainee (the printed trainee login aside, whose journeys
other tests replay):

- one accepted request to a mentor and one accepted application to a project role,
  each drawn at random (seeded, so every run draws the same) with odds that rise with
  the interests the two share, nearness, and a role that fits the trainee's hours —
  what trainees say drives their choice, with chance left in;
- a project from each demo mentor who leads none yet, in their own subspecialty,
  modality and method, so that the board offers more than a handful of projects.

docs/matching.md ("For you") says what the held-back evaluation can and cannot show
with choices made this way.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentors.models import ContactRequest
from mentors.stats import mentor_stats_refresh
from network.demo import DEMO_DOMAIN
from network.models import Site
from people.models import MentorProfile, Term, TraineeProfile
from people.selectors import home_site
from projects import services as project_services
from projects.models import Application, Member, Project, ProjectRole, ResearchType, StatusChange
from recommend.core.rank import NEAR_KM, REACH_KM, kilometres

T = TypeVar("T")
PERSONA = f"trainee@{DEMO_DOMAIN}"
# The mentor accepting marks the request as one this seeder made (for idempotence).
REPLY = "Yes, gladly: let us meet in the next two weeks to plan a first project together."
# Per subspecialty: conditions its studies are about, and the modalities that image them.
CONDITIONS = {
    "Neuroradiology": (["acute stroke", "spinal cord compression"], ["MRI", "CT"]),
    "Head and neck": (["thyroid nodules", "salivary gland tumours"], ["Ultrasound", "MRI"]),
    "Chest / thoracic": (["incidental lung nodules", "pulmonary embolism"], ["CT", "Radiography"]),
    "Cardiac": (["chest pain in the emergency department", "cardiomyopathy"], ["CT", "MRI"]),
    "Breast": (["dense breasts", "screen-detected calcifications"], ["Mammography", "MRI"]),
    "Gastrointestinal / abdominal": (["acute appendicitis", "Crohn disease"], ["CT", "MRI"]),
    "Genitourinary": (["renal colic", "prostate cancer"], ["CT", "MRI"]),
    "Musculoskeletal": (["scaphoid fractures", "rotator cuff tears"], ["MRI", "Ultrasound"]),
    "Paediatric": (["suspected physical abuse", "intussusception"], ["Ultrasound", "Radiography"]),
    "Interventional": (["gastrointestinal bleeding", "varicocele"], ["CT", "Fluoroscopy"]),
    "Nuclear medicine / molecular": (["lymphoma", "thyroid cancer"], ["PET", "SPECT"]),
    "Oncological": (["liver metastases", "ovarian cancer"], ["MRI", "CT"]),
    "Emergency": (["major trauma", "cervical spine injury"], ["CT", "Radiography"]),
    "Vascular": (
        ["abdominal aortic aneurysm", "peripheral arterial disease"],
        ["CT", "Ultrasound"],
    ),
}
METHOD_TYPES = {label: value for value, label in ResearchType.choices}
TITLES = {
    ResearchType.DIAGNOSTIC: "{Modality} for {condition}: a diagnostic-accuracy study",
    ResearchType.QI: "Re-audit of {modality} in {condition} against the national standard",
    ResearchType.AI: "Deep-learning detection of {condition} on {modality}",
    ResearchType.EDUCATION: "Teaching first-year trainees to report {condition} on {modality}",
    ResearchType.REVIEW: "{Modality} in {condition}: a systematic review and meta-analysis",
    ResearchType.CLINICAL: "Outcomes after {modality} in {condition}: a cohort study",
    ResearchType.BASIC: "Quantitative {modality} markers of {condition}",
}
SUMMARIES = {
    ResearchType.DIAGNOSTIC: "We re-read {modality} studies of patients with {condition} and "
    "compare the report with the final diagnosis at follow-up.",
    ResearchType.QI: "A two-cycle audit of how {modality} is requested and reported for "
    "{condition}, with a change in practice between the cycles.",
    ResearchType.AI: "We train and test a detection model for {condition} on anonymised "
    "{modality} studies and compare it with consultant reports.",
    ResearchType.EDUCATION: "First-year trainees report {modality} cases of {condition} before "
    "and after structured feedback; we measure how their accuracy changes.",
    ResearchType.REVIEW: "A registered review of published studies of {modality} in "
    "{condition}, with pooled accuracy and a risk-of-bias assessment.",
    ResearchType.CLINICAL: "A retrospective cohort of patients with {condition} who had "
    "{modality}, linking imaging findings to treatment and outcome.",
    ResearchType.BASIC: "We measure quantitative {modality} features in {condition} and "
    "relate them to histology and outcome.",
}
NOTES = [
    "I have {hours} hours a week through the next rotation and I am interested in {interest}; "
    "I have collected audit data before and can start next month with your team.",
    "My interest is {interest} and this project is close to it. I can give {hours} hours a "
    "week, I am careful with data collection and I would like to learn to write it up.",
    "I would like to join: {interest} is what I want to build my research on, and I can "
    "offer {hours} hours a week from the start of next month, including some evenings.",
]
LETTERS = [
    "I am a {grade} trainee and {interest} is the field I want to build my research in. "
    "Your work in {expertise} is why I am writing; I would value your guidance on a first "
    "project that I can finish and present within the year.",
    "{grade} trainee here, with a growing interest in {interest}. I have read about your "
    "{expertise} work and would like to learn from someone who has seen trainees through "
    "a whole project, from the question to the abstract.",
    "As a {grade} trainee keen on {interest}, I am looking for a mentor in {expertise}. I "
    "would like help choosing a question small enough to finish, and advice on where to "
    "present it once it is done.",
]
OFFERS = [
    "{hours} hours a week, data collection and some R.",
    "{hours} hours a week; I can search the literature and draft the introduction.",
    "{hours} hours a week, and help recruiting at my hospital.",
]


@dataclass(frozen=True)
class Place:
    latitude: float | None
    longitude: float | None


def _place(site: Site | None) -> Place:
    if site is None or site.latitude is None or site.longitude is None:
        return Place(None, None)
    return Place(float(site.latitude), float(site.longitude))


def _nearness(a: Place, b: Place) -> float:
    """What distance adds to a choice: much for the same town, a little within reach."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return 0.0
    km = kilometres(a.latitude, a.longitude, b.latitude, b.longitude)
    return 1.5 if km <= NEAR_KM else 0.75 if km <= REACH_KM else -0.5


def _draw(rng: random.Random, options: Sequence[tuple[float, T]]) -> T | None:
    """One option, with odds growing with its appeal (softmax at temperature 0.5)."""
    if not options:
        return None
    weights = [math.exp(2 * appeal) for appeal, _ in options]
    return rng.choices([option for _, option in options], weights=weights)[0]


def _projects_from_mentors(now: dt.datetime) -> list[int]:
    """One project led by each demo mentor, in their field; the ids of all of them."""
    mentors = (
        MentorProfile.objects.filter(person__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("person", "site")
        .prefetch_related("expertise")
        .order_by("person__email")
    )
    made = [_project_of(mentor, index, now) for index, mentor in enumerate(mentors)]
    return [pk for pk in made if pk is not None]


def _project_of(mentor: MentorProfile, index: int, now: dt.datetime) -> int | None:
    terms = {term.kind: term for term in mentor.expertise.all()}
    subspecialty = terms.get("subspecialty")
    if subspecialty is None or mentor.site is None:
        return None
    conditions, modalities = CONDITIONS.get(subspecialty.name, (["common presentations"], ["CT"]))
    own = terms.get("modality")
    name = own.name if own is not None and own.name in modalities else modalities[0]
    modality = Term.objects.get(kind=Term.Kind.MODALITY, name=name)
    method = terms.get("method")
    kind = ResearchType(METHOD_TYPES.get(method.name if method else "", ResearchType.CLINICAL))
    words = {"condition": conditions[index % len(conditions)]}
    words |= {"modality": modality.name, "Modality": modality.name}
    title = TITLES[kind].format(**words)
    found = Project.objects.filter(title=title).values_list("pk", flat=True).first()
    if found is not None:
        return found
    project = project_services.project_create(
        actor=mentor.person,
        sites=[mentor.site],
        roles=[
            {"kind": kind, "hours_per_week": hours, "duration_weeks": weeks, "description": text}
            for kind, hours, weeks, text in (
                ("collection", 2 + index % 4, 16, "Collect the cases and their follow-up."),
                ("reading", 3 + index % 3, 12, "Read the studies blinded, with a consultant."),
                ("statistics", 2 + index % 2, 8, "Agreement and accuracy with their intervals."),
                ("writing", 2 + index % 3, 8, "Draft the abstract and the paper with the lead."),
            )
        ],
        title=title,
        summary=SUMMARIES[kind].format(**words),
        research_type=kind,
        subspecialty=subspecialty,
        modality=modality,
        mentor=mentor.person,
        primary_outcome=f"How {modality.name} changes the diagnosis of {words['condition']}",
    )
    posted = now - dt.timedelta(days=150 + (index * 41) % 400, hours=index % 9)
    Project.objects.filter(pk=project.pk).update(created_at=posted)
    StatusChange.objects.filter(project=project).update(at=posted)
    Member.objects.filter(project=project).update(created_at=posted)
    return project.pk


def _interest(trainee: TraineeProfile) -> str:
    names = [t.name for t in trainee.interests.all() if t.kind == Term.Kind.SUBSPECIALTY]
    return (names or ["imaging research"])[0]


def _choose_mentor(
    trainee: TraineeProfile, index: int, rng: random.Random, now: dt.datetime
) -> None:
    person = trainee.person
    if ContactRequest.objects.filter(trainee=person, reply=REPLY).exists():
        return
    asked = set(ContactRequest.objects.filter(trainee=person).values_list("mentor_id", flat=True))
    interests = {t.pk for t in trainee.interests.all()}
    here = _place(home_site(person))
    options = [
        (len(interests & {t.pk for t in m.expertise.all()}) + _nearness(here, _place(m.site)), m)
        for m in MentorProfile.objects.filter(accepting_trainees=True)
        .exclude(person_id__in=asked | {person.pk})
        .select_related("person", "site")
        .prefetch_related("expertise")
        .order_by("person__email")
    ]
    mentor = _draw(rng, options)
    if not isinstance(mentor, MentorProfile):
        return
    expertise = next((t.name for t in mentor.expertise.all() if t.kind == "subspecialty"), "")
    words = {
        "grade": trainee.get_grade_display(),
        "interest": _interest(trainee),
        "expertise": expertise or "imaging research",
        "hours": trainee.hours_per_week,
    }
    sent = now - dt.timedelta(days=6 + (index * 11) % 60, hours=index % 13)
    replied = sent + dt.timedelta(days=1 + index % 5, hours=index % 7)
    ContactRequest.objects.create(
        trainee=person,
        mentor=mentor.person,
        grade=trainee.grade,
        hours_per_week=trainee.hours_per_week or 2,
        who_i_am=LETTERS[index % len(LETTERS)].format(**words),
        what_i_read=f"Your profile and your {words['expertise']} projects on RadCollab.",
        what_i_offer=OFFERS[index % len(OFFERS)].format(**words),
        state=ContactRequest.State.ACCEPTED,
        sent_at=sent,
        replied_at=replied,
        reply=REPLY,
    )


def _project_appeal(
    trainee: TraineeProfile, here: Place, project: Project, role: ProjectRole
) -> float:
    interests = {t.pk for t in trainee.interests.all()}
    names = {t.name for t in trainee.interests.all()}
    shared = len(interests & {project.subspecialty_id, project.modality_id})
    shared += project.get_research_type_display() in names
    places = [_place(site) for site in project.sites.all()]
    near = max((_nearness(here, place) for place in places), default=0.0)
    if project.research_type == ResearchType.REVIEW:
        near = 0.75  # done from anywhere
    fits = 1.0 if role.hours_per_week <= trainee.hours_per_week else -1.0
    return shared + near + fits


def _choose_project(
    trainee: TraineeProfile, index: int, rng: random.Random, now: dt.datetime, among: list[int]
) -> None:
    person = trainee.person
    if Application.objects.filter(applicant=person, state=Application.State.ACCEPTED).exists():
        return
    mine = set(Member.objects.filter(person=person).values_list("project_id", flat=True))
    here = _place(home_site(person))
    options = []
    for project in (
        Project.objects.open_for_help()
        .filter(pk__in=among)
        .exclude(pk__in=mine)
        .select_related("lead")
        .prefetch_related("sites", "roles")
        .order_by("pk")
    ):
        roles = sorted(
            (r for r in project.roles.all() if r.state == ProjectRole.State.OPEN),
            key=lambda r: (r.hours_per_week, r.pk),
        )
        if roles:
            options.append((_project_appeal(trainee, here, project, roles[0]), roles[0]))
    role = _draw(rng, options)
    if not isinstance(role, ProjectRole):
        return
    note = NOTES[index % len(NOTES)].format(
        hours=trainee.hours_per_week, interest=_interest(trainee)
    )
    application = project_services.application_submit(
        applicant=person, role=role, note=note, accept_load=True
    )
    project_services.application_decide(
        actor=role.project.lead, application=application, action="accept", reply="Welcome aboard."
    )
    posted = Project.objects.values_list("created_at", flat=True).get(pk=role.project_id)
    sent = max(posted + dt.timedelta(days=3), now - dt.timedelta(days=5 + (index * 17) % 120))
    decided = sent + dt.timedelta(days=2, hours=index % 11)
    Application.objects.filter(pk=application.pk).update(created_at=sent, decided_at=decided)
    Member.objects.filter(project_id=role.project_id, person=person).update(created_at=decided)


@transaction.atomic
def seed() -> None:
    now = timezone.now()
    # Trainees join only these projects: the other demo projects' roles stay as their
    # own seeders left them (a persona's application waits on one of them).
    among = _projects_from_mentors(now)
    trainees = (
        TraineeProfile.objects.exclude(person__email=PERSONA)
        .filter(person__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("person")
        .prefetch_related("interests")
        .order_by("person__email")
    )
    for index, trainee in enumerate(trainees):
        rng = random.Random(f"for-you:{trainee.person.email}")
        _choose_mentor(trainee, index, rng, now)
        _choose_project(trainee, index, rng, now, among)
    mentor_stats_refresh()
    # Only the printed trainee's list is stored here, so that the demo opens on a stored
    # list; storing every trainee's took 5-17 s of every seed (and of every test that
    # seeds the demo). The others are ranked on the fly until the worker's nightly
    # `manage.py refresh_recommendations` stores them.
    from recommend.services import recommendations_refresh

    persona = User.objects.filter(email=PERSONA).first()
    if persona is not None:
        recommendations_refresh(person_id=persona.pk)


def demo_trainees() -> list[User]:
    """The trainees whose choices this seeder made (the evaluation reads their history)."""
    return list(
        User.objects.filter(trainee_profile__isnull=False, email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(email=PERSONA)
        .order_by("email")
    )
