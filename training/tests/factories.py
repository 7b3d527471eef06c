from __future__ import annotations

import datetime as dt
import itertools
from importlib import import_module

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localdate

from accounts.tests.factories import UserFactory
from network.models import Role
from network.tests.factories import MembershipFactory
from outputs.services import AuthorIn, output_create
from training import services
from training.models import ChecklistTemplate, CredentialType, RequirementSet

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "da63f8cfc0f01f0005000201a5f1d9d40000000049454e44ae426082"
)


_serial = itertools.count(1)


def pdf_upload(name: str = "gcp.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def person_at(site, role=Role.TRAINEE):
    person = UserFactory.create()
    MembershipFactory.create(person=person, role=role, site=site)
    return person


def credential(person, *, days_ago: int = 30, kind=CredentialType.GCP_INTRODUCTION, **extra):
    return services.credential_create(
        person=person,
        kind=kind,
        completed_on=localdate() - dt.timedelta(days=days_ago),
        provider=extra.pop("provider", "NIHR Learn"),
        **extra,
    )


def _shipped_templates() -> None:
    """The templates the data migration ships; a transactional test's flush removes them."""
    if not ChecklistTemplate.objects.exists():
        from django.apps import apps

        migration = import_module(
            "training.migrations.0002_seed_certificate_and_associate_pi_templates"
        )
        migration.seed(apps, None)


def certificate_set() -> RequirementSet:
    _shipped_templates()
    return RequirementSet.objects.get(name="Research certificate (college model)")


def associate_pi() -> ChecklistTemplate:
    _shipped_templates()
    return ChecklistTemplate.objects.get(name="Associate principal investigator scheme")


def checklist(person, supervisor, *, days_ago: int = 30):
    return services.checklist_start(
        person=person,
        template=associate_pi(),
        supervisor=supervisor,
        started_on=localdate() - dt.timedelta(days=days_ago),
    )


def tracker(person):
    return services.tracker_start(person=person, requirement_set=certificate_set())


def output(person, *, kind="article", status="published", first=True, date=None, themes=()):
    others = [AuthorIn(name="Smith J"), AuthorIn(name="Jones K")]
    me = AuthorIn(name=str(person), person=person)
    created = output_create(
        actor=None,
        kind=kind,
        title=f"A study of {kind} number {next(_serial)}",
        authors=[me, *others] if first else [*others, me],
        venue="Clinical Radiology",
        date=date or localdate() - dt.timedelta(days=10),
        status=status,
    )
    if themes:
        created.themes.set(themes)
    return created
