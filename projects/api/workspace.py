"""A project's workspace: tasks, milestones, meetings, the authorship agreement and
documents. A stale update, delete or confirmation answers 409 (`core.conflicts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet
from ninja import Schema, Status
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from accounts.models import User
from core.conflicts import CONFLICT
from core.paging import Version
from core.types import AuthedRequest
from projects import selectors, services, workspace
from projects.access import (
    Need,
    get_project_for_user,
    get_workspace_item_for_user,
)
from projects.api import router
from projects.api.board import _one
from projects.models import (
    DocumentVersion,
    Meeting,
    Milestone,
    Project,
    Task,
)


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
    def _kept_not_cleared(cls, value: object, info: ValidationInfo) -> object:
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
def update_task(request: AuthedRequest, task_id: int, payload: TaskPatch) -> TaskOut:
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
def delete_task(request: AuthedRequest, task_id: int, version: Version) -> Status:
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
def update_milestone(
    request: AuthedRequest, milestone_id: int, payload: MilestonePatch
) -> MilestoneOut:
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
def delete_milestone(request: AuthedRequest, milestone_id: int, version: Version) -> Status:
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
def update_meeting(request: AuthedRequest, meeting_id: int, payload: MeetingPatch) -> MeetingOut:
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
def delete_meeting(request: AuthedRequest, meeting_id: int, version: Version) -> Status:
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
def confirm(request: AuthedRequest, project_id: int, payload: ConfirmIn) -> AgreementOut:
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
