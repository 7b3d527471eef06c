"""Studies, their sites and roles, their settings and going live."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, diff_fields
from capture import completeness
from capture.models import DictionaryVersion, Study, StudyRole, StudySite
from capture.services.common import audit_scope
from capture.services.dictionary import current_dictionary, read_dictionary
from formats.datadictionary import FieldType, Issue

if TYPE_CHECKING:
    from accounts.models import User
    from network.models import Site

SITE_CODE = re.compile(r"^[A-Z0-9]{2,12}$")


@transaction.atomic
def study_create(
    *, actor: User, title: str, dictionary_csv: str, protocol_summary: str = ""
) -> tuple[Study, tuple[Issue, ...]]:
    """A study in design with its first dictionary; the creator becomes its admin.

    Returns the issues the dictionary reader read past (what RadCollab does not support),
    so the person sees them instead of losing them silently.
    """
    if not title.strip():
        raise ValidationError({"title": "A study needs a title."})
    _, issues, _ = read_dictionary(dictionary_csv)
    study = Study.objects.create(
        title=title.strip(), protocol_summary=protocol_summary, created_by=actor
    )
    DictionaryVersion.objects.create(
        study=study,
        number=1,
        csv=dictionary_csv,
        created_by=actor,
        applied_by=actor,
        applied_at=timezone.now(),
    )
    StudyRole.objects.create(study=study, person=actor, role=StudyRole.Role.ADMIN)
    audit_record(
        actor=actor,
        action="study.create",
        obj=study,
        changes={"title": (None, study.title), "dictionary_version": (None, 1)},
        scope=audit_scope(study),
    )
    return study, issues


@transaction.atomic
def study_add_site(*, actor: User, study: Study, site: Site, code: str) -> StudySite:
    code = code.strip().upper()
    if not SITE_CODE.match(code):
        raise ValidationError({"code": "Use 2 to 12 capital letters or digits, e.g. STT."})
    if StudySite.objects.filter(study=study, code=code).exists():
        raise ValidationError({"code": f"Another site of this study already uses {code}."})
    if StudySite.objects.filter(study=study, site=site).exists():
        raise ValidationError({"site": f"{site} already takes part in this study."})
    study_site = StudySite.objects.create(study=study, site=site, code=code)
    completeness.start(study_site)
    audit_record(
        actor=actor,
        action="study.site_add",
        obj=study,
        changes={"site": (None, f"{code} {site}")},
        site=site,
        scope=audit_scope(study),
    )
    return study_site


@transaction.atomic
def study_grant_role(
    *,
    actor: User,
    study: Study,
    person: User,
    role: str,
    study_site: StudySite | None = None,
) -> StudyRole:
    from capture.access import SITE_BOUND, forget_roles

    if role not in StudyRole.Role.values:
        raise ValidationError({"role": f"Unknown study role {role!r}."})
    if role in SITE_BOUND and study_site is None:
        raise ValidationError({"study_site": "This role works at one site: choose it."})
    if study_site is not None and study_site.study_id != study.pk:
        raise ValidationError({"study_site": "That site does not take part in this study."})
    if study.require_gcp and not _has_valid_gcp(person):
        raise ValidationError(
            {"person": f"{person} has no valid Good Clinical Practice certificate on record."}
        )
    granted, created = StudyRole.objects.get_or_create(
        study=study, person=person, role=role, study_site=study_site, ended_at=None
    )
    if created:
        audit_record(
            actor=actor,
            action="study.role_grant",
            obj=study,
            changes={"role": (None, f"{person}: {granted}")},
            site=study_site.site if study_site else None,
            scope=audit_scope(study),
        )
    forget_roles(person)
    return granted


def _has_valid_gcp(person: User) -> bool:
    from training.selectors import has_valid_gcp

    return has_valid_gcp(person)


SETTINGS = (
    "protocol_summary",
    "pseudonymisation_rules",
    "require_gcp",
    "allow_file_fields",
    "record_ids",
    "retention_days",
)


@transaction.atomic
def study_update_settings(
    *, actor: User, study: Study, repeating_instruments: list[str], **values: object
) -> Study:
    """The study's settings; which instruments repeat is fixed once records exist."""
    instruments = current_dictionary(study).instruments
    unknown = sorted(set(repeating_instruments) - set(instruments))
    if unknown:
        raise ValidationError({"repeating_instruments": f"No instrument {', '.join(unknown)}."})
    if repeating_instruments != study.repeating_instruments and study.records.exists():
        raise ValidationError(
            {"repeating_instruments": "Records exist: which instruments repeat cannot change."}
        )
    record_ids = values.get("record_ids", study.record_ids)
    if record_ids not in Study.RecordIds.values:
        raise ValidationError({"record_ids": f"Unknown record-id scheme {record_ids!r}."})
    if record_ids != study.record_ids and study.records.exists():
        raise ValidationError({"record_ids": "Records exist: the record ids cannot change."})
    before = {name: getattr(study, name) for name in (*SETTINGS, "repeating_instruments")}
    for name in SETTINGS:
        if name in values:
            setattr(study, name, values[name])
    study.repeating_instruments = repeating_instruments
    study.full_clean()
    study.save()
    after = {name: getattr(study, name) for name in before}
    audit_record(
        actor=actor,
        action="study.settings",
        obj=study,
        changes=diff_fields(before, after),
        scope=audit_scope(study),
    )
    return study


@transaction.atomic
def study_go_live(*, actor: User, study: Study, acknowledged: bool = False) -> Study:
    """Design → live, refused while the dictionary would let identifiers in.

    When the dictionary holds what RadCollab keeps but does not apply or evaluate (the
    study page lists it, field by field), the admin must acknowledge that list.
    """
    dictionary = current_dictionary(study)
    unapplied = dictionary.issues
    problems = [
        f"{f.name}: flagged as an identifier (Identifier? = y); RadCollab stores no "
        "patient identifiers"
        for f in dictionary.fields
        if f.identifier
    ]
    if not study.allow_file_fields:
        problems += [
            f"{f.name}: file-upload fields need the admin's permission in a live study"
            for f in dictionary.fields
            if f.field_type == FieldType.FILE
        ]
    if not study.study_sites.exists():
        problems.append("add at least one participating site")
    if unapplied and not acknowledged:
        problems.append(
            f"the dictionary has {len(unapplied)} item(s) RadCollab keeps but does not apply "
            "or evaluate (listed on the study page): tick that you have read the list"
        )
    if problems:
        raise ValidationError({"status": problems})
    old = study.status
    study.status = Study.Status.LIVE
    study.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="study.status",
        obj=study,
        changes={"status": (old, study.status)},
        reason=(
            f"Acknowledged {len(unapplied)} item(s) kept, not applied or not evaluated here."
            if unapplied
            else ""
        ),
        scope=audit_scope(study),
    )
    return study
