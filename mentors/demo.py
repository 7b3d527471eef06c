"""Demo contact requests, so that reply records differ between the demo mentors. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentors.models import ContactRequest, Supervision
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
LETTER = {
    "who_i_am": "A trainee in the demo network, interested in your work.",
    "what_i_read": "Your most recent paper and the audit you presented last year.",
    "what_i_offer": "A few hours a week for data collection and writing.",
}


@transaction.atomic
def seed_contact_requests() -> None:
    now = timezone.now()
    demo_trainee = f"trainee@{DEMO_DOMAIN}"
    trainees = list(
        TraineeProfile.objects.exclude(person__email=demo_trainee).select_related("person")
    )
    mentors = MentorProfile.objects.select_related("person").order_by("person__email")
    for index, mentor in enumerate(mentors):
        for offset, (days, state) in enumerate(PATTERNS[index % len(PATTERNS)]):
            trainee = trainees[(index * 5 + offset) % len(trainees)]
            _seed_one(trainee.person, trainee.grade, mentor.person, now, index, offset, days, state)


def _seed_one(
    trainee: User,
    grade: str,
    mentor: User,
    now: dt.datetime,
    index: int,
    offset: int,
    days: float | None,
    state: str,
) -> None:
    if ContactRequest.objects.filter(trainee=trainee, mentor=mentor).exists():
        return
    sent = now - dt.timedelta(days=40 + 10 * offset + index % 7)
    replied = sent + dt.timedelta(days=days) if days is not None else None
    ContactRequest.objects.create(
        trainee=trainee,
        mentor=mentor,
        grade=grade,
        hours_per_week=3,
        sent_at=sent,
        replied_at=replied,
        closed_at=replied if state in (State.DECLINED, State.COMPLETED) else None,
        state=state,
        **LETTER,
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


@transaction.atomic
def seed_track_records() -> None:
    """Outputs, grants and supervisions for each demo mentor, then one recount."""
    from mentors.stats import mentor_stats_refresh

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
    title = f"Imaging research award {index + 1}.{k + 1}"
    if Output.objects.filter(title=title).exists():
        return
    output_create(
        actor=None,
        kind=Output.Kind.GRANT,
        title=title,
        authors=[AuthorIn(str(mentor), mentor)],
        venue=("NIHR", "RSNA Research & Education Foundation", "British Institute of Radiology")[
            k % 3
        ],
        date=today - dt.timedelta(days=300),
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
    topic = f"Supervised project {index + 1}.{k + 1}"
    if Supervision.objects.filter(mentor=mentor, topic=topic).exists():
        return
    state = Supervision.State.ONGOING
    if completed is not None:
        state = Supervision.State.COMPLETED if completed else Supervision.State.STOPPED
    supervision = Supervision.objects.create(
        mentor=mentor,
        trainee=trainee,
        topic=topic,
        started_on=today - dt.timedelta(days=700 - 150 * k),
        ended_on=None if completed is None else today - dt.timedelta(days=200 - 30 * k),
        state=state,
    )
    if output is not None:
        supervision.outputs.add(output)
