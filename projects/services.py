"""The life of a project: one transaction each, audited in it, access checked again.

Posting and editing a project, its status, the roles it wants, applications and their
decisions, the load warning, the team and its authorship agreement, and the supervising
mentor's consent. The team's workspace (milestones, tasks, meetings, documents) is
`projects.workspace`.

Views and the API check access before calling; the services check the rule that
matters (lead only, team only) again, so that no caller can skip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from core.words import require_words
from network.models import Site
from people.models import Term
from projects import access
from projects._common import locked_project, member_of, notify, refuse_identifiers
from projects.board import facets_of
from projects.estimates import load_message, own_quick_facts
from projects.models import (
    FINISHED,
    Application,
    Contribution,
    CreditRole,
    Degree,
    Member,
    Project,
    ProjectRole,
    Status,
    StatusChange,
)

MAX_ACTIVE_PROJECTS = 3
# What a lead needs from an application's note before they can decide, named when short.
WHY_YOU_HINT = "why you, what you bring, and when you could start."
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
# The project's free text: public on the board, so screened for patient identifiers.
PROJECT_TEXTS = ("title", "summary", "primary_outcome")


def _check_terms(subspecialty: Term | None, modality: Term | None) -> None:
    if subspecialty is not None and subspecialty.kind != Term.Kind.SUBSPECIALTY:
        raise ValidationError({"subspecialty": f"{subspecialty} is not a subspecialty."})
    if modality is not None and modality.kind != Term.Kind.MODALITY:
        raise ValidationError({"modality": f"{modality} is not a modality."})


def _refuse_identifiers_in(values: dict[str, Any], roles: Iterable[dict[str, Any]] = ()) -> None:
    """Screen the project's free text and its roles' descriptions (`roles.<n>.description`,
    n from 0) before anything is written."""
    texts = {field: values.get(field) for field in PROJECT_TEXTS}
    for index, role in enumerate(roles):
        texts[f"roles.{index}.description"] = role.get("description")
    refuse_identifiers(**texts)


def _snapshot(project: Project) -> dict[str, object]:
    values: dict[str, object] = {field: getattr(project, field) for field in PROJECT_FIELDS}
    # The mentor as the lead's form shows it: confirmed, or asked and not yet answered.
    values["mentor"] = project.mentor or project.pending_mentor
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
    mentor = values.pop("mentor", None)
    wanted_roles = list(roles)
    _refuse_identifiers_in(values, wanted_roles)
    _check_terms(values.get("subspecialty"), values.get("modality"))
    project = Project(lead=actor, **values)
    asked = _name_mentor(actor, project, mentor)
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
    _ask_mentor(actor, project, asked)
    for index, role in enumerate(wanted_roles):
        _role_add(actor, project, prefix=f"roles.{index}.", **role)
    _refresh_open_hours(project)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project: Project, version: int | None, sites: Iterable[Site], **fields: Any
) -> Project:
    """Edit the project's description; refused if someone saved it since `version`."""
    locked = locked_project(project)
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
    _refuse_identifiers_in(values)
    _check_terms(values.get("subspecialty"), values.get("modality"))
    asked = _name_mentor(actor, locked, values.pop("mentor")) if "mentor" in values else None
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
    _ask_mentor(actor, locked, asked)
    return locked


# --- the supervising mentor's consent ------------------------------------------------


def _name_mentor(actor: User, project: Project, wanted: User | None) -> User | None:
    """Set the supervising mentor the lead chose; return them if they must now be asked.

    The lead naming themselves needs no answer; a mentor already confirmed or already
    asked stays as they are; anyone else is asked and counts only once they confirm.
    """
    if wanted is None:
        project.mentor = project.pending_mentor = None
        return None
    if wanted.pk in (project.mentor_id, project.pending_mentor_id):
        return None
    if wanted.pk == actor.pk:
        project.mentor, project.pending_mentor = wanted, None
        return None
    project.mentor, project.pending_mentor = None, wanted
    return wanted


def _ask_mentor(actor: User, project: Project, asked: User | None) -> None:
    if asked is None:
        return
    audit_record(
        actor=actor,
        action="project.mentor_request",
        obj=project,
        changes={"supervising mentor asked": (None, str(asked))},
    )
    notify(
        [asked],
        f"{actor} named you supervising mentor of {project}",
        f"{actor} named you as the supervising mentor of “{project}”. It shows on your "
        "mentor page and track record only once you confirm it.",
        reverse_confirm(),
    )


def reverse_confirm() -> str:
    from django.urls import reverse

    return reverse("confirm_links")


@transaction.atomic
def mentor_confirm(*, actor: User, project: Project) -> Project:
    """The mentor the lead asked agrees to supervise: they join the team and it counts."""
    locked = locked_project(project)
    access.get_project_asking(actor, locked.pk)  # again, under the lock: 404 otherwise
    locked.mentor, locked.pending_mentor = actor, None
    locked.save(update_fields=["mentor", "pending_mentor", "updated_at"])
    _add_member(locked, actor, "Supervising mentor")
    audit_record(
        actor=actor,
        action="project.mentor_confirm",
        obj=locked,
        changes={"mentor": (None, str(actor))},
    )
    notify(
        [locked.lead],
        f"{actor} will supervise {locked}",
        f"{actor} confirmed they are the supervising mentor of “{locked}”.",
        locked.get_absolute_url(),
    )
    return locked


@transaction.atomic
def mentor_decline(*, actor: User, project: Project) -> Project:
    """The mentor the lead asked declines: the project has no supervising mentor."""
    locked = locked_project(project)
    access.get_project_asking(actor, locked.pk)
    locked.pending_mentor = None
    locked.save(update_fields=["pending_mentor", "updated_at"])
    audit_record(
        actor=actor,
        action="project.mentor_decline",
        obj=locked,
        changes={"supervising mentor asked": (str(actor), None)},
    )
    notify(
        [locked.lead],
        f"{actor} declined to supervise {locked}",
        f"{actor} declined to be the supervising mentor of “{locked}”; you may ask someone else.",
        locked.get_absolute_url(),
    )
    return locked


@transaction.atomic
def project_status_change(*, actor: User, project: Project, status: str, note: str = "") -> Project:
    """Move the project along its pipeline; the step is audited and shown on the timeline."""
    locked = locked_project(project)
    access.require_lead(actor, locked)
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if status == locked.status:
        label = locked.get_status_display().lower()
        raise ValidationError({"status": f"The project is already at “{label}”."})
    # The note is shown on the project's timeline and kept as the audit row's reason.
    refuse_identifiers(note=note)
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
    locked = locked_project(project)
    access.require_lead(actor, locked)
    if locked.is_finished:
        raise ValidationError("A finished project takes no more help; reopen it first.")
    refuse_identifiers(description=description)
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
    project = locked_project(role.project)
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
    project = locked_project(role.project)
    access.require_member_of_network(applicant)
    if role.state != ProjectRole.State.OPEN or project.is_finished:
        raise ValidationError({"role": "This role is no longer open."})
    if applicant.pk == project.lead_id:
        raise ValidationError({"role": "You lead this project; add yourself to roles directly."})
    if Application.objects.filter(
        role=role, applicant=applicant, state=Application.State.PENDING
    ).exists():
        raise ValidationError({"role": "You have already applied for this role."})
    refuse_identifiers(note=note)
    require_words(note, field="note", hint=WHY_YOU_HINT)
    current = active_projects_of(applicant)
    joining = all(p.pk != project.pk for p in current)
    if joining and len(current) >= MAX_ACTIVE_PROJECTS and not accept_load:
        raise Overcommitted(current)
    application = Application.objects.create(role=role, applicant=applicant, note=note.strip())
    audit_record(actor=applicant, action="project.apply", obj=application)
    notify(
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
        notify(
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
    project = locked_project(application.role.project)
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
    refuse_identifiers(reply=reply)
    found.state, found.reply, found.decided_at = DECISIONS[action], reply.strip(), timezone.now()
    found.save(update_fields=["state", "reply", "decided_at", "updated_at"])
    audit_record(actor=actor, action=f"project.application_{action}", obj=found)
    if action == "accept":
        _accept(actor, project, found)
    if action != "withdraw":
        verb = DECISIONS[action]
        notify(
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


def _check_degrees(values: dict[str, str], field: str) -> None:
    for role, degree in values.items():
        if role not in CreditRole.values:
            raise ValidationError({field: f"“{role}” is not a CRediT role."})
        if degree and degree not in Degree.values:
            raise ValidationError({field: f"“{degree}” is not lead, equal or supporting."})


@transaction.atomic
def contributions_declare(*, actor: User, project: Project, declared: dict[str, str]) -> Member:
    """A member states their CRediT roles and degree; the lead reconciles them."""
    locked_project(project)
    member = member_of(actor, project)
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


class AgreedLine(TypedDict):
    """A member's agreed place in the author order and CRediT roles (role -> degree)."""

    position: int | None
    roles: dict[str, str]


def _agreement_state(project: Project) -> dict[str, AgreedLine]:
    state: dict[str, AgreedLine] = {}
    for member in project.members.select_related("person").prefetch_related("contributions"):
        agreed = {c.role: c.agreed for c in member.contributions.all() if c.agreed}
        state[str(member.person)] = {"position": member.author_position, "roles": agreed}
    return state


@transaction.atomic
def agreement_save(
    *, actor: User, project: Project, version: int | None, lines: list[AgreementLine]
) -> Project:
    """The lead reconciles roles and sets the author order; everyone confirms again."""
    locked = locked_project(project)
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
    Member.objects.filter(pk=member_of(actor, locked).pk).update(
        confirmed_version=locked.agreement_version
    )
    changes = diff_fields(before, _agreement_state(locked))
    audit_record(actor=actor, action="project.agreement_save", obj=locked, changes=changes)
    others = [m.person for m in members.values() if m.person_id != actor.pk]
    notify(
        others,
        f"Please confirm the authorship of {locked}",
        f"{actor} updated the authorship agreement (version {locked.agreement_version}).",
        locked.get_absolute_url() + "team/",
    )
    return locked


def _describe(line: AgreedLine) -> str:
    roles = ", ".join(
        f"{CreditRole(role).label} ({Degree(degree).label.lower()})"
        for role, degree in sorted(line["roles"].items())
    )
    position = f"author {line['position']}" if line["position"] else "not an author"
    return f"{position}: {roles or 'no role'}"


@transaction.atomic
def agreement_confirm(*, actor: User, project: Project, version: int | None) -> Member:
    """A member confirms the agreement as they read it; a newer version must be read first."""
    locked = locked_project(project)
    member = member_of(actor, locked)
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
