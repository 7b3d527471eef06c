"""Every write to a project: one transaction each, audited in it, access checked again.

Views and the API check access before calling; the services check the rule that
matters (lead only, team only) again, so that no caller can skip it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import User
from accounts.tasks import deliver_email
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from core.identifiers import describe, find_identifiers
from network.models import Site
from people.models import Term
from projects import access
from projects.board import facets_of
from projects.estimates import load_message, own_quick_facts
from projects.models import (
    FINISHED,
    Application,
    Contribution,
    CreditRole,
    Degree,
    Document,
    DocumentVersion,
    Folder,
    Meeting,
    Member,
    Milestone,
    Project,
    ProjectRole,
    Status,
    StatusChange,
    Task,
)

MAX_ACTIVE_PROJECTS = 3
DEFAULT_UPLOAD_MAX_MB = 20
# What a research team keeps: documents, spreadsheets, statistics files, images, archives.
ALLOWED_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".txt",
        ".md",
        ".xls",
        ".xlsx",
        ".ods",
        ".csv",
        ".tsv",
        ".json",
        ".ppt",
        ".pptx",
        ".odp",
        ".png",
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
        ".r",
        ".rmd",
        ".py",
        ".ipynb",
        ".do",
        ".dta",
        ".sav",
        ".sps",
        ".zip",
        ".bib",
        ".ris",
    }
)
PROJECT_FIELDS = (
    "title",
    "summary",
    "research_type",
    "subspecialty",
    "modality",
    "timing",
    "centres",
    "mentor",
    "primary_outcome",
    "ethics",
    "audit_registration",
    "data_protection",
    "cases",
    "minutes_collection",
    "minutes_reading",
)


def upload_limit_mb() -> int:
    return int(getattr(settings, "RADCOLLAB_UPLOAD_MAX_MB", DEFAULT_UPLOAD_MAX_MB))


def _notify(people: Iterable[User], subject: str, body: str, link: str) -> None:
    to = sorted({person.email for person in people})
    if not to:
        return
    url = settings.SITE_URL + link
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {subject}",
            body=f"{body}\n\nOpen it in RadCollab: {url}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
    )


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("lead", "mentor")
        .get(pk=project.pk)
    )


def _check_terms(subspecialty: Term | None, modality: Term | None) -> None:
    if subspecialty is not None and subspecialty.kind != Term.Kind.SUBSPECIALTY:
        raise ValidationError({"subspecialty": f"{subspecialty} is not a subspecialty."})
    if modality is not None and modality.kind != Term.Kind.MODALITY:
        raise ValidationError({"modality": f"{modality} is not a modality."})


def _snapshot(project: Project) -> dict[str, Any]:
    values = {field: getattr(project, field) for field in PROJECT_FIELDS}
    values["sites"] = sorted(site.name for site in project.sites.all()) if project.pk else []
    return values


def _add_member(project: Project, person: User, responsibility: str) -> Member:
    member = Member.objects.filter(project=project, person=person).first()
    if member is None:
        return Member.objects.create(project=project, person=person, responsibility=responsibility)
    if responsibility not in member.responsibility.split(", "):
        member.responsibility = f"{member.responsibility}, {responsibility}"[:300]
        member.save(update_fields=["responsibility", "updated_at"])
    return member


@transaction.atomic
def project_create(
    *,
    actor: User,
    sites: Iterable[Site] = (),
    roles: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> Project:
    """Post a project: the author becomes its lead and the supervising mentor joins the team."""
    values = {field: fields[field] for field in PROJECT_FIELDS if field in fields}
    _check_terms(values.get("subspecialty"), values.get("modality"))
    project = Project(lead=actor, **values)
    project.full_clean(exclude=["lead"])
    places = list(sites)
    project.own_quick_facts = own_quick_facts(project)
    project.facets = facets_of(project, places)
    project.save()
    project.sites.set(places)
    StatusChange.objects.create(project=project, after=project.status, by=actor, at=timezone.now())
    _add_member(project, actor, "Lead")
    if project.mentor is not None:
        _add_member(project, project.mentor, "Supervising mentor")
    audit_record(actor=actor, action="project.create", obj=project)
    for index, role in enumerate(roles):
        _role_add(actor, project, prefix=f"roles.{index}.", **role)
    _refresh_open_hours(project)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project: Project, version: int | None, sites: Iterable[Site], **fields: Any
) -> Project:
    """Edit the project's description; refused if someone saved it since `version`."""
    locked = _locked(project)
    access.require_lead(actor, locked)
    before = _snapshot(locked)
    values = {field: fields[field] for field in PROJECT_FIELDS if field in fields}
    places = list(sites)
    wanted = {**values, "sites": sorted(site.name for site in places)}
    if version != locked.version:
        current = {
            key.replace("_", " "): before[key] for key in wanted if wanted[key] != before[key]
        }
        raise EditConflict(
            "This project was saved elsewhere while you were editing it.",
            current=current,
            version=locked.version,
        )
    _check_terms(values.get("subspecialty"), values.get("modality"))
    for field, value in values.items():
        setattr(locked, field, value)
    locked.full_clean(exclude=["lead"])
    locked.own_quick_facts = own_quick_facts(locked)
    locked.facets = facets_of(locked, places)
    locked.version += 1
    locked.save()
    locked.sites.set(places)
    if locked.mentor is not None:
        _add_member(locked, locked.mentor, "Supervising mentor")
    changes = diff_fields(before, _snapshot(locked))
    audit_record(actor=actor, action="project.update", obj=locked, changes=changes)
    return locked


@transaction.atomic
def project_status_change(*, actor: User, project: Project, status: str, note: str = "") -> Project:
    """Move the project along its pipeline; the step is audited and shown on the timeline."""
    locked = _locked(project)
    access.require_lead(actor, locked)
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if status == locked.status:
        label = locked.get_status_display().lower()
        raise ValidationError({"status": f"The project is already at “{label}”."})
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    _refresh_open_hours(locked)
    StatusChange.objects.create(
        project=locked, before=before, after=status, by=actor, at=timezone.now(), note=note[:500]
    )
    audit_record(
        actor=actor,
        action="project.status",
        obj=locked,
        changes={"status": (before, status)},
        reason=note,
    )
    return locked


def _refresh_open_hours(project: Project) -> None:
    open_roles = ProjectRole.objects.filter(project=project, state=ProjectRole.State.OPEN)
    hours = open_roles.aggregate(hours=Min("hours_per_week"))["hours"]
    project.min_open_hours = None if project.is_finished else hours
    project.save(update_fields=["min_open_hours", "updated_at"])


def _role_add(
    actor: User,
    project: Project,
    *,
    kind: str,
    hours_per_week: int,
    duration_weeks: int,
    description: str = "",
    prefix: str = "",
) -> ProjectRole:
    role = ProjectRole(
        project=project,
        kind=kind,
        hours_per_week=hours_per_week,
        duration_weeks=duration_weeks,
        description=description,
    )
    try:
        role.full_clean(exclude=["project"])
    except ValidationError as error:
        raise ValidationError(
            {f"{prefix}{field}": messages for field, messages in error.message_dict.items()}
        ) from None
    role.save()
    audit_record(actor=actor, action="project.role_add", obj=role)
    return role


@transaction.atomic
def role_add(
    *,
    actor: User,
    project: Project,
    kind: str,
    hours_per_week: int,
    duration_weeks: int,
    description: str = "",
) -> ProjectRole:
    locked = _locked(project)
    access.require_lead(actor, locked)
    if locked.is_finished:
        raise ValidationError("A finished project takes no more help; reopen it first.")
    role = _role_add(
        actor,
        locked,
        kind=kind,
        hours_per_week=hours_per_week,
        duration_weeks=duration_weeks,
        description=description,
    )
    _refresh_open_hours(locked)
    return role


@transaction.atomic
def role_withdraw(*, actor: User, role: ProjectRole) -> ProjectRole:
    """The help is no longer needed: the role closes and waiting applicants are told."""
    project = _locked(role.project)
    access.require_lead(actor, project)
    locked = ProjectRole.objects.select_for_update().get(pk=role.pk)
    if locked.state != ProjectRole.State.OPEN:
        raise ValidationError({"role": f"This role is already {locked.get_state_display()}."})
    locked.state = ProjectRole.State.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    _decline_waiting(actor, locked, "The lead no longer needs this role.")
    audit_record(actor=actor, action="project.role_withdraw", obj=locked)
    _refresh_open_hours(project)
    return locked


def active_projects_of(person: User) -> list[Project]:
    return list(
        Project.objects.filter(members__person=person).exclude(status__in=FINISHED).order_by("pk")
    )


class Overcommitted(ValidationError):
    """Applying would give the trainee more than MAX_ACTIVE_PROJECTS; they must confirm."""

    def __init__(self, projects: list[Project]) -> None:
        self.projects = projects
        message = load_message((p.title for p in projects), MAX_ACTIVE_PROJECTS)
        super().__init__({"accept_load": message})


@transaction.atomic
def application_submit(
    *, applicant: User, role: ProjectRole, note: str, accept_load: bool = False
) -> Application:
    """Apply for a role with a short note; warned first when already on three projects."""
    project = _locked(role.project)
    access.require_member_of_network(applicant)
    if role.state != ProjectRole.State.OPEN or project.is_finished:
        raise ValidationError({"role": "This role is no longer open."})
    if applicant.pk == project.lead_id:
        raise ValidationError({"role": "You lead this project; add yourself to roles directly."})
    if Application.objects.filter(
        role=role, applicant=applicant, state=Application.State.PENDING
    ).exists():
        raise ValidationError({"role": "You have already applied for this role."})
    if not note.strip():
        raise ValidationError({"note": "Say in a line or two why you and what you bring."})
    current = active_projects_of(applicant)
    joining = all(p.pk != project.pk for p in current)
    if joining and len(current) >= MAX_ACTIVE_PROJECTS and not accept_load:
        raise Overcommitted(current)
    application = Application.objects.create(role=role, applicant=applicant, note=note.strip())
    audit_record(actor=applicant, action="project.apply", obj=application)
    _notify(
        [project.lead],
        f"{applicant} applied to {project}",
        f"{applicant} applied for {role.get_kind_display()}:\n\n{application.note}",
        project.get_absolute_url(),
    )
    return application


def _decline_waiting(actor: User, role: ProjectRole, reply: str) -> None:
    waiting = Application.objects.filter(role=role, state=Application.State.PENDING)
    for other in waiting.select_related("applicant"):
        other.state, other.reply, other.decided_at = "declined", reply, timezone.now()
        other.save(update_fields=["state", "reply", "decided_at", "updated_at"])
        audit_record(actor=actor, action="project.application_decline", obj=other)
        _notify(
            [other.applicant],
            f"Your application to {role.project} was declined",
            reply,
            reverse_mine(),
        )


def reverse_mine() -> str:
    from django.urls import reverse

    return reverse("projects:mine")


DECISIONS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}


@transaction.atomic
def application_decide(
    *, actor: User, application: Application, action: str, reply: str = ""
) -> Application:
    """The lead accepts or declines; the applicant may withdraw. Accepting adds to the team."""
    if action not in DECISIONS:
        raise ValidationError({"action": f"Unknown action “{action}”."})
    project = _locked(application.role.project)
    locked = Application.objects.select_for_update(of=("self",)).select_related("role", "applicant")
    found = locked.get(pk=application.pk)
    if action == "withdraw" and actor.pk != found.applicant_id:
        raise PermissionDenied("Only the applicant may withdraw an application.")
    if action != "withdraw":
        access.require_lead(actor, project)
    if found.state != Application.State.PENDING:
        state = found.get_state_display().lower()
        raise ValidationError({"action": f"This application is {state}; it cannot be {action}ed."})
    if action == "accept" and found.role.state != ProjectRole.State.OPEN:
        raise ValidationError({"action": "The role is no longer open."})
    found.state, found.reply, found.decided_at = DECISIONS[action], reply.strip(), timezone.now()
    found.save(update_fields=["state", "reply", "decided_at", "updated_at"])
    audit_record(actor=actor, action=f"project.application_{action}", obj=found)
    if action == "accept":
        _accept(actor, project, found)
    if action != "withdraw":
        verb = DECISIONS[action]
        _notify(
            [found.applicant],
            f"Your application to {project} was {verb}",
            found.reply or f"{actor} {verb} your application.",
            project.get_absolute_url(),
        )
    return found


def _accept(actor: User, project: Project, application: Application) -> None:
    role = application.role
    _add_member(project, application.applicant, role.get_kind_display())
    role.state = ProjectRole.State.FILLED
    role.save(update_fields=["state", "updated_at"])
    _decline_waiting(actor, role, "Another applicant was accepted for this role.")
    _refresh_open_hours(project)
    # A new author changes who must agree: confirmation reopens for everyone.
    if project.agreement_version:
        project.agreement_version += 1
        project.save(update_fields=["agreement_version", "updated_at"])


def _member_of(actor: User, project: Project) -> Member:
    member = Member.objects.filter(project=project, person=actor).first()
    if member is None:
        raise PermissionDenied("Only the project team may do this.")
    return member


def _refuse_identifiers(**texts: str) -> None:
    """Refuse free text that looks like a patient identifier: none is stored (DESIGN.md).

    The workspace keeps notes, titles and upload notes, and a meeting's summary is
    emailed to the team, so each field is screened before anything is written. The
    error names every field at fault with what was found (masked) and why.
    """
    errors = {}
    for field, text in texts.items():
        findings = find_identifiers(text)
        if findings:
            errors[field] = describe(findings)
    if errors:
        raise ValidationError(errors)


def _check_degrees(values: dict[str, str], field: str) -> None:
    for role, degree in values.items():
        if role not in CreditRole.values:
            raise ValidationError({field: f"“{role}” is not a CRediT role."})
        if degree and degree not in Degree.values:
            raise ValidationError({field: f"“{degree}” is not lead, equal or supporting."})


@transaction.atomic
def contributions_declare(*, actor: User, project: Project, declared: dict[str, str]) -> Member:
    """A member states their CRediT roles and degree; the lead reconciles them."""
    _locked(project)
    member = _member_of(actor, project)
    _check_degrees(declared, "declared")
    before = {c.role: c.declared for c in member.contributions.all()}
    for role in CreditRole.values:
        degree = declared.get(role, "")
        if degree or role in before:
            Contribution.objects.update_or_create(
                member=member, role=role, defaults={"declared": degree}
            )
    changes = diff_fields(before, {role: declared.get(role, "") for role in CreditRole.values})
    audit_record(actor=actor, action="project.credit_declare", obj=member, changes=changes)
    return member


@dataclass(frozen=True)
class AgreementLine:
    member_id: int
    position: int | None
    roles: dict[str, str]


def _check_agreement(members: dict[int, Member], lines: list[AgreementLine]) -> None:
    unknown = [line.member_id for line in lines if line.member_id not in members]
    if unknown:
        raise ValidationError({"order": "Someone in the agreement is not on the team."})
    positions = [line.position for line in lines if line.position is not None]
    if len(positions) != len(set(positions)) or any(p < 1 for p in positions):
        raise ValidationError({"order": "Author positions must be different numbers from 1 up."})
    if sorted(positions) != list(range(1, len(positions) + 1)):
        raise ValidationError({"order": "Author positions must run 1, 2, 3… without gaps."})
    for line in lines:
        _check_degrees(line.roles, "roles")
        if line.position is not None and not any(line.roles.values()):
            name = members[line.member_id].person
            raise ValidationError({"roles": f"{name} is an author but has no CRediT role."})


def _agreement_state(project: Project) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for member in project.members.select_related("person").prefetch_related("contributions"):
        agreed = {c.role: c.agreed for c in member.contributions.all() if c.agreed}
        state[str(member.person)] = {"position": member.author_position, "roles": agreed}
    return state


@transaction.atomic
def agreement_save(
    *, actor: User, project: Project, version: int | None, lines: list[AgreementLine]
) -> Project:
    """The lead reconciles roles and sets the author order; everyone confirms again."""
    locked = _locked(project)
    access.require_lead(actor, locked)
    before = _agreement_state(locked)
    if version != locked.agreement_version:
        raise EditConflict(
            "The authorship agreement changed while you were editing it.",
            current={name: _describe(line) for name, line in before.items()},
            version=locked.agreement_version,
        )
    members = {m.pk: m for m in locked.members.select_related("person")}
    _check_agreement(members, lines)
    for line in lines:
        member = members[line.member_id]
        member.author_position = line.position
        member.save(update_fields=["author_position", "updated_at"])
        for role in CreditRole.values:
            degree = line.roles.get(role, "")
            Contribution.objects.update_or_create(
                member=member, role=role, defaults={"agreed": degree}
            )
    locked.agreement_version += 1
    locked.save(update_fields=["agreement_version", "updated_at"])
    Member.objects.filter(pk=_member_of(actor, locked).pk).update(
        confirmed_version=locked.agreement_version
    )
    changes = diff_fields(before, _agreement_state(locked))
    audit_record(actor=actor, action="project.agreement_save", obj=locked, changes=changes)
    others = [m.person for m in members.values() if m.person_id != actor.pk]
    _notify(
        others,
        f"Please confirm the authorship of {locked}",
        f"{actor} updated the authorship agreement (version {locked.agreement_version}).",
        locked.get_absolute_url() + "team/",
    )
    return locked


def _describe(line: dict[str, Any]) -> str:
    roles = ", ".join(
        f"{CreditRole(role).label} ({Degree(degree).label.lower()})"
        for role, degree in sorted(line["roles"].items())
    )
    position = f"author {line['position']}" if line["position"] else "not an author"
    return f"{position}: {roles or 'no role'}"


@transaction.atomic
def agreement_confirm(*, actor: User, project: Project, version: int | None) -> Member:
    """A member confirms the agreement as they read it; a newer version must be read first."""
    locked = _locked(project)
    member = _member_of(actor, locked)
    if not locked.agreement_version:
        raise ValidationError("The lead has not proposed an authorship agreement yet.")
    if version != locked.agreement_version:
        raise EditConflict(
            "The agreement changed since you read it: read the new version, then confirm.",
            current=_agreement_state(locked),
            version=locked.agreement_version,
        )
    member.confirmed_version = locked.agreement_version
    member.save(update_fields=["confirmed_version", "updated_at"])
    audit_record(
        actor=actor,
        action="project.agreement_confirm",
        obj=locked,
        changes={"confirmed_version": (None, locked.agreement_version)},
    )
    return member


def _check_owner(project: Project, owner: User | None) -> None:
    if owner is not None and not Member.objects.filter(project=project, person=owner).exists():
        raise ValidationError({"owner": f"{owner} is not on the team."})


@transaction.atomic
def milestone_create(*, actor: User, project: Project, title: str, due_on: dt.date) -> Milestone:
    _member_of(actor, project)
    _refuse_identifiers(title=title)
    milestone = Milestone(project=project, title=title.strip(), due_on=due_on)
    milestone.full_clean(exclude=["project"])
    milestone.save()
    audit_record(actor=actor, action="project.milestone_create", obj=milestone)
    return milestone


@transaction.atomic
def milestone_done(*, actor: User, milestone: Milestone, done: bool = True) -> Milestone:
    _member_of(actor, milestone.project)
    before = milestone.done_on
    milestone.done_on = timezone.now().date() if done else None
    milestone.save(update_fields=["done_on", "updated_at"])
    changes = {"done_on": (before, milestone.done_on)}
    audit_record(actor=actor, action="project.milestone_done", obj=milestone, changes=changes)
    return milestone


def _stale(
    label: str, before: dict[str, Any], wanted: dict[str, Any], version: int
) -> EditConflict:
    """The refusal of a save made from `version` when the row has moved on.

    It carries the values saved meanwhile for every field the attempt sets differently,
    so that the page can show them beside the person's own.
    """
    return EditConflict(
        f"“{label}” was changed by someone else while you were editing it.",
        current={
            key.replace("_", " "): _shown(before[key])
            for key, value in wanted.items()
            if value != before[key]
        },
        version=version,
    )


def _refuse_stale_delete(
    locked: Milestone | Task | Meeting, version: int | None, fields: Iterable[str]
) -> None:
    """Refuse deleting a row that changed since `version`, so nobody deletes work they
    have not seen; the refusal carries the row's `fields` as saved now."""
    if version != locked.version:
        raise EditConflict(
            f"“{locked.title}” was changed by someone else since you saw it; "
            "look at it again before deleting it.",
            current={field.replace("_", " "): _shown(getattr(locked, field)) for field in fields},
            version=locked.version,
        )


def _save_versioned(
    *,
    actor: User,
    locked: Milestone | Task | Meeting,
    version: int | None,
    wanted: dict[str, Any],
    action: str,
    check: Callable[[], None] | None = None,
) -> None:
    """Save `wanted` on a row the team edits, locked by the caller, with its audit row.

    A save made from an old `version` is refused with the values saved meanwhile;
    `check` runs after that test and before anything changes.
    """
    before = {field: getattr(locked, field) for field in wanted}
    if version != locked.version:
        raise _stale(locked.title, before, wanted, locked.version)
    if check is not None:
        check()
    for field, value in wanted.items():
        setattr(locked, field, value)
    locked.full_clean(exclude=["project"])
    locked.version += 1
    locked.save(update_fields=[*wanted, "version", "updated_at"])
    after = {field: getattr(locked, field) for field in wanted}
    audit_record(actor=actor, action=action, obj=locked, changes=diff_fields(before, after))


MILESTONE_FIELDS = ("title", "due_on")


def _given(**fields: Any) -> dict[str, Any]:
    """The fields a partial edit sets: None means "leave it as it is"."""
    return {field: value for field, value in fields.items() if value is not None}


def _texts(wanted: dict[str, Any], *fields: str) -> dict[str, str]:
    """The free-text fields among those an edit sets, to screen for identifiers."""
    return {field: wanted[field] for field in fields if field in wanted}


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    version: int | None,
    title: str | None = None,
    due_on: dt.date | None = None,
) -> Milestone:
    """Rename or move a milestone (team); refused if someone saved it since `version`.

    A field left out (None) stays as saved.
    """
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    _member_of(actor, locked.project)
    wanted = _given(title=title.strip() if title is not None else None, due_on=due_on)
    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted=wanted,
        action="project.milestone_update",
        check=lambda: _refuse_identifiers(**_texts(wanted, "title")),
    )
    return locked


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone, version: int | None) -> int:
    """Remove a milestone (lead); its tasks stay on the board without it. Returns their number.

    Refused if the milestone changed since `version`, like a task.
    """
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    access.require_lead(actor, locked.project)
    _refuse_stale_delete(locked, version, MILESTONE_FIELDS)
    kept = locked.tasks.count()
    audit_record(
        actor=actor,
        action="project.milestone_delete",
        obj=locked,
        changes={"title": (locked.title, None), "due_on": (locked.due_on, None)},
    )
    locked.delete()
    return kept


def _check_milestone(project: Project, milestone: Milestone | None) -> None:
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": "That milestone belongs to another project."})


@transaction.atomic
def task_create(
    *,
    actor: User,
    project: Project,
    title: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    milestone: Milestone | None = None,
    meeting: Meeting | None = None,
) -> Task:
    _member_of(actor, project)
    _refuse_identifiers(title=title)
    _check_owner(project, owner)
    _check_milestone(project, milestone)
    task = Task(
        project=project,
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        milestone=milestone,
        meeting=meeting,
    )
    task.full_clean(exclude=["project"])
    task.save()
    audit_record(actor=actor, action="project.task_create", obj=task)
    return task


TASK_FIELDS = ("title", "owner", "due_on", "state", "milestone")


def _locked_task(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("owner", "milestone", "project")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_update(*, actor: User, task: Task, version: int | None, **fields: Any) -> Task:
    """Change a task; a save from a stale version is refused with the values saved meanwhile."""
    locked = _locked_task(task)
    _member_of(actor, locked.project)
    values = {field: fields[field] for field in TASK_FIELDS if field in fields}
    if "title" in values:
        values["title"] = values["title"].strip()

    def check() -> None:
        _refuse_identifiers(**_texts(values, "title"))
        _check_owner(locked.project, values.get("owner"))
        _check_milestone(locked.project, values.get("milestone"))

    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted=values,
        action="project.task_update",
        check=check,
    )
    return locked


@transaction.atomic
def task_delete(*, actor: User, task: Task, version: int | None) -> None:
    """Remove a task (lead); refused if it changed since `version`, so nobody deletes
    work they have not seen."""
    locked = _locked_task(task)
    access.require_lead(actor, locked.project)
    _refuse_stale_delete(locked, version, TASK_FIELDS)
    audit_record(
        actor=actor,
        action="project.task_delete",
        obj=locked,
        changes={"title": (locked.title, None), "state": (locked.state, None)},
    )
    locked.delete()


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    labels = dict(Task.State.choices)
    return str(labels.get(value, value))


@dataclass(frozen=True)
class ActionItem:
    text: str
    owner: User | None
    due_on: dt.date | None


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    project: Project,
    held_on: dt.date,
    title: str,
    notes: str,
    actions: Iterable[ActionItem] = (),
) -> Meeting:
    """Keep the notes, turn each action item into a task, and email the team a summary.

    Notes or an action item that hold a patient identifier refuse the whole meeting,
    naming the field (`notes`, `actions.<n>.text`); nothing is saved or emailed.
    """
    _member_of(actor, project)
    _refuse_identifiers(title=title, notes=notes)
    items = list(actions)
    for index, item in enumerate(items):
        try:
            _refuse_identifiers(title=item.text)
        except ValidationError as error:
            raise _action_error(index, error) from None
    meeting = Meeting(
        project=project, held_on=held_on, title=title.strip(), notes=notes, recorded_by=actor
    )
    meeting.full_clean(exclude=["project"])
    meeting.save()
    for index, item in enumerate(items):
        try:
            task_create(
                actor=actor,
                project=project,
                title=item.text,
                owner=item.owner,
                due_on=item.due_on,
                meeting=meeting,
            )
        except ValidationError as error:
            raise _action_error(index, error) from None
    audit_record(actor=actor, action="project.meeting_record", obj=meeting)
    team = [m.person for m in project.members.select_related("person")]
    _notify(
        team,
        f"Meeting notes: {project}: {meeting.title}",
        meeting_summary(meeting, items),
        project.get_absolute_url() + "meetings/",
    )
    return meeting


# A task's fields as an action item calls them (the form's and the API's names).
ACTION_FIELDS = {"title": "text", "owner": "owner", "due_on": "due_on"}


def _action_error(index: int, error: ValidationError) -> ValidationError:
    """A task's refusal restated for action item `index` (from 0): `actions.<index>.<field>`."""
    if not hasattr(error, "error_dict"):
        return ValidationError(f"Action item {index + 1}: {' '.join(error.messages)}")
    return ValidationError(
        {
            f"actions.{index}.{ACTION_FIELDS.get(field, field)}": messages
            for field, messages in error.message_dict.items()
        }
    )


def meeting_summary(meeting: Meeting, items: list[ActionItem]) -> str:
    lines = [f"{meeting.title}, {meeting.held_on:%d %B %Y}", "", meeting.notes.strip(), ""]
    if items:
        lines.append("Action items:")
        for item in items:
            owner = str(item.owner) if item.owner else "unassigned"
            due = f", due {item.due_on:%d %b %Y}" if item.due_on else ""
            lines.append(f"- {item.text} ({owner}{due})")
    return "\n".join(lines)


MEETING_FIELDS = ("held_on", "title", "notes")


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    version: int | None,
    held_on: dt.date | None = None,
    title: str | None = None,
    notes: str | None = None,
) -> Meeting:
    """Correct a meeting's notes (team); refused if someone saved them since `version`.

    A field left out (None) stays as saved. Notes holding a patient identifier are
    refused like new ones. The action items are tasks by now and are changed on the
    board; a correction is not emailed again.
    """
    locked = Meeting.objects.select_for_update().select_related("project").get(pk=meeting.pk)
    _member_of(actor, locked.project)
    wanted = _given(
        held_on=held_on, title=title.strip() if title is not None else None, notes=notes
    )
    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted=wanted,
        action="project.meeting_update",
        check=lambda: _refuse_identifiers(**_texts(wanted, "title", "notes")),
    )
    return locked


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting, version: int | None) -> None:
    """Remove a meeting's notes (lead); its action items stay on the board as tasks.

    Refused if the notes changed since `version`, like a task.
    """
    locked = Meeting.objects.select_for_update().select_related("project").get(pk=meeting.pk)
    access.require_lead(actor, locked.project)
    _refuse_stale_delete(locked, version, MEETING_FIELDS)
    audit_record(
        actor=actor,
        action="project.meeting_delete",
        obj=locked,
        changes={"title": (locked.title, None), "held_on": (locked.held_on, None)},
    )
    locked.delete()


def _check_upload(upload: File, filename: str) -> None:
    extension = PurePath(filename).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        kinds = ", ".join(sorted(ALLOWED_EXTENSIONS))
        shown = extension or "no extension"
        raise ValidationError(
            {"file": f"“{filename}” is a type we do not keep ({shown}). Allowed: {kinds}."}
        )
    limit = upload_limit_mb()
    if upload.size is None or upload.size > limit * 1024 * 1024:
        size = (upload.size or 0) / (1024 * 1024)
        raise ValidationError(
            {"file": f"“{filename}” is {size:.1f} MB; the limit is {limit} MB per file."}
        )
    if upload.size == 0:
        raise ValidationError({"file": f"“{filename}” is empty."})


def _digest(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def document_upload(
    *,
    actor: User,
    project: Project,
    folder: str,
    upload: File,
    note: str = "",
    name: str = "",
) -> DocumentVersion:
    """Keep `upload` as the next version of the document `name` in `folder`.

    The file is checked before anything is written; a refused upload leaves every
    earlier version as it was. If the database write fails the stored file is removed.
    """
    _locked(project)
    _member_of(actor, project)
    _check_folder(folder)
    filename = PurePath(upload.name or "").name
    _check_upload(upload, filename)
    _refuse_identifiers(note=note, name=name, file=filename)
    title = (name or filename).strip()[:200]
    document, _ = Document.objects.get_or_create(project=project, folder=folder, name=title)
    if document.archived_at is not None:
        # A new version of an archived document brings it back into its folder.
        document.archived_at = None
        document.save(update_fields=["archived_at", "updated_at"])
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    checksum = _digest(upload)
    path = f"projects/{project.pk}/{folder}/{document.pk}/v{number}{PurePath(filename).suffix}"
    stored = default_storage.save(path, upload)
    try:
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            file=stored,
            filename=filename,
            size=upload.size or 0,
            sha256=checksum,
            note=note.strip()[:500],
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="project.document_upload",
            obj=version,
            changes={"version": (number - 1 or None, number)},
            reason=note,
        )
    except Exception:
        default_storage.delete(stored)
        raise
    return version


def _check_folder(folder: str) -> None:
    if folder not in Folder.values:
        raise ValidationError({"folder": f"“{folder}” is not one of the standard folders."})


@transaction.atomic
def document_update(*, actor: User, document: Document, folder: str, name: str) -> Document:
    """Rename a document or move it to another folder (team); its versions follow it."""
    locked = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    _member_of(actor, locked.project)
    _check_folder(folder)
    title = name.strip()[:200]
    if not title:
        raise ValidationError({"name": "A document needs a name."})
    _refuse_identifiers(name=name)
    taken = Document.objects.filter(project=locked.project, folder=folder, name=title)
    if taken.exclude(pk=locked.pk).exists():
        shown = Folder(folder).label
        raise ValidationError({"name": f"{shown} already holds a document called “{title}”."})
    before = {"folder": locked.folder, "name": locked.name}
    locked.folder, locked.name = folder, title
    locked.save(update_fields=["folder", "name", "updated_at"])
    changes = diff_fields(before, {"folder": folder, "name": title})
    audit_record(actor=actor, action="project.document_update", obj=locked, changes=changes)
    return locked


@transaction.atomic
def document_archive(*, actor: User, document: Document, archived: bool = True) -> Document:
    """Archive a document out of its folder, or bring it back (lead).

    Nothing is deleted: every version stays with the team and downloadable, since a
    project's approvals and data must remain traceable after the fact.
    """
    locked = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    access.require_lead(actor, locked.project)
    if archived == (locked.archived_at is not None):
        state = "archived" if archived else "in its folder"
        raise ValidationError({"document": f"“{locked.name}” is already {state}."})
    before = locked.archived_at
    locked.archived_at = timezone.now() if archived else None
    locked.save(update_fields=["archived_at", "updated_at"])
    action = "project.document_archive" if archived else "project.document_restore"
    audit_record(
        actor=actor,
        action=action,
        obj=locked,
        changes={"archived_at": (before, locked.archived_at)},
    )
    return locked
