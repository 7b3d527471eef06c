"""Each project's workspace: team and authorship agreement, tasks and milestones,
meetings, documents.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.conflicts import ConflictNotice, conflict_notice, form_save, page_status
from core.exceptions import EditConflict
from core.files import serve_file
from core.forms import copy_errors
from core.htmx import render_page
from core.types import AuthedRequest
from projects import forms, selectors, services, workspace
from projects.access import (
    Need,
    get_project_for_user,
    get_workspace_item_for_user,
    is_lead,
)
from projects.models import (
    Document,
    DocumentVersion,
    Folder,
    Meeting,
    Milestone,
    Project,
    Task,
)
from projects.views.common import _attempt, _copy_row_errors, _done


def _workspace(request: AuthedRequest, project: Project, **extra: object) -> dict[str, object]:
    return {"project": project, "lead": is_lead(request.user, project), **extra}


@login_required
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team and its authorship agreement: declare, reconcile (lead), confirm."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    return _team_page(request, project)


# The agreement's form is drawn again from the saved version, not from the lead's post.
AGREEMENT_CHANGED = "The agreement changed while you were editing it"

START_AGAIN = "The form below starts from the saved version: make your changes again and save."


def _team_page(
    request: AuthedRequest,
    project: Project,
    *,
    agreement_form: forms.AgreementForm | None = None,
    conflict: ConflictNotice | None = None,
) -> HttpResponse:
    agreement = selectors.agreement_of(project)
    me = next(row for row in agreement.rows if row.member.person_id == request.user.pk)
    context = _workspace(
        request,
        project,
        agreement=agreement,
        me=me,
        declare_form=forms.DeclareForm(initial_roles=me.declared),
        agreement_form=agreement_form
        or forms.AgreementForm(members=agreement.rows, version=agreement.version),
        confirm_form=forms.ConfirmForm(initial={"version": agreement.version}),
        conflict=conflict,
    )
    status = 409 if conflict else 400 if agreement_form is not None else 200
    return render(request, "projects/team.html", context, status=status)


@login_required
@require_POST
def declare(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.DeclareForm(request.POST)
    if form.is_valid():
        declared = {role: degree for role, degree in form.cleaned_data.items() if degree}
        _done(
            request,
            lambda: services.contributions_declare(
                actor=request.user, project=project, declared=declared
            ),
            "Your contribution is declared; the lead will reconcile it.",
        )
    return redirect("projects:team", pk=project.pk)


@login_required
@require_POST
def agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, Need.LEAD)
    rows = selectors.agreement_of(project).rows
    form = forms.AgreementForm(request.POST, members=rows, version=project.agreement_version)
    if form.is_valid():
        try:
            services.agreement_save(
                actor=request.user,
                project=project,
                version=form.cleaned_data["version"],
                lines=form.lines(),
            )
        except EditConflict as clash:
            project.refresh_from_db()
            notice = conflict_notice(clash, heading=AGREEMENT_CHANGED, next_step=START_AGAIN)
            return _team_page(request, project, conflict=notice)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Agreement saved; the team is asked to confirm it.")
            return redirect("projects:team", pk=project.pk)
    return _team_page(request, project, agreement_form=form)


@login_required
@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.ConfirmForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    _done(
        request,
        lambda: services.agreement_confirm(actor=request.user, project=project, version=version),
        "You confirmed the authorship agreement.",
    )
    return redirect("projects:team", pk=project.pk)


@login_required
def tasks(request: AuthedRequest, pk: int) -> HttpResponse:
    """Milestones and the task board; a new task is posted here."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.TaskForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            workspace.task_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Task added.")
            return redirect("projects:tasks", pk=project.pk)
    context = _board_context(request, project, form=form)
    return render_page(
        request,
        "projects/tasks.html",
        context,
        fragment="board",
        status=400 if form.errors else 200,
    )


def _board_context(
    request: AuthedRequest,
    project: Project,
    milestone_form: forms.MilestoneForm | None = None,
    **extra: object,
) -> dict[str, object]:
    return _workspace(
        request,
        project,
        milestone_form=milestone_form or forms.MilestoneForm(prefix="milestone"),
        columns=selectors.task_board(project),
        milestones=project.milestones.all(),
        today=timezone.now().date(),
        **extra,
    )


@login_required
@require_POST
def milestone_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a milestone; a refusal comes back on the tasks page, next to the field at fault."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            workspace.milestone_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Milestone added.")
            return redirect("projects:tasks", pk=project.pk)
    context = _board_context(
        request, project, milestone_form=form, form=forms.TaskForm(project=project)
    )
    return render(request, "projects/tasks.html", context, status=400)


@login_required
@require_POST
def milestone_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark a milestone reached or reopen it, refused if it changed since the page was shown."""
    milestone = get_workspace_item_for_user(request.user, Milestone, pk)
    done = request.POST.get("done", "1") == "1"
    version = _version_of(request)
    _done(
        request,
        lambda: workspace.milestone_done(
            actor=request.user, milestone=milestone, version=version, done=done
        ),
        "Milestone updated.",
    )
    return redirect("projects:tasks", pk=milestone.project_id)


@login_required
def milestone_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rename or move a milestone (team); the lead may delete it from here."""
    milestone = get_workspace_item_for_user(request.user, Milestone, pk)
    initial = {"title": milestone.title, "due_on": milestone.due_on, "version": milestone.version}
    form = forms.MilestoneEditForm(request.POST or None, initial=initial)
    return _edit_page(
        request,
        form,
        milestone,
        save=lambda: workspace.milestone_update(
            actor=request.user, milestone=milestone, **form.cleaned_data
        ),
        saved="Milestone saved.",
        back=reverse("projects:tasks", args=[milestone.project_id]),
        here="tasks",
        delete=reverse("projects:milestone_delete", args=[pk]),
        delete_note="Its tasks stay on the board without a milestone.",
    )


@login_required
@require_POST
def milestone_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a milestone (lead), refused if it changed since the page was shown."""
    milestone = get_workspace_item_for_user(request.user, Milestone, pk, Need.LEAD)
    version = _version_of(request)
    _done(
        request,
        lambda: workspace.milestone_delete(
            actor=request.user, milestone=milestone, version=version
        ),
        f"Milestone “{milestone}” deleted; its tasks stay on the board.",
    )
    return redirect("projects:tasks", pk=milestone.project_id)


def _version_of(request: AuthedRequest) -> int | None:
    """The version a delete form carries: the thing as the person last saw it."""
    form = forms.VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def _edit_page(
    request: AuthedRequest,
    form: BaseForm,
    thing: Task | Milestone | Meeting | Document,
    *,
    save: Callable[[], object],
    saved: str,
    back: str,
    here: str,
    delete: str = "",
    delete_note: str = "",
    delete_label: str = "Delete",
) -> HttpResponse:
    """The one edit page of a workspace item: save from a version, conflicts shown to merge."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        outcome = form_save(form, save)
        if outcome.saved:
            messages.success(request, saved)
            return redirect(back)
        conflict = outcome.conflict
    context = _workspace(
        request,
        thing.project,
        form=form,
        thing=thing,
        conflict=conflict,
        back=back,
        here=here,
        delete=delete,
        delete_note=delete_note,
        delete_label=delete_label,
    )
    return render(request, "projects/item_form.html", context, status=page_status(form, conflict))


@login_required
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_workspace_item_for_user(request.user, Task, pk)
    initial: dict[str, object] = {
        "title": task.title,
        "owner": task.owner_id,
        "due_on": task.due_on,
        "milestone": task.milestone_id,
        "state": task.state,
        "version": task.version,
    }
    form = forms.TaskEditForm(request.POST or None, project=task.project, initial=initial)
    return _edit_page(
        request,
        form,
        task,
        save=lambda: workspace.task_update(actor=request.user, task=task, **form.cleaned_data),
        saved="Task saved.",
        back=reverse("projects:tasks", args=[task.project_id]),
        here="tasks",
        delete=reverse("projects:task_delete", args=[pk]),
    )


@login_required
@require_POST
def task_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a task (lead), refused if it changed since the page was shown."""
    task = get_workspace_item_for_user(request.user, Task, pk, Need.LEAD)
    version = _version_of(request)
    _done(
        request,
        lambda: workspace.task_delete(actor=request.user, task=task, version=version),
        f"Task “{task}” deleted.",
    )
    return redirect("projects:tasks", pk=task.project_id)


@login_required
@require_POST
def task_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a card on the board (to do → in progress → done), refused if it changed meanwhile.

    With htmx the board alone comes back, carrying the outcome; without JavaScript the
    page reloads with it as a message.
    """
    task = get_workspace_item_for_user(request.user, Task, pk)
    form = forms.TaskMoveForm(request.POST)
    if not form.is_valid():
        ok, text = False, "Choose to do, in progress or done."
    else:
        state = form.cleaned_data["state"]
        ok, text = _attempt(
            lambda: workspace.task_update(
                actor=request.user, task=task, version=form.cleaned_data["version"], state=state
            ),
            f"“{task.title}” is now {Task.State(state).label.lower()}.",
        )
    if getattr(request, "htmx", False):
        notice = {"ok": ok, "text": text}
        context = _board_context(request, task.project, notice=notice)
        return render(request, "projects/tasks.html#board", context)
    (messages.success if ok else messages.error)(request, text)
    return redirect("projects:tasks", pk=task.project_id)


@login_required
def meetings(request: AuthedRequest, pk: int) -> HttpResponse:
    """Meeting notes; recording one turns its action items into tasks and emails the team."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.MeetingForm(request.POST or None)
    actions = forms.ActionFormSet(
        request.POST or None, prefix="actions", form_kwargs={"project": project}
    )
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        kept = [a for a in actions if a.cleaned_data.get("text")]
        items = [
            workspace.ActionItem(
                a.cleaned_data["text"], a.cleaned_data["owner"], a.cleaned_data["due_on"]
            )
            for a in kept
        ]
        try:
            workspace.meeting_record(
                actor=request.user, project=project, actions=items, **form.cleaned_data
            )
        except ValidationError as error:
            _copy_row_errors(form, "actions", kept, error)
        else:
            messages.success(request, "Meeting recorded; the summary is on its way to the team.")
            return redirect("projects:meetings", pk=project.pk)
    listed = project.meetings.select_related("recorded_by").prefetch_related("actions__owner")
    context = _workspace(request, project, form=form, actions=actions, meetings=listed)
    bad = form.errors or actions.total_error_count()
    return render(request, "projects/meetings.html", context, status=400 if bad else 200)


@login_required
def meeting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a meeting's notes (team); the lead may delete them from here."""
    meeting = get_workspace_item_for_user(request.user, Meeting, pk)
    initial = {
        "held_on": meeting.held_on,
        "title": meeting.title,
        "notes": meeting.notes,
        "version": meeting.version,
    }
    form = forms.MeetingEditForm(request.POST or None, initial=initial)
    return _edit_page(
        request,
        form,
        meeting,
        save=lambda: workspace.meeting_update(
            actor=request.user, meeting=meeting, **form.cleaned_data
        ),
        saved="Meeting notes saved.",
        back=reverse("projects:meetings", args=[meeting.project_id]),
        here="meetings",
        delete=reverse("projects:meeting_delete", args=[pk]),
        delete_note="Its action items stay on the board as tasks.",
    )


@login_required
@require_POST
def meeting_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a meeting's notes (lead), refused if they changed since the page was shown."""
    meeting = get_workspace_item_for_user(request.user, Meeting, pk, Need.LEAD)
    version = _version_of(request)
    _done(
        request,
        lambda: workspace.meeting_delete(actor=request.user, meeting=meeting, version=version),
        f"Meeting “{meeting.title}” deleted; its action items stay on the board.",
    )
    return redirect("projects:meetings", pk=meeting.project_id)


@login_required
def documents(request: AuthedRequest, pk: int) -> HttpResponse:
    """The standard folders with every version of every document; uploads land here."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = workspace.document_upload(
                actor=request.user,
                project=project,
                folder=data["folder"],
                upload=data["file"],
                note=data["note"],
                name=data["name"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Saved {version.document.name} as version {version.number}.")
            return redirect("projects:documents", pk=project.pk)
    docs = list(project.documents.prefetch_related("versions__uploaded_by"))
    current = [d for d in docs if d.archived_at is None]
    folders = [
        (value, label, [d for d in current if d.folder == value]) for value, label in Folder.choices
    ]
    archived = [d for d in docs if d.archived_at is not None]
    context = _workspace(request, project, form=form, folders=folders, archived=archived)
    return render(request, "projects/documents.html", context, status=400 if form.errors else 200)


@login_required
def download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Any version of a document, to the team only, as an attachment (never a public URL)."""
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)
    get_project_for_user(request.user, version.document.project_id, Need.TEAM)
    return serve_file(version.file.name, filename=version.filename)


@login_required
def document_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rename a document or move it to another folder (team); the lead may archive it."""
    document = get_workspace_item_for_user(request.user, Document, pk)
    form = forms.DocumentForm(
        request.POST or None, initial={"folder": document.folder, "name": document.name}
    )
    return _edit_page(
        request,
        form,
        document,
        save=lambda: workspace.document_update(
            actor=request.user, document=document, **form.cleaned_data
        ),
        saved="Document saved.",
        back=reverse("projects:documents", args=[document.project_id]),
        here="documents",
        delete=reverse("projects:document_archive", args=[pk]),
        delete_note="Archiving keeps every version, downloadable by the team; you can restore it.",
        delete_label="Archive",
    )


@login_required
@require_POST
def document_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    """Archive a document out of its folder, or restore it (`archived=0`): the lead's."""
    document = get_workspace_item_for_user(request.user, Document, pk, Need.LEAD)
    archived = request.POST.get("archived", "1") == "1"
    _done(
        request,
        lambda: workspace.document_archive(
            actor=request.user, document=document, archived=archived
        ),
        f"“{document.name}” {'archived' if archived else 'restored to its folder'}.",
    )
    return redirect("projects:documents", pk=document.project_id)
