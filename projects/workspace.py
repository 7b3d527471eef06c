"""The team's workspace: milestones, tasks, meetings and documents.

One transaction each, audited in it, access checked again (team, or lead for deletes
and archiving). Everything the team edits carries a version, so that a save or delete
made from a stale page is refused with the values saved meanwhile; its free text is
screened for patient identifiers before anything is written.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from core.files import StorageUnavailable, delete_file, is_object_storage, save_file
from projects import access
from projects._common import locked_project, member_of, notify, refuse_identifiers
from projects.models import (
    Document,
    DocumentVersion,
    Folder,
    Meeting,
    Member,
    Milestone,
    Project,
    Task,
)

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


def upload_limit_mb() -> int:
    return int(getattr(settings, "RADCOLLAB_UPLOAD_MAX_MB", DEFAULT_UPLOAD_MAX_MB))


@transaction.atomic
def milestone_create(*, actor: User, project: Project, title: str, due_on: dt.date) -> Milestone:
    member_of(actor, project)
    refuse_identifiers(title=title)
    milestone = Milestone(project=project, title=title.strip(), due_on=due_on)
    milestone.full_clean(exclude=["project"])
    milestone.save()
    audit_record(actor=actor, action="project.milestone_create", obj=milestone)
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


# What a refused delete shows as saved now; reaching a milestone counts as a change.
MILESTONE_FIELDS = ("title", "due_on", "done_on")


def _given(**fields: Any) -> dict[str, Any]:
    """The fields a partial edit sets: None means "leave it as it is"."""
    return {field: value for field, value in fields.items() if value is not None}


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
    member_of(actor, locked.project)
    wanted = _given(title=title.strip() if title is not None else None, due_on=due_on)
    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted=wanted,
        action="project.milestone_update",
        check=lambda: refuse_identifiers(title=wanted.get("title")),
    )
    return locked


@transaction.atomic
def milestone_done(
    *, actor: User, milestone: Milestone, version: int | None, done: bool = True
) -> Milestone:
    """Mark a milestone reached today, or not reached (team), as a versioned save.

    Refused if the milestone changed since `version`; it raises the version, so that an
    edit or delete made from the page seen before it was reached is refused too. A
    milestone already reached keeps the day it was reached.
    """
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    member_of(actor, locked.project)
    reached = (locked.done_on or timezone.now().date()) if done else None
    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted={"done_on": reached},
        action="project.milestone_done",
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


def _check_owner(project: Project, owner: User | None) -> None:
    if owner is not None and not Member.objects.filter(project=project, person=owner).exists():
        raise ValidationError({"owner": f"{owner} is not on the team."})


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
    member_of(actor, project)
    refuse_identifiers(title=title)
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
    member_of(actor, locked.project)
    values = {field: fields[field] for field in TASK_FIELDS if field in fields}
    if "title" in values:
        values["title"] = values["title"].strip()

    def check() -> None:
        refuse_identifiers(title=values.get("title"))
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
    member_of(actor, project)
    refuse_identifiers(title=title, notes=notes)
    items = list(actions)
    for index, item in enumerate(items):
        try:
            refuse_identifiers(title=item.text)
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
    notify(
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
    member_of(actor, locked.project)
    wanted = _given(
        held_on=held_on, title=title.strip() if title is not None else None, notes=notes
    )
    _save_versioned(
        actor=actor,
        locked=locked,
        version=version,
        wanted=wanted,
        action="project.meeting_update",
        check=lambda: refuse_identifiers(title=wanted.get("title"), notes=wanted.get("notes")),
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
    locked_project(project)
    member_of(actor, project)
    _check_folder(folder)
    filename = PurePath(upload.name or "").name
    _check_upload(upload, filename)
    refuse_identifiers(note=note, name=name, file=filename)
    title = (name or filename).strip()[:200]
    document, _ = Document.objects.get_or_create(project=project, folder=folder, name=title)
    if document.archived_at is not None:
        # A new version of an archived document brings it back into its folder.
        document.archived_at = None
        document.save(update_fields=["archived_at", "updated_at"])
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    checksum = _digest(upload)
    path = f"projects/{project.pk}/{folder}/{document.pk}/v{number}{PurePath(filename).suffix}"
    stored = _store(path, upload)
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
        delete_file(stored)
        raise
    return version


def _store(path: str, upload: File) -> str:
    """Write the file through the configured storage; a full disk, a failed write or an
    unreachable object store is a clear refusal, with any part written on a local disk
    removed and, as the transaction rolls back, nothing else changed."""
    local = not is_object_storage(default_storage)
    existed = local and default_storage.exists(path)
    try:
        return save_file(path, upload, storage=default_storage)
    except StorageUnavailable as error:
        cause = error.__cause__
        if not (local and isinstance(cause, OSError)):
            raise ValidationError({"file": str(error)}) from None
        if not existed and default_storage.exists(path):
            default_storage.delete(path)
        reason = (
            "the server's disk is full"
            if cause.errno == errno.ENOSPC
            else "it could not be written"
        )
        raise ValidationError(
            {
                "file": f"The file was not saved: {reason}. Nothing changed and earlier "
                "versions are as they were. Try again later, or tell the administrator."
            }
        ) from error


def _check_folder(folder: str) -> None:
    if folder not in Folder.values:
        raise ValidationError({"folder": f"“{folder}” is not one of the standard folders."})


@transaction.atomic
def document_update(*, actor: User, document: Document, folder: str, name: str) -> Document:
    """Rename a document or move it to another folder (team); its versions follow it."""
    locked = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    member_of(actor, locked.project)
    _check_folder(folder)
    title = name.strip()[:200]
    if not title:
        raise ValidationError({"name": "A document needs a name."})
    refuse_identifiers(name=name)
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
