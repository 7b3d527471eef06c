"""Writes to training records: each one a transaction with its audit row.

Every service checks again who may do it (through `training.access`), so that a
view, the API and a command cannot disagree. Bad input raises ValidationError
naming the field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from core.extensions import Citable, provided
from core.files import delete_file, save_to_field
from core.tasks import deliver_email
from core.uploads import size_problem
from outputs.models import Author, Output
from people.models import Term
from training.access import home_site, is_admin, require_owner, require_supervisor
from training.conf import REMINDER_DAYS
from training.models import (
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    Credential,
    CredentialReminder,
    CredentialType,
    Evidence,
    Goal,
    RefreshInterval,
    RequirementCategory,
    RequirementSet,
    Tracker,
)
from training.selectors import add_months, credentials_of, today

# Accepted certificate and evidence files: extension -> (first bytes, content type).
FILE_TYPES: dict[str, tuple[bytes, str]] = {
    ".pdf": (b"%PDF", "application/pdf"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}


def content_type_of(name: str) -> str:
    return FILE_TYPES.get(PurePosixPath(name).suffix.lower(), (b"", "application/octet-stream"))[1]


def check_upload(field: str, upload: UploadedFile) -> None:
    """Refuse a file that is too large or is not really a PDF, PNG or JPEG."""
    name = upload.name or "the file"
    if problem := size_problem(upload, "certificate"):
        raise ValidationError({field: problem})
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in FILE_TYPES:
        raise ValidationError({field: f"“{name}” is not a PDF, PNG or JPEG file."})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(FILE_TYPES[suffix][0]):
        raise ValidationError(
            {field: f"“{name}” does not contain what its name says ({suffix[1:].upper()})."}
        )


def _check_not_future(field: str, day: dt.date, label: str) -> None:
    if day > today():
        raise ValidationError({field: f"The {label} cannot be in the future ({day:%-d %b %Y})."})


# Credentials -------------------------------------------------------------------------

CREDENTIAL_FIELDS = ("kind", "title", "completed_on", "provider")


class CredentialChanges(TypedDict, total=False):
    """A credential's own fields, as its form gives them (every one) and an update takes
    them (those it changes)."""

    kind: str
    title: str
    completed_on: dt.date
    provider: str


def _clean_credential(values: CredentialChanges) -> None:
    if values["kind"] not in CredentialType.values:
        raise ValidationError({"kind": f"Unknown credential type “{values['kind']}”."})
    if values["kind"] == CredentialType.OTHER and not values.get("title", "").strip():
        raise ValidationError({"title": "Name the course when the type is “Other”."})
    if not values.get("provider", "").strip():
        raise ValidationError({"provider": "Name the provider of the course."})
    _check_not_future("completed_on", values["completed_on"], "completion date")


def _attach_certificate(credential: Credential, certificate: UploadedFile | None) -> None:
    if certificate is None:
        return
    check_upload("certificate", certificate)
    credential.certificate_name = PurePosixPath(certificate.name or "certificate").name[:200]
    save_to_field(
        credential.certificate, certificate.name or "certificate", certificate, field="certificate"
    )


@transaction.atomic
def credential_create(
    *,
    person: User,
    kind: str,
    completed_on: dt.date,
    provider: str,
    title: str = "",
    certificate: UploadedFile | None = None,
) -> Credential:
    values: CredentialChanges = {
        "kind": kind,
        "title": title.strip(),
        "completed_on": completed_on,
        "provider": provider.strip(),
    }
    _clean_credential(values)
    credential = Credential(person=person, **values)
    _attach_certificate(credential, certificate)
    credential.save()
    changes = {field: (None, getattr(credential, field)) for field in CREDENTIAL_FIELDS}
    audit_record(
        actor=person,
        action="credential.create",
        obj=credential,
        changes=changes,
        site=home_site(person),
    )
    return credential


@transaction.atomic
def credential_update(
    *,
    actor: User,
    credential: Credential,
    version: int | None,
    certificate: UploadedFile | None = None,
    **values: Unpack[CredentialChanges],
) -> Credential:
    """Change a credential; refuse when someone saved it since `version` was read."""
    locked = Credential.objects.select_for_update().get(pk=credential.pk)
    require_owner(actor, locked.person_id)
    before: CredentialChanges = {
        "kind": locked.kind,
        "title": locked.title,
        "completed_on": locked.completed_on,
        "provider": locked.provider,
    }
    after: CredentialChanges = {**before, **values}
    after["title"], after["provider"] = after["title"].strip(), after["provider"].strip()
    if version != locked.version:
        current = {
            k.replace("_", " "): str(old) for k, (old, _) in diff_fields(before, after).items()
        }
        raise EditConflict(
            "This credential was saved elsewhere while you were editing it.",
            current=current,
            version=locked.version,
        )
    _clean_credential(after)
    for field, value in after.items():
        setattr(locked, field, value)
    _attach_certificate(locked, certificate)
    locked.version += 1
    locked.save()
    changes = diff_fields(before, after)
    if certificate is not None:
        changes["certificate"] = ("", locked.certificate_name)
    audit_record(actor=actor, action="credential.update", obj=locked, changes=changes)
    return locked


@transaction.atomic
def credential_delete(*, actor: User, credential: Credential) -> None:
    require_owner(actor, credential.person_id)
    audit_record(actor=actor, action="credential.delete", obj=credential)
    file = credential.certificate
    credential.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: delete_file(name, storage=storage))


@transaction.atomic
def refresh_interval_set(
    *, actor: User, credential_type: str, years: int | None, version: int
) -> None:
    """Override the organisation's interval for one type; `None` goes back to the setting.

    `version` is the override's version the form showed (0 when there was none), so
    that two administrators changing the same interval cannot overwrite each other.
    """
    if not is_admin(actor):
        raise PermissionDenied("Only administrators change refresher intervals.")
    if credential_type not in CredentialType.values:
        raise ValidationError({"credential_type": f"Unknown type “{credential_type}”."})
    if years is not None and not 0 <= years <= 20:
        raise ValidationError({"years": "Give between 0 (never) and 20 years."})
    found = RefreshInterval.objects.select_for_update().filter(credential_type=credential_type)
    current = found.first()
    old = current.years if current else None
    if (current.version if current else 0) != version:
        raise EditConflict(
            "This interval was changed elsewhere while you were editing it.",
            current={"years": "the setting" if old is None else str(old)},
            version=current.version if current else 0,
        )
    if old == years:
        return
    if years is None:
        found.delete()
    elif current is None:
        current = RefreshInterval.objects.create(credential_type=credential_type, years=years)
    else:
        current.years, current.version = years, current.version + 1
        current.save(update_fields=["years", "version", "updated_at"])
    assert current is not None  # `old != years`, so an override existed or was just made
    audit_record(
        actor=actor, action="refresh_interval.set", obj=current, changes={"years": (old, years)}
    )


def _reminder_mark(days_left: int) -> int | None:
    """The reminder due now: the smallest mark the expiry is within, if any."""
    marks = [mark for mark in sorted(REMINDER_DAYS) if 0 <= days_left <= mark]
    return marks[0] if marks else None


def credential_reminders_send(*, on: dt.date | None = None) -> list[CredentialReminder]:
    """Email people whose credentials expire within 60 or 14 days; never the same twice.

    Each reminder commits in its own transaction with its row, so a run that fails
    half-way leaves the sent ones recorded and the next run sends only the rest.
    """
    on = on or today()
    latest = on + dt.timedelta(days=max(REMINDER_DAYS))
    earliest = on - dt.timedelta(days=25 * 366)
    people = (
        Credential.objects.filter(completed_on__gte=earliest, completed_on__lte=latest)
        .values_list("person_id", flat=True)
        .distinct()
    )
    sent = []
    for person in User.objects.filter(pk__in=people, is_active=True):
        for state in credentials_of(person, on=on):
            mark = None if state.days_left is None else _reminder_mark(state.days_left)
            if state.superseded or mark is None or state.expires_on is None:
                continue
            reminder = _remind(person, state.credential, mark, state.expires_on, state.days_left)
            if reminder is not None:
                sent.append(reminder)
    return sent


def _remind(
    person: User, credential: Credential, mark: int, expires_on: dt.date, days_left: int | None
) -> CredentialReminder | None:
    try:
        with transaction.atomic():
            reminder = CredentialReminder.objects.create(
                credential=credential,
                days_before=mark,
                expires_on=expires_on,
                sent_at=timezone.now(),
            )
            audit_record(
                actor=None,
                action="credential.remind",
                obj=credential,
                changes={"days_before": (None, mark)},
            )
            body = (
                f"Your {credential.label} expires on {expires_on:%-d %B %Y}, in {days_left} "
                f"days. Record the refresher when you have done it:\n"
                f"{settings.SITE_URL}/training/\n"
            )
            transaction.on_commit(
                lambda: deliver_email.enqueue(
                    subject=f"[RadCollab] Your {credential.label} expires in {days_left} days",
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[person.email],
                )
            )
    except IntegrityError:
        return None  # Already sent (another run got there first): never twice.
    return reminder


# Certificate trackers ---------------------------------------------------------------


@transaction.atomic
def tracker_start(
    *, person: User, requirement_set: RequirementSet, started_on: dt.date | None = None
) -> Tracker:
    if not requirement_set.active:
        raise ValidationError({"requirement_set": f"“{requirement_set}” is no longer offered."})
    if Tracker.objects.filter(person=person, requirement_set=requirement_set).exists():
        raise ValidationError({"requirement_set": f"You already track “{requirement_set}”."})
    tracker = Tracker.objects.create(
        person=person, requirement_set=requirement_set, started_on=started_on or today()
    )
    audit_record(actor=person, action="tracker.start", obj=tracker)
    return tracker


def _clean_evidence(
    tracker: Tracker,
    category: RequirementCategory,
    kind: str,
    output: Output | None,
    file: UploadedFile | None,
    note: str,
) -> None:
    if category.requirement_set_id != tracker.requirement_set_id:
        raise ValidationError({"category": f"“{category.name}” is not a category of this tracker."})
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": f"Unknown kind of evidence “{kind}”."})
    if kind == Evidence.Kind.OUTPUT:
        if output is None:
            raise ValidationError({"output": "Choose the output this evidence is."})
        if not Author.objects.filter(output=output, person_id=tracker.person_id).exists():
            raise ValidationError({"output": f"You are not an author of “{output}”."})
    if kind == Evidence.Kind.FILE:
        if file is None:
            raise ValidationError({"file": "Attach the file."})
        check_upload("file", file)
    if kind == Evidence.Kind.NOTE and not note.strip():
        raise ValidationError({"note": "Write the note."})


def citable_records(person: User) -> list[Citable]:
    """Records other apps confirmed about the person (a study contribution their site
    lead confirmed) that evidence may cite; none when no installed app provides them."""
    provider = provided("citable_contributions")
    return list(provider(person)) if provider is not None else []


def _cited(tracker: Tracker, key: str) -> Citable:
    if not key:
        raise ValidationError({"contribution": "Choose the confirmed contribution."})
    found = next((c for c in citable_records(tracker.person) if c.key == key), None)
    if found is None:
        raise ValidationError(
            {"contribution": "That contribution is not one confirmed for the tracker's owner."}
        )
    return found


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    tracker: Tracker,
    category: RequirementCategory,
    kind: str,
    title: str = "",
    occurred_on: dt.date | None = None,
    note: str = "",
    output: Output | None = None,
    file: UploadedFile | None = None,
    contribution: str = "",
) -> Evidence:
    """Attach one piece of evidence to a category: an output, an event, a file, a note or
    a confirmed study contribution (cited by its key, with its own title, date and text)."""
    require_owner(actor, tracker.person_id)
    _clean_evidence(tracker, category, kind, output, file, note)
    cites = None
    if kind == Evidence.Kind.CONTRIBUTION:
        cites = _cited(tracker, contribution)
        title = title.strip() or cites.title
        occurred_on = occurred_on or cites.date
        note = "\n\n".join(x for x in (cites.summary, note.strip()) if x)
    if kind == Evidence.Kind.OUTPUT and output is not None:
        title = title.strip() or output.title[:300]
        occurred_on = occurred_on or output.date
    if not title.strip():
        raise ValidationError({"title": "Give the evidence a title."})
    if occurred_on is None:
        raise ValidationError({"occurred_on": "Give the date."})
    _check_not_future("occurred_on", occurred_on, "date")
    evidence = Evidence(
        tracker=tracker,
        category=category,
        kind=kind,
        title=title.strip(),
        occurred_on=occurred_on,
        note=note.strip(),
        output=output if kind == Evidence.Kind.OUTPUT else None,
        cites=cites.key if cites else "",
        cites_url=cites.url if cites else "",
    )
    if kind == Evidence.Kind.FILE and file is not None:
        evidence.file_name = PurePosixPath(file.name or "evidence").name[:200]
        save_to_field(evidence.file, file.name or "evidence", file, field="file")
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.add",
        obj=evidence,
        changes={"category": (None, category.name), "kind": (None, kind)},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, actor: User, evidence: Evidence) -> None:
    require_owner(actor, evidence.tracker.person_id)
    audit_record(actor=actor, action="evidence.delete", obj=evidence)
    file = evidence.file
    evidence.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: delete_file(name, storage=storage))


# Supervised checklists --------------------------------------------------------------


@transaction.atomic
def checklist_start(
    *, person: User, template: ChecklistTemplate, supervisor: User, started_on: dt.date
) -> Checklist:
    if not template.active:
        raise ValidationError({"template": f"“{template}” is no longer offered."})
    if supervisor.pk == person.pk:
        raise ValidationError({"supervisor": "Your supervisor must be someone else."})
    if not supervisor.is_active:
        raise ValidationError({"supervisor": f"{supervisor} can no longer sign in."})
    _check_not_future("started_on", started_on, "start date")
    checklist = Checklist.objects.create(
        person=person, template=template, supervisor=supervisor, started_on=started_on
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, text=item.text, position=item.position)
        for item in template.items.all()
    )
    audit_record(
        actor=person,
        action="checklist.start",
        obj=checklist,
        changes={"supervisor": (None, supervisor), "started_on": (None, started_on)},
        site=home_site(person),
    )
    return checklist


def _check_password(actor: User, password: str) -> None:
    if not password or not actor.check_password(password):
        wrong = "That is not your password; nothing was signed."
        raise ValidationError({"password": wrong})


def _lock_unsigned(item: ChecklistItem) -> ChecklistItem:
    locked = ChecklistItem.objects.select_for_update().select_related("checklist").get(pk=item.pk)
    if locked.is_signed:
        raise ValidationError(
            f"“{locked.text}” was signed on {locked.signed_on:%-d %b %Y}; "
            "a signed item cannot be changed by anyone."
        )
    return locked


@transaction.atomic
def checklist_item_update(*, actor: User, item: ChecklistItem, evidence: str) -> ChecklistItem:
    """The person notes the evidence for an item before the supervisor signs it."""
    locked = _lock_unsigned(item)
    require_owner(actor, locked.checklist.person_id)
    before = locked.evidence
    locked.evidence = evidence.strip()
    locked.save(update_fields=["evidence"])
    audit_record(
        actor=actor,
        action="checklist_item.update",
        obj=locked,
        changes={"evidence": (before, locked.evidence)},
    )
    return locked


@transaction.atomic
def checklist_item_sign(
    *, actor: User, item: ChecklistItem, password: str, signed_on: dt.date, evidence: str
) -> ChecklistItem:
    """The named supervisor signs one item, re-entering their password; it is final."""
    locked = _lock_unsigned(item)
    checklist = locked.checklist
    require_supervisor(actor, checklist)
    _check_password(actor, password)
    if checklist.completed_on is not None:
        raise ValidationError("This checklist is complete; nothing more can be signed.")
    if signed_on < checklist.started_on:
        raise ValidationError(
            {
                "signed_on": f"An item cannot be dated before the start "
                f"({checklist.started_on:%-d %b %Y})."
            }
        )
    _check_not_future("signed_on", signed_on, "sign-off date")
    if not evidence.strip() and not locked.evidence:
        raise ValidationError({"evidence": "Say what you saw: the evidence for this item."})
    locked.signed_by, locked.signed_on, locked.signed_at = actor, signed_on, timezone.now()
    locked.evidence = evidence.strip() or locked.evidence
    locked.save(update_fields=["signed_by", "signed_on", "signed_at", "evidence"])
    audit_record(
        actor=actor,
        action="checklist_item.sign",
        obj=locked,
        changes={"signed_on": (None, signed_on), "evidence": (None, locked.evidence)},
        site=home_site(checklist.person),
    )
    return locked


def earliest_completion(checklist: Checklist) -> dt.date:
    return add_months(checklist.started_on, checklist.template.minimum_months)


@transaction.atomic
def checklist_complete(
    *, actor: User, checklist: Checklist, password: str, completed_on: dt.date
) -> Checklist:
    """The supervisor completes the scheme once every item is signed and the minimum passed."""
    locked = Checklist.objects.select_for_update().select_related("template").get(pk=checklist.pk)
    require_supervisor(actor, locked)
    _check_password(actor, password)
    if locked.completed_on is not None:
        raise ValidationError(f"This checklist was completed on {locked.completed_on:%-d %b %Y}.")
    unsigned = locked.items.filter(signed_at__isnull=True).count()
    if unsigned:
        raise ValidationError(f"{unsigned} item(s) are not signed yet.")
    earliest = earliest_completion(locked)
    if completed_on < earliest:
        months = locked.template.minimum_months
        raise ValidationError(
            {
                "completed_on": f"The scheme lasts at least {months} months: it cannot be "
                f"completed before {earliest:%-d %b %Y}."
            }
        )
    _check_not_future("completed_on", completed_on, "completion date")
    locked.completed_on = completed_on
    locked.save(update_fields=["completed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="checklist.complete",
        obj=locked,
        changes={"completed_on": (None, completed_on)},
        site=home_site(locked.person),
    )
    return locked


# Goals ------------------------------------------------------------------------------

GOAL_FIELDS = ("target", "kind", "min_status", "theme", "first_author", "due_on")


class GoalChanges(TypedDict, total=False):
    """A goal's own fields, as its form gives them (every one) and an update takes them
    (those it changes)."""

    target: int
    kind: str
    min_status: str
    theme: Term | None
    first_author: bool
    due_on: dt.date


def _clean_goal(values: GoalChanges) -> None:
    if not 1 <= int(values["target"]) <= 500:
        raise ValidationError({"target": "Aim for between 1 and 500 outputs."})
    if values["kind"] and values["kind"] not in Output.Kind.values:
        raise ValidationError({"kind": f"Unknown kind of output “{values['kind']}”."})
    if values["min_status"] and values["min_status"] not in Output.Status.values:
        raise ValidationError({"min_status": f"Unknown status “{values['min_status']}”."})
    theme = values["theme"]
    if theme is not None and not isinstance(theme, Term):
        raise ValidationError({"theme": "Choose a research theme from the list."})


@transaction.atomic
def goal_create(
    *,
    person: User,
    target: int,
    due_on: dt.date,
    kind: str = "",
    min_status: str = "",
    theme: Term | None = None,
    first_author: bool = False,
) -> Goal:
    values: GoalChanges = {
        "target": target,
        "kind": kind,
        "min_status": min_status,
        "theme": theme,
        "first_author": first_author,
        "due_on": due_on,
    }
    _clean_goal(values)
    goal = Goal.objects.create(person=person, **values)
    audit_record(
        actor=person,
        action="goal.create",
        obj=goal,
        changes={f: (None, v) for f, v in values.items()},
    )
    return goal


@transaction.atomic
def goal_update(
    *, actor: User, goal: Goal, version: int | None, **values: Unpack[GoalChanges]
) -> Goal:
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    require_owner(actor, locked.person_id)
    before: GoalChanges = {
        "target": locked.target,
        "kind": locked.kind,
        "min_status": locked.min_status,
        "theme": locked.theme,
        "first_author": locked.first_author,
        "due_on": locked.due_on,
    }
    after: GoalChanges = {**before, **values}
    if version != locked.version:
        current = {
            k.replace("_", " "): str(old if old is not None else "")
            for k, (old, _) in diff_fields(before, after).items()
        }
        raise EditConflict(
            "This goal was saved elsewhere while you were editing it.",
            current=current,
            version=locked.version,
        )
    _clean_goal(after)
    for field, value in after.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save(update_fields=[*GOAL_FIELDS, "version", "updated_at"])
    audit_record(actor=actor, action="goal.update", obj=locked, changes=diff_fields(before, after))
    return locked


@transaction.atomic
def goal_delete(*, actor: User, goal: Goal) -> None:
    require_owner(actor, goal.person_id)
    audit_record(actor=actor, action="goal.delete", obj=goal)
    goal.delete()
