"""Writes to profiles and the taxonomy, each audited, with a check against lost updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from audit.services import audit_record
from core.exceptions import EditConflict
from core.extensions import provided
from people.models import INTEREST_KINDS, MentorProfile, Term, TraineeProfile
from people.signals import trainee_profile_changed

if TYPE_CHECKING:
    from core.types import User

TRAINEE_FIELDS = (
    "grade",
    "scheme",
    "expected_completion",
    "international_graduate",
    "academic_track",
    "research_time",
    "hours_per_week",
    "career_goals",
)
MENTOR_FIELDS = (
    "title",
    "site",
    "statement",
    "accepting_trainees",
    "capacity",
    "meeting_frequency",
)

Profile = TypeVar("Profile", TraineeProfile, MentorProfile)


def _snapshot(
    profile: TraineeProfile | MentorProfile, fields: Iterable[str], m2m: Iterable[str]
) -> dict[str, Any]:
    values = {field: getattr(profile, field) for field in fields}
    if profile.pk:
        for name in m2m:
            values[name] = sorted(term.name for term in getattr(profile, name).all())
    return values


def _display(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _check_terms(field: str, terms: Iterable[Term], kinds: Iterable[str]) -> None:
    wrong = [term.name for term in terms if term.kind not in kinds]
    if wrong:
        raise ValidationError({field: f"Not a {field.rstrip('s')} term: {', '.join(wrong)}."})


def _profile_save(
    model: type[Profile],
    *,
    person: User,
    version: int | None,
    values: dict[str, Any],
    m2m: dict[str, list[Term]],
    fields: tuple[str, ...],
) -> Profile:
    """Create or update `person`'s profile; refuse if it changed since `version` was read."""
    profile = model.objects.select_for_update().filter(person=person).first()
    if profile is None:
        profile = model(person=person)
    before = _snapshot(profile, fields, m2m)
    before_pk = profile.pk
    if profile.pk and version != profile.version:
        wanted = {**values, **{name: sorted(t.name for t in terms) for name, terms in m2m.items()}}
        current = {
            key.replace("_", " "): _display(value)
            for key, value in before.items()
            if key in wanted and wanted[key] != value
        }
        raise EditConflict(
            "This profile was saved elsewhere while you were editing it.",
            current=current,
            version=profile.version,
        )
    for field, value in values.items():
        setattr(profile, field, value)
    profile.full_clean(exclude=["person"])
    profile.version = (profile.version or 0) + 1 if profile.pk else 1
    profile.save()
    for name, terms in m2m.items():
        getattr(profile, name).set(terms)
    after = _snapshot(profile, fields, m2m)
    changes = {
        key: (before.get(key), value) for key, value in after.items() if before.get(key) != value
    }
    if changes:
        action = f"{model._meta.model_name}.save"
        audit_record(actor=person, action=action, obj=profile, changes=changes)
        if model is TraineeProfile:
            trainee_profile_changed.send(
                sender=model, person_id=profile.person_id, created=not before_pk
            )
    return profile


@transaction.atomic
def trainee_profile_save(
    *,
    person: User,
    version: int | None,
    interests: list[Term],
    skills: list[Term],
    **values: Any,
) -> TraineeProfile:
    _check_terms("interests", interests, INTEREST_KINDS)
    _check_terms("skills", skills, [Term.Kind.SKILL])
    return _profile_save(
        TraineeProfile,
        person=person,
        version=version,
        values={field: values[field] for field in TRAINEE_FIELDS if field in values},
        m2m={"interests": interests, "skills": skills},
        fields=TRAINEE_FIELDS,
    )


@transaction.atomic
def mentor_profile_save(
    *, person: User, version: int | None, expertise: list[Term], **values: Any
) -> MentorProfile:
    _check_terms("expertise", expertise, INTEREST_KINDS)
    profile = _profile_save(
        MentorProfile,
        person=person,
        version=version,
        values={field: values[field] for field in MENTOR_FIELDS if field in values},
        m2m={"expertise": expertise},
        fields=MENTOR_FIELDS,
    )
    # The directory searches and sorts a recount of the profile; keep it in step (the
    # mentors app, a higher layer, provides the recount: core.extensions).
    recount = provided("track_records_recount")
    if recount is not None:
        recount([person.pk])
    return profile


TAXONOMY: dict[str, list[str]] = {
    Term.Kind.SUBSPECIALTY: [
        "Neuroradiology",
        "Head and neck",
        "Chest / thoracic",
        "Cardiac",
        "Breast",
        "Gastrointestinal / abdominal",
        "Genitourinary",
        "Musculoskeletal",
        "Paediatric",
        "Interventional",
        "Nuclear medicine / molecular",
        "Oncological",
        "Emergency",
        "Vascular",
    ],
    Term.Kind.MODALITY: [
        "Radiography",
        "CT",
        "MRI",
        "Ultrasound",
        "PET",
        "SPECT",
        "Mammography",
        "Fluoroscopy",
        "Interventional",
    ],
    Term.Kind.METHOD: [
        "Clinical / outcomes",
        "Diagnostic accuracy",
        "AI / informatics",
        "Quality improvement / audit",
        "Education",
        "Basic / translational",
        "Systematic review / meta-analysis",
        "Health economics",
    ],
    Term.Kind.SKILL: [
        "Statistics",
        "R",
        "Python",
        "REDCap",
        "Image post-processing",
        "Segmentation",
        "Writing",
        "Systematic searching",
    ],
}


@transaction.atomic
def taxonomy_seed() -> int:
    """Create the shipped terms that are missing; admins' renames and additions stay."""
    created = 0
    for kind, names in TAXONOMY.items():
        for position, name in enumerate(names):
            _, made = Term.objects.get_or_create(
                kind=kind, slug=slugify(name), defaults={"name": name, "position": position}
            )
            created += made
    return created
