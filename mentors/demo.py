"""Demo contact requests, so that reply records differ between the demo mentors. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentors.models import ContactRequest, Supervision
from mentors.stats import mentor_stats_refresh
from network.demo import DEMO_DOMAIN
from outputs.models import Output
from outputs.services import AuthorIn, output_create
from people.models import MentorProfile, TraineeProfile

State = ContactRequest.State
# Per mentor, in turn: days until the reply (None: never answered), and how it ended.
PATTERNS: list[list[tuple[float | None, str]]] = [
    [(0.5, State.ACCEPTED), (2, State.COMPLETED), (1, State.DECLINED), (3, State.ACCEPTED)],
    [(9, State.ACCEPTED), (20, State.DECLINED), (None, State.PENDING), (30, State.ACCEPTED)],
    [(4, State.COMPLETED), (6, State.ACCEPTED)],
    [(None, State.PENDING), (None, State.PENDING), (15, State.DECLINED)],
]
PERSONA_PATTERN = [*PATTERNS[0], (None, State.PENDING), (None, State.PENDING)]
# Letters are written from the trainee's own profile and the mentor's own work, so no
# two read alike; each "who I am" passes the 20-word rule the form applies.
OPENINGS = [
    "I am on the {scheme} ({grade}) and my interest is {interest}.",
    "{grade} trainee on the {scheme}, with a growing interest in {interest}.",
    "I train on the {scheme} ({grade}); {interest} is where I want to build a research record.",
]
AIMS = [
    "I would like to lead a first project from protocol to abstract with your group, and learn "
    "how you keep a retrospective study small enough to finish within a rotation.",
    "I hope to join one of your current studies as a collector or second reader first, and to "
    "write my own audit once I know the data and the department.",
    "My aim is a first-author paper before my fellowship applications, and I learn best working "
    "alongside someone who has taken trainees through the whole process before.",
]
OFFERS = [
    "Four hours a week on Wednesday afternoons, Excel and some R, and access to our PACS.",
    "Two hours a week through the spring; I have run an audit cycle and can collect data.",
    "Weekly research session time, Python for data cleaning, and help recruiting at my site.",
]


def _letter(trainee: TraineeProfile, mentor: User, seed: int) -> dict[str, str]:
    interests = [t.name for t in trainee.interests.all()] or ["imaging research"]
    scheme = trainee.scheme.name if trainee.scheme is not None else "my training scheme"
    opening = OPENINGS[seed % len(OPENINGS)].format(
        grade=trainee.get_grade_display(), scheme=scheme, interest=interests[0]
    )
    expertise = (
        MentorProfile.objects.filter(person=mentor)
        .values_list("expertise__name", flat=True)
        .order_by("expertise__name")
        .first()
    )
    why = f" Your {expertise} work is why I am writing to you." if expertise else ""
    paper = (
        Output.objects.filter(authors__person=mentor)
        .exclude(kind=Output.Kind.GRANT)
        .order_by("-date")
        .values_list("title", flat=True)
        .first()
    )
    read = (
        f"Your work “{paper}”, and how the readers were blinded to the follow-up."
        if paper
        else f"Your profile and the projects you lead; {interests[-1]} is close to my interests."
    )
    return {
        "who_i_am": f"{opening}{why} {AIMS[seed % len(AIMS)]}",
        "what_i_read": read,
        "what_i_offer": OFFERS[seed % len(OFFERS)],
    }


@transaction.atomic
def seed_contact_requests() -> None:
    now = timezone.now()
    demo_trainee = f"trainee@{DEMO_DOMAIN}"
    trainees = list(
        TraineeProfile.objects.exclude(person__email=demo_trainee)
        .select_related("person", "scheme")
        .prefetch_related("interests")
        .order_by("person__email")
    )
    mentors = MentorProfile.objects.select_related("person").order_by("person__email")
    persona = f"mentor@{DEMO_DOMAIN}"
    for index, mentor in enumerate(mentors):
        # The printed mentor login answers fast (the directory's "answers within 14 days"
        # finds her) and has two trainees waiting, so her dashboard shows the queue.
        pattern = PERSONA_PATTERN if mentor.person.email == persona else PATTERNS[index % 4]
        for offset, (days, state) in enumerate(pattern):
            trainee = trainees[(index * 5 + offset) % len(trainees)]
            _seed_one(trainee, mentor.person, now, index, offset, days, state)
    mentor_stats_refresh()


def sent_days_ago(index: int, offset: int, state: str) -> float:
    """When a demo request was sent: answered ones over the last two years, each on its
    own day; those still waiting within the last three weeks, as a mentor's list would be."""
    if state == State.PENDING:
        return 2 + (index * 5 + offset * 7) % 19 + (index % 5) / 10
    return 25 + (index * 89 + offset * 233) % 680 + (index % 7) / 8


def _seed_one(
    trainee: TraineeProfile,
    mentor: User,
    now: dt.datetime,
    index: int,
    offset: int,
    days: float | None,
    state: str,
) -> None:
    if ContactRequest.objects.filter(trainee=trainee.person, mentor=mentor).exists():
        return
    sent = now - dt.timedelta(days=sent_days_ago(index, offset, state))
    replied = sent + dt.timedelta(days=days) if days is not None else None
    ContactRequest.objects.create(
        trainee=trainee.person,
        mentor=mentor,
        grade=trainee.grade,
        hours_per_week=trainee.hours_per_week or 3,
        sent_at=sent,
        replied_at=replied,
        closed_at=replied if state in (State.DECLINED, State.COMPLETED) else None,
        state=state,
        **_letter(trainee, mentor, index + offset),
    )


TITLES = [
    "Diagnostic accuracy of {m} for acute {c}: a retrospective multicentre study",
    "Inter-observer agreement in {m} reporting of {c}",
    "A national audit of {m} use in suspected {c}",
    "Deep learning triage of {m} studies for {c}",
    "Time to {m} in {c}: a quality-improvement project",
    "Systematic review of {m} follow-up after {c}",
    "Trainee-led validation of a {m} protocol for {c}",
]
CONDITIONS = [
    "stroke",
    "pulmonary embolism",
    "appendicitis",
    "spinal cord compression",
    "renal colic",
    "breast cancer recurrence",
    "hip fracture",
]
MODALITIES = ["CT", "MRI", "ultrasound", "radiography", "PET-CT"]
FUNDERS = ["NIHR", "RSNA Research & Education Foundation", "British Institute of Radiology"]
GRANT_TITLES = [
    "Clinical lectureship: AI triage of non-contrast CT head",
    "Pump-priming award: abbreviated MRI for liver surveillance",
    "Research fellowship: photon-counting CT in coronary disease",
    "Project grant: whole-body MRI in myeloma staging",
    "Trainee research award: ultrasound elastography in children",
]
# What the demo mentors' trainees worked on, in the words a CV would use.
TOPICS = [
    "CT pulmonary angiography use in pregnancy: a two-cycle audit",
    "Observer agreement for LI-RADS on gadoxetate MRI",
    "Time from request to report for MRI spine in suspected cord compression",
    "Missed rib fractures on trauma CT: a retrospective review",
    "Deep-learning detection of pneumothorax on chest radiographs",
    "Contrast-induced nephropathy after CT: a systematic review",
    "Ultrasound-first imaging for suspected appendicitis in children",
    "Radiation dose in CT colonography against national reference levels",
    "Follow-up of incidental adrenal nodules: adherence to guidance",
    "PET-CT Deauville scores and outcome in Hodgkin lymphoma",
]
EXTERNAL = ["A. Kowalski", "B. Haddad", "C. Larsen", "D. Moreau", "E. Tanaka", "F. Okoro"]
# Per mentor in turn: outputs in the last five years, how many with trainees, grants,
# and supervisions as (completed?, with an output?) — so that the records differ.
Record = tuple[int, int, int, list[tuple[bool | None, bool]]]
RECORDS: list[Record] = [
    (6, 4, 1, [(True, True), (True, True), (False, False)]),
    (2, 0, 0, []),
    (9, 2, 2, [(True, False), (None, False)]),
    (4, 3, 0, [(True, True), (True, True), (True, False), (False, False)]),
    (1, 1, 0, [(None, False)]),
]


def seed() -> None:
    """The mentors' demo (a demo seeder, `core.extensions`): track records first, so
    that the demo letters can name a mentor's own paper, then the contact requests."""
    seed_track_records()
    seed_contact_requests()


@transaction.atomic
def seed_track_records() -> None:
    """Outputs, grants and supervisions for each demo mentor, then one recount."""
    today = timezone.now().date()
    trainees = list(TraineeProfile.objects.select_related("person").order_by("person__email"))
    mentors = MentorProfile.objects.select_related("person").order_by("person__email")
    for index, mentor in enumerate(mentors):
        outputs, with_trainees, grants, supervisions = RECORDS[index % len(RECORDS)]
        pupils = [trainees[(index * 3 + k) % len(trainees)].person for k in range(4)]
        made = [
            _seed_output(mentor.person, index, k, pupils if k < with_trainees else [], today)
            for k in range(outputs)
        ]
        for k in range(grants):
            _seed_grant(mentor.person, index, k, today)
        for k, (completed, productive) in enumerate(supervisions):
            _seed_supervision(
                mentor.person,
                pupils[k % len(pupils)],
                index,
                k,
                completed,
                made[k] if productive and k < len(made) else None,
                today,
            )
    mentor_stats_refresh()


def _seed_output(mentor: User, index: int, k: int, pupils: list[User], today: dt.date) -> Output:
    title = TITLES[(index + k) % len(TITLES)].format(
        m=MODALITIES[(index + k) % len(MODALITIES)], c=CONDITIONS[(index * 2 + k) % len(CONDITIONS)]
    )
    existing = Output.objects.filter(title=title, authors__person=mentor).first()
    if existing is not None:
        return existing
    authors = [AuthorIn(name=str(p), person=p) for p in pupils[:2]]
    authors += [AuthorIn(name=EXTERNAL[(index + k) % len(EXTERNAL)]), AuthorIn(str(mentor), mentor)]
    kind = (Output.Kind.ARTICLE, Output.Kind.ABSTRACT, Output.Kind.POSTER)[k % 3]
    return output_create(
        actor=None,
        kind=kind,
        title=title,
        authors=authors,
        venue=("European Radiology", "RSNA annual meeting", "UKIO")[k % 3],
        date=today - dt.timedelta(days=120 + 200 * k + 17 * index),
    )


def _seed_grant(mentor: User, index: int, k: int, today: dt.date) -> None:
    title = GRANT_TITLES[(index * 2 + k) % len(GRANT_TITLES)]
    if Output.objects.filter(title=title, authors__person=mentor).exists():
        return
    output_create(
        actor=None,
        kind=Output.Kind.GRANT,
        title=title,
        authors=[AuthorIn(str(mentor), mentor)],
        venue=("NIHR", "RSNA Research & Education Foundation", "British Institute of Radiology")[
            k % 3
        ],
        date=today - dt.timedelta(days=250 + (index * 37 + k * 90) % 300),
        amount=Decimal(25_000 * (k + 1)),
        currency="GBP",
        ends_on=today + dt.timedelta(days=400 - 500 * k),
    )


def _seed_supervision(
    mentor: User,
    trainee: User,
    index: int,
    k: int,
    completed: bool | None,
    output: Output | None,
    today: dt.date,
) -> None:
    topic = TOPICS[(index * 3 + k) % len(TOPICS)]
    if Supervision.objects.filter(mentor=mentor, topic=topic).exists():
        return
    state = Supervision.State.ONGOING
    if completed is not None:
        state = Supervision.State.COMPLETED if completed else Supervision.State.STOPPED
    supervision = Supervision.objects.create(
        mentor=mentor,
        trainee=trainee,
        topic=topic,
        started_on=today - dt.timedelta(days=700 - 150 * k - (index * 13) % 60),
        ended_on=None
        if completed is None
        else today - dt.timedelta(days=200 - 30 * k + (index * 7) % 45),
        state=state,
    )
    if output is not None:
        supervision.outputs.add(output)
