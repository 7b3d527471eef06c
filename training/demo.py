"""Demo training records: the demo trainee's GCP is due soon, a tracker, a signed checklist.

Idempotent: everything is keyed on the demo people and found again on a second run.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from network.demo import DEMO_DOMAIN
from outputs.models import Output
from training import services
from training.models import (
    Checklist,
    ChecklistTemplate,
    Credential,
    CredentialType,
    Evidence,
    Goal,
    RequirementSet,
    Tracker,
)
from training.selectors import add_years, refresh_years, today

CERTIFICATE = "Research certificate (college model)"
ASSOCIATE_PI = "Associate principal investigator scheme"


@transaction.atomic
def seed() -> None:
    trainee = User.objects.get(email=f"trainee@{DEMO_DOMAIN}")
    mentor = User.objects.get(email=f"mentor@{DEMO_DOMAIN}")
    _credentials(trainee, mentor)
    _tracker(trainee)
    _checklist(trainee, mentor)
    _goal(trainee)


def _credentials(trainee: User, mentor: User) -> None:
    if not Credential.objects.filter(person=trainee).exists():
        # Completed so that it falls due in about five weeks under the current interval.
        years = refresh_years()[CredentialType.GCP_INTRODUCTION] or 3
        completed = add_years(today() + dt.timedelta(days=35), -years)
        services.credential_create(
            person=trainee,
            kind=CredentialType.GCP_INTRODUCTION,
            completed_on=completed,
            provider="NIHR Learn",
        )
        services.credential_create(
            person=trainee,
            kind=CredentialType.INFORMED_CONSENT,
            completed_on=today() - dt.timedelta(days=200),
            provider="NIHR Learn",
        )
    if not Credential.objects.filter(person=mentor).exists():
        services.credential_create(
            person=mentor,
            kind=CredentialType.GCP_REFRESHER,
            completed_on=today() - dt.timedelta(days=400),
            provider="NIHR Learn",
        )


def _tracker(trainee: User) -> None:
    requirement_set = RequirementSet.objects.filter(name=CERTIFICATE).first()
    if requirement_set is None or Tracker.objects.filter(person=trainee).exists():
        return
    tracker = services.tracker_start(
        person=trainee,
        requirement_set=requirement_set,
        started_on=today() - dt.timedelta(days=300),
    )
    categories = {c.name: c for c in requirement_set.categories.all()}
    for weeks in (40, 30, 20):
        services.evidence_add(
            actor=trainee,
            tracker=tracker,
            category=categories["Research meetings and journal clubs"],
            kind=Evidence.Kind.EVENT,
            title="Neuroradiology journal club",
            occurred_on=today() - dt.timedelta(weeks=weeks),
            note="Presented a diagnostic-accuracy paper on DWI in stroke mimics.",
        )
    services.evidence_add(
        actor=trainee,
        tracker=tracker,
        category=categories["Courses"],
        kind=Evidence.Kind.NOTE,
        title="Medical statistics for radiologists (two days)",
        occurred_on=today() - dt.timedelta(days=120),
        note="Regression, diagnostic accuracy, agreement statistics.",
    )
    output = Output.objects.filter(authors__person=trainee).order_by("-date").first()
    if output is not None:
        services.evidence_add(
            actor=trainee,
            tracker=tracker,
            category=categories["Publishing"],
            kind=Evidence.Kind.OUTPUT,
            output=output,
            occurred_on=output.date or today() - dt.timedelta(days=30),
        )


def _checklist(trainee: User, mentor: User) -> None:
    template = ChecklistTemplate.objects.filter(name=ASSOCIATE_PI).first()
    if template is None or Checklist.objects.filter(person=trainee, template=template).exists():
        return
    started = today() - dt.timedelta(days=90)
    checklist = services.checklist_start(
        person=trainee, template=template, supervisor=mentor, started_on=started
    )
    # The demo signs as the mentor would: the service checks the password like any sign-off.
    from network.demo import DEMO_PASSWORD

    evidence = [
        "Signed on the delegation log at the site initiation visit.",
        "Completed 24 case report forms; resolved three queries from the data centre.",
    ]
    for item, note in zip(checklist.items.order_by("position")[:2], evidence, strict=True):
        services.checklist_item_sign(
            actor=mentor,
            item=item,
            password=DEMO_PASSWORD,
            signed_on=started + dt.timedelta(days=14),
            evidence=note,
        )


def _goal(trainee: User) -> None:
    if Goal.objects.filter(person=trainee).exists():
        return
    services.goal_create(
        person=trainee,
        target=3,
        kind=Output.Kind.ARTICLE,
        min_status=Output.Status.PUBLISHED,
        first_author=False,
        due_on=today() + dt.timedelta(days=540),
    )
