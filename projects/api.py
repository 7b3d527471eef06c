"""/api/v1/projects: the board, a project, roles and applications, milestones, tasks,
meetings, agreement, documents.

Handlers check access through `projects.access` and write through the same services
as the pages. A stale update, delete or confirmation answers 409 with the saved values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from accounts.models import User
from core.conflicts import CONFLICT
from core.paging import ObjectId, PageNumber, Version
from core.types import AuthedRequest
from network.models import Site
from people.models import Term
from projects import selectors, services, workspace
from projects.access import (
    Need,
    get_application_for_user,
    get_project_asking,
    get_project_for_user,
    get_workspace_item_for_user,
    require_member_of_network,
)
from projects.board import BoardItem, board_search
from projects.forms import BoardForm
from projects.models import (
    Application,
    DocumentVersion,
    Meeting,
    Milestone,
    Project,
    ProjectRole,
    Task,
)

router = Router()


class BoardFilters(Schema):
    q: str = ""
    research_type: str = ""
    subspecialty: ObjectId | None = None
    modality: ObjectId | None = None
    region: ObjectId | None = None
    site: ObjectId | None = None
    max_hours: int | None = None
    quick_win: bool = False
    sort: str = ""
    page: PageNumber = 1


class RoleOut(Schema):
    id: int
    kind: str
    label: str
    hours_per_week: int
    duration_weeks: int
    description: str
    state: str


class PointOut(Schema):
    label: str
    met: bool
    reason: str


class EffortOut(Schema):
    hours_per_week: int
    work_hours: float
    work_weeks: int
    approval_weeks: int
    total_weeks: int
    waiting_for: list[str]


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    research_type: str
    subspecialty: str | None
    modality: str | None
    timing: str
    centres: str
    status: str
    lead: str
    mentor: str | None
    sites: list[str]
    regions: list[str]
    roles: list[RoleOut]


class BoardProjectOut(ProjectOut):
    fit_score: int
    fit_reasons: list[str]
    quick_win: bool
    quick_win_points: list[PointOut]
    effort: EffortOut


class BoardOut(Schema):
    count: int
    page: int
    pages: int
    results: list[BoardProjectOut]


def _role_out(role: ProjectRole) -> dict[str, Any]:
    return {
        "id": role.pk,
        "kind": role.kind,
        "label": role.get_kind_display(),
        "hours_per_week": role.hours_per_week,
        "duration_weeks": role.duration_weeks,
        "description": role.description,
        "state": role.state,
    }


def _project_fields(
    project: Project, roles: list[ProjectRole], places: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A project as the API shows it; `places` (site, region) when already known."""
    if places is None:
        places = [(site.name, site.region.name) for site in project.sites.all()]
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary,
        "research_type": project.research_type,
        "subspecialty": project.subspecialty.name if project.subspecialty else None,
        "modality": project.modality.name if project.modality else None,
        "timing": project.timing,
        "centres": project.centres,
        "status": project.status,
        "lead": str(project.lead),
        "mentor": str(project.mentor) if project.mentor else None,
        "sites": [site for site, _ in places],
        "regions": sorted({region for _, region in places}),
        "roles": [_role_out(role) for role in roles],
    }


def _board_out(item: BoardItem) -> dict[str, Any]:
    # Plain dicts: the response schema validates them once (building schemas here too
    # doubled the time of a board request).
    effort = item.effort
    return {
        **_project_fields(
            item.project, item.roles, [(place.name, place.region) for place in item.places]
        ),
        "fit_score": item.fit.score,
        "fit_reasons": list(item.fit.reasons),
        "quick_win": item.quick_win.met,
        "quick_win_points": [vars(point) for point in item.quick_win.points],
        "effort": {
            "hours_per_week": effort.hours_per_week,
            "work_hours": round(effort.work_hours, 1),
            "work_weeks": effort.work_weeks,
            "approval_weeks": effort.approval_weeks,
            "total_weeks": effort.total_weeks,
            "waiting_for": list(effort.waiting_for),
        },
    }


@router.get("", response=BoardOut, summary="Projects open for help, sorted by fit")
def board(request: AuthedRequest, filters: Query[BoardFilters]) -> dict[str, Any]:
    """The board page's search; ids of terms, regions and sites come from /people and /network."""
    require_member_of_network(request.user)
    form = BoardForm(filters.model_dump(exclude_none=True, exclude_defaults=True))
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    page = board_search(form.to_query(), selectors.trainee_of(request.user))
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_board_out(item) for item in page.object_list],
    }


class RoleIn(Schema):
    kind: str
    hours_per_week: int
    duration_weeks: int
    description: str = ""


class ProjectIn(Schema):
    title: str
    summary: str
    research_type: str
    subspecialty_id: int | None = None
    modality_id: int | None = None
    timing: str = Project.Timing.RETROSPECTIVE
    centres: str = Project.Centres.SINGLE
    mentor_id: int | None = None
    site_ids: list[int] = []
    primary_outcome: str = ""
    ethics: str = "to_apply"
    audit_registration: str = "not_needed"
    data_protection: str = "to_apply"
    cases: int = 0
    minutes_collection: int = 0
    minutes_reading: int = 0
    roles: list[RoleIn] = []


def _one(model: type[Any], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} with id {pk}."})
    return found


@router.post("", response={201: ProjectOut}, summary="Post a project; you become its lead")
def create(request: AuthedRequest, payload: ProjectIn) -> Status:
    require_member_of_network(request.user)
    sites = list(Site.objects.filter(pk__in=payload.site_ids))
    if len(sites) != len(set(payload.site_ids)):
        raise ValidationError({"site_ids": "One of the site ids does not exist."})
    fields = payload.model_dump(
        exclude={"subspecialty_id", "modality_id", "mentor_id", "site_ids", "roles"}
    )
    project = services.project_create(
        actor=request.user,
        sites=sites,
        roles=[role.model_dump() for role in payload.roles],
        subspecialty=_one(Term, payload.subspecialty_id, "subspecialty_id"),
        modality=_one(Term, payload.modality_id, "modality_id"),
        mentor=_one(User, payload.mentor_id, "mentor_id"),
        **fields,
    )
    return Status(201, _detail(project))


def _detail(project: Project) -> dict[str, Any]:
    full = selectors.project_page(project)
    return _project_fields(full, list(full.roles.all()))


@router.get("/mine", response=list[ProjectOut], summary="Projects whose team I am on")
def mine(request: AuthedRequest) -> list[dict[str, Any]]:
    projects = (
        Project.objects.filter(members__person=request.user)
        .select_related("lead", "mentor", "subspecialty", "modality")
        .prefetch_related("sites__region", "roles")
    )
    return [_project_fields(p, list(p.roles.all())) for p in projects]


class MentorRequestOut(Schema):
    project_id: int
    title: str
    summary: str
    lead: str


@router.get(
    "/mentor-requests",
    response=list[MentorRequestOut],
    summary="Projects whose lead named me supervising mentor, waiting for my answer",
)
def mentor_requests(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        {
            "project_id": link.record_id,
            "title": link.title,
            "summary": link.summary,
            "lead": link.named_by,
        }
        for link in selectors.pending_links(request.user)
    ]


@router.post(
    "/{project_id}/mentor/confirm",
    response=ProjectOut,
    summary="Confirm I supervise a project whose lead named me (only the mentor named)",
)
def mentor_confirm(request: AuthedRequest, project_id: int) -> dict[str, Any]:
    project = get_project_asking(request.user, project_id)
    return _detail(services.mentor_confirm(actor=request.user, project=project))


@router.post(
    "/{project_id}/mentor/decline",
    response={204: None},
    summary="Decline supervising a project whose lead named me (only the mentor named)",
)
def mentor_decline(request: AuthedRequest, project_id: int) -> Status:
    project = get_project_asking(request.user, project_id)
    services.mentor_decline(actor=request.user, project=project)
    return Status(204, None)


@router.get("/{project_id}", response=ProjectOut, summary="A project's public page")
def detail(request: AuthedRequest, project_id: int) -> dict[str, Any]:
    return _detail(get_project_for_user(request.user, project_id, Need.VIEW))


class StatusIn(Schema):
    status: str
    note: str = ""


@router.post("/{project_id}/status", response=ProjectOut, summary="Change status (lead)")
def status(request: AuthedRequest, project_id: int, payload: StatusIn) -> dict[str, Any]:
    project = get_project_for_user(request.user, project_id, Need.LEAD)
    services.project_status_change(actor=request.user, project=project, **payload.model_dump())
    return _detail(project)


@router.post("/{project_id}/roles", response={201: RoleOut}, summary="Add a role (lead)")
def add_role(request: AuthedRequest, project_id: int, payload: RoleIn) -> Status:
    project = get_project_for_user(request.user, project_id, Need.LEAD)
    role = services.role_add(actor=request.user, project=project, **payload.model_dump())
    return Status(201, _role_out(role))


class ApplyIn(Schema):
    note: str
    accept_load: bool = False


class ApplicationOut(Schema):
    id: int
    role_id: int
    project_id: int
    applicant: str
    note: str
    state: str
    reply: str
    created_at: dt.datetime


def _application_out(application: Application) -> ApplicationOut:
    return ApplicationOut(
        id=application.pk,
        role_id=application.role_id,
        project_id=application.role.project_id,
        applicant=str(application.applicant),
        note=application.note,
        state=application.state,
        reply=application.reply,
        created_at=application.created_at,
    )


@router.post(
    "/roles/{role_id}/apply",
    response={201: ApplicationOut},
    summary="Apply for a role (refused with your load when you hold 3 projects, "
    "unless accept_load)",
)
def apply(request: AuthedRequest, role_id: int, payload: ApplyIn) -> Status:
    role = get_object_or_404(ProjectRole, pk=role_id)
    get_project_for_user(request.user, role.project_id, Need.VIEW)
    application = services.application_submit(
        applicant=request.user, role=role, **payload.model_dump()
    )
    return Status(201, _application_out(application))


class DecideIn(Schema):
    reply: str = ""


@router.post(
    "/applications/{application_id}/{action}",
    response=ApplicationOut,
    summary="Accept or decline (lead), withdraw (applicant)",
)
def decide(
    request: AuthedRequest, application_id: int, action: str, payload: DecideIn
) -> ApplicationOut:
    application = get_application_for_user(request.user, application_id)
    decided = services.application_decide(
        actor=request.user, application=application, action=action, reply=payload.reply
    )
    return _application_out(decided)


class TaskOut(Schema):
    id: int
    title: str
    owner_id: int | None
    owner: str | None
    due_on: dt.date | None
    state: str
    milestone_id: int | None
    version: int


def _task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        title=task.title,
        owner_id=task.owner_id,
        owner=str(task.owner) if task.owner else None,
        due_on=task.due_on,
        state=task.state,
        milestone_id=task.milestone_id,
        version=task.version,
    )


@router.get("/{project_id}/tasks", response=list[TaskOut], summary="The task board (team)")
def tasks(request: AuthedRequest, project_id: int) -> list[TaskOut]:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    return [_task_out(t) for t in project.tasks.select_related("owner")]


class TaskIn(Schema):
    title: str
    owner_id: int | None = None
    due_on: dt.date | None = None


@router.post("/{project_id}/tasks", response={201: TaskOut}, summary="Add a task (team)")
def add_task(request: AuthedRequest, project_id: int, payload: TaskIn) -> Status:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    task = workspace.task_create(
        actor=request.user,
        project=project,
        title=payload.title,
        owner=_one(User, payload.owner_id, "owner_id"),
        due_on=payload.due_on,
    )
    return Status(201, _task_out(task))


class TaskPatch(Schema):
    """Only the fields sent change; `due_on` and `owner_id` may be cleared with null."""

    version: int
    title: str | None = None
    state: str | None = None
    due_on: dt.date | None = None
    owner_id: int | None = None

    @field_validator("title", "state", mode="before")
    @classmethod
    def _kept_not_cleared(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            raise PydanticCustomError(
                "not_null",
                "A task always has a {field}: send a new one, or leave it out to keep it.",
                {"field": info.field_name},
            )
        return value


def _deleted(delete: Callable[[], object]) -> Status:
    """Run a versioned delete: 204 (a stale one raises EditConflict, answered 409)."""
    delete()
    return Status(204, None)


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, **CONFLICT},
    summary="Change a task; 409 if it changed since `version`",
)
def update_task(request: AuthedRequest, task_id: int, payload: TaskPatch) -> Any:
    task = get_workspace_item_for_user(request.user, Task, task_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "owner_id"})
    if "owner_id" in payload.model_fields_set:
        fields["owner"] = _one(User, payload.owner_id, "owner_id")
    updated = workspace.task_update(
        actor=request.user, task=task, version=payload.version, **fields
    )
    return _task_out(updated)


@router.delete(
    "/tasks/{task_id}",
    response={204: None, **CONFLICT},
    summary="Delete a task (lead); 409 if it changed since `version`",
)
def delete_task(request: AuthedRequest, task_id: int, version: Version) -> Any:
    task = get_workspace_item_for_user(request.user, Task, task_id, Need.LEAD)
    return _deleted(lambda: workspace.task_delete(actor=request.user, task=task, version=version))


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None
    version: int


def _milestone_out(milestone: Milestone) -> MilestoneOut:
    return MilestoneOut(
        id=milestone.pk,
        title=milestone.title,
        due_on=milestone.due_on,
        done_on=milestone.done_on,
        version=milestone.version,
    )


@router.get("/{project_id}/milestones", response=list[MilestoneOut], summary="Milestones (team)")
def milestones(request: AuthedRequest, project_id: int) -> list[MilestoneOut]:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    return [_milestone_out(m) for m in project.milestones.all()]


class MilestoneIn(Schema):
    title: str
    due_on: dt.date


@router.post(
    "/{project_id}/milestones", response={201: MilestoneOut}, summary="Add a milestone (team)"
)
def add_milestone(request: AuthedRequest, project_id: int, payload: MilestoneIn) -> Status:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    milestone = workspace.milestone_create(
        actor=request.user, project=project, title=payload.title, due_on=payload.due_on
    )
    return Status(201, _milestone_out(milestone))


class MilestonePatch(Schema):
    version: int
    title: str | None = None
    due_on: dt.date | None = None


@router.patch(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **CONFLICT},
    summary="Rename or move a milestone (team); 409 if it changed since `version`",
)
def update_milestone(request: AuthedRequest, milestone_id: int, payload: MilestonePatch) -> Any:
    milestone = get_workspace_item_for_user(request.user, Milestone, milestone_id)
    updated = workspace.milestone_update(
        actor=request.user,
        milestone=milestone,
        version=payload.version,
        **payload.model_dump(exclude_unset=True, exclude={"version"}),
    )
    return _milestone_out(updated)


@router.delete(
    "/milestones/{milestone_id}",
    response={204: None, **CONFLICT},
    summary="Delete a milestone (lead); its tasks stay; 409 if it changed since `version`",
)
def delete_milestone(request: AuthedRequest, milestone_id: int, version: Version) -> Any:
    milestone = get_workspace_item_for_user(request.user, Milestone, milestone_id, Need.LEAD)
    return _deleted(
        lambda: workspace.milestone_delete(actor=request.user, milestone=milestone, version=version)
    )


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    title: str
    notes: str
    recorded_by: str | None
    actions: list[TaskOut]
    version: int


def _meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk,
        held_on=meeting.held_on,
        title=meeting.title,
        notes=meeting.notes,
        recorded_by=str(meeting.recorded_by) if meeting.recorded_by else None,
        actions=[_task_out(task) for task in meeting.actions.all()],
        version=meeting.version,
    )


def _meetings_of(project: Project) -> QuerySet[Meeting]:
    return project.meetings.select_related("recorded_by").prefetch_related("actions__owner")


@router.get("/{project_id}/meetings", response=list[MeetingOut], summary="Meeting notes (team)")
def meetings(request: AuthedRequest, project_id: int) -> list[MeetingOut]:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    return [_meeting_out(m) for m in _meetings_of(project)]


class ActionIn(Schema):
    text: str
    owner_id: int | None = None
    due_on: dt.date | None = None


class MeetingIn(Schema):
    held_on: dt.date
    title: str
    notes: str
    actions: list[ActionIn] = []


@router.post(
    "/{project_id}/meetings",
    response={201: MeetingOut},
    summary="Record a meeting (team): each action becomes a task; the team gets the summary",
)
def record_meeting(request: AuthedRequest, project_id: int, payload: MeetingIn) -> Status:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    items = [
        workspace.ActionItem(
            action.text, _one(User, action.owner_id, f"actions.{n}.owner_id"), action.due_on
        )
        for n, action in enumerate(payload.actions)
    ]
    meeting = workspace.meeting_record(
        actor=request.user,
        project=project,
        held_on=payload.held_on,
        title=payload.title,
        notes=payload.notes,
        actions=items,
    )
    return Status(201, _meeting_out(_meetings_of(project).get(pk=meeting.pk)))


class MeetingPatch(Schema):
    version: int
    held_on: dt.date | None = None
    title: str | None = None
    notes: str | None = None


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **CONFLICT},
    summary="Correct a meeting's notes (team); 409 if they changed since `version`",
)
def update_meeting(request: AuthedRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    meeting = get_workspace_item_for_user(request.user, Meeting, meeting_id)
    workspace.meeting_update(
        actor=request.user,
        meeting=meeting,
        version=payload.version,
        **payload.model_dump(exclude_unset=True, exclude={"version"}),
    )
    return _meeting_out(_meetings_of(meeting.project).get(pk=meeting.pk))


@router.delete(
    "/meetings/{meeting_id}",
    response={204: None, **CONFLICT},
    summary="Delete a meeting's notes (lead); its actions stay as tasks; 409 if they changed",
)
def delete_meeting(request: AuthedRequest, meeting_id: int, version: Version) -> Any:
    meeting = get_workspace_item_for_user(request.user, Meeting, meeting_id, Need.LEAD)
    return _deleted(
        lambda: workspace.meeting_delete(actor=request.user, meeting=meeting, version=version)
    )


class MemberOut(Schema):
    person: str
    responsibility: str
    author_position: int | None
    declared: dict[str, str]
    agreed: dict[str, str]
    confirmed: bool


class AgreementOut(Schema):
    version: int
    agreed: bool
    members: list[MemberOut]


def _agreement_out(project: Project) -> AgreementOut:
    agreement = selectors.agreement_of(project)
    return AgreementOut(
        version=agreement.version,
        agreed=agreement.agreed,
        members=[
            MemberOut(
                person=str(row.member.person),
                responsibility=row.member.responsibility,
                author_position=row.member.author_position,
                declared=row.declared,
                agreed=row.agreed,
                confirmed=row.confirmed,
            )
            for row in agreement.rows
        ],
    )


@router.get("/{project_id}/agreement", response=AgreementOut, summary="Authorship (team)")
def agreement(request: AuthedRequest, project_id: int) -> AgreementOut:
    return _agreement_out(get_project_for_user(request.user, project_id, Need.TEAM))


class ConfirmIn(Schema):
    version: int


@router.post(
    "/{project_id}/agreement/confirm",
    response={200: AgreementOut, **CONFLICT},
    summary="Confirm the agreement at `version` (team); 409 if it changed",
)
def confirm(request: AuthedRequest, project_id: int, payload: ConfirmIn) -> Any:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    services.agreement_confirm(actor=request.user, project=project, version=payload.version)
    project.refresh_from_db()
    return _agreement_out(project)


class VersionOut(Schema):
    id: int
    number: int
    filename: str
    size: int
    note: str
    uploaded_by: str | None
    uploaded_at: dt.datetime
    download: str


class DocumentOut(Schema):
    id: int
    folder: str
    name: str
    versions: list[VersionOut]


def _version_out(version: DocumentVersion) -> VersionOut:
    return VersionOut(
        id=version.pk,
        number=version.number,
        filename=version.filename,
        size=version.size,
        note=version.note,
        uploaded_by=str(version.uploaded_by) if version.uploaded_by else None,
        uploaded_at=version.uploaded_at,
        download=version.get_absolute_url(),
    )


@router.get(
    "/{project_id}/documents",
    response=list[DocumentOut],
    summary="Documents and every version (team); download through each version's link",
)
def documents(request: AuthedRequest, project_id: int) -> list[DocumentOut]:
    project = get_project_for_user(request.user, project_id, Need.TEAM)
    docs = project.documents.prefetch_related("versions__uploaded_by")
    return [
        DocumentOut(
            id=d.pk,
            folder=d.folder,
            name=d.name,
            versions=[_version_out(v) for v in d.versions.all()],
        )
        for d in docs
    ]
