"""Pages of the board and of each project's workspace: access, a service, a render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import EditConflict
from core.files import serve_file
from core.forms import copy_errors
from core.fragments import cached_page
from core.htmx import render_page
from core.types import AuthedRequest
from people.drafts import application_initial
from projects import forms, selectors, services, workspace
from projects.access import (
    Need,
    get_application_for_user,
    get_project_asking,
    get_project_for_user,
    get_workspace_item_for_user,
    is_lead,
    is_team,
    require_member_of_network,
)
from projects.board import board_search
from projects.estimates import effort_estimate, quick_win
from projects.models import (
    Application,
    Document,
    DocumentVersion,
    Folder,
    Meeting,
    Milestone,
    Project,
    ProjectRole,
    Task,
)


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """Projects open for help: filters in the URL; htmx swaps only the results."""
    require_member_of_network(request.user)

    def build() -> tuple[dict[str, Any], int]:
        form = forms.BoardForm(request.GET)
        if not form.is_valid():
            return {"form": form}, 400
        trainee = selectors.trainee_of(request.user)
        results = board_search(form.to_query(), trainee, selectors.own_project_ids(request.user))
        return {"form": form, "results": results, "trainee": trainee}, 200

    return cached_page(
        request,
        "projects/board.html",
        "projects/_board.html",
        fragment="results",
        apps=BOARD_SHOWS,
        build=build,
    )


# The apps whose rows a board card or its filters show (core.fragments keys on them):
# projects, roles and members; sites and regions; terms and trainee profiles; people's
# names; mentors' records; the glossary's wording.
BOARD_SHOWS = ("projects", "network", "people", "accounts", "mentors", "glossary")


@login_required
def project_new(request: AuthedRequest) -> HttpResponse:
    require_member_of_network(request.user)
    form = forms.ProjectForm(request.POST or None)
    roles = forms.RoleFormSet(request.POST or None, prefix="roles")
    if request.method == "POST" and form.is_valid() and roles.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "sites")}
        kept = [r for r in roles if r.cleaned_data.get("kind")]
        wanted = [r.cleaned_data for r in kept]
        try:
            project = services.project_create(
                actor=request.user, sites=form.cleaned_data["sites"], roles=wanted, **data
            )
        except ValidationError as error:
            _copy_row_errors(form, "roles", kept, error)
        else:
            messages.success(request, f"“{project}” is posted.")
            return redirect(project)
    status = 400 if form.errors or roles.total_error_count() else 200
    context = {"form": form, "roles": roles, "title": "Post a project"}
    return render(request, "projects/project_form.html", context, status=status)


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The project's public page: summary, roles wanted, effort, quick win; workspace links."""
    return _project_page(request, get_project_for_user(request.user, pk, Need.VIEW))


def _project_page(
    request: AuthedRequest, project: Project, *, status: int = 200, **refused: Any
) -> HttpResponse:
    """The public page; a lead's form the service refused comes back in `refused` with its
    errors next to the field (status 400)."""
    project = selectors.project_page(project)
    trainee = selectors.trainee_of(request.user)
    hours = _hours(request, trainee.hours_per_week if trainee else None, project)
    lead = is_lead(request.user, project)
    mine = Application.objects.filter(role__project=project, applicant=request.user)
    context = {
        "project": project,
        "team": is_team(request.user, project),
        "lead": lead,
        "hours": hours,
        "effort": effort_estimate(project, hours, project.roles.all()),
        "quick_win": quick_win(project),
        "applied": {a.role_id: a for a in mine},
        "applications": selectors.applications_to(project) if lead else [],
        "status_form": forms.StatusForm(initial={"status": project.status}),
        "role_form": forms.RoleForm(),
        "reply_form": forms.ReplyForm(),
        **refused,
    }
    return render_page(request, "projects/project.html", context, fragment="effort", status=status)


def _hours(request: AuthedRequest, default: int | None, project: Project) -> int:
    try:
        asked = int(request.GET.get("hours", ""))
    except ValueError:
        asked = 0
    return max(1, min(asked or default or project.min_open_hours or 4, 60))


@login_required
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, Need.LEAD)
    form = forms.ProjectForm(request.POST or None, instance=project)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "sites")}
        try:
            services.project_update(
                actor=request.user,
                project=project,
                version=form.cleaned_data["version"],
                sites=form.cleaned_data["sites"],
                **data,
            )
        except EditConflict as clash:
            conflict = clash
            _restamp(form, clash.version)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect(project)
    status = 409 if conflict else 400 if form.errors else 200
    context = {"form": form, "project": project, "conflict": conflict, "title": "Edit project"}
    return render(request, "projects/project_form.html", context, status=status)


def _restamp(form: Any, version: int) -> None:
    """Carry the saved version in the form, so that the next save replaces it on purpose."""
    data = form.data.copy()
    data["version"] = version
    form.data = data


def _attempt(call: Any, success: str) -> tuple[bool, str]:
    """Run a service: (True, `success`), or (False, its refusal in words)."""
    try:
        call()
    except EditConflict as clash:
        return False, conflict_text(clash)
    except ValidationError as error:
        return False, " ".join(error.messages)
    return True, success


def conflict_text(clash: EditConflict) -> str:
    """The refusal with the values saved meanwhile, for a message or a fragment."""
    saved = "; ".join(f"{field}: {value}" for field, value in clash.current.items())
    return f"{clash} Saved now: {saved}." if saved else str(clash)


def _done(request: AuthedRequest, call: Any, success: str) -> bool:
    """Run a service; report its outcome as a message. True when it succeeded."""
    ok, text = _attempt(call, success)
    (messages.success if ok else messages.error)(request, text)
    return ok


@login_required
@require_POST
def project_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change the status (lead); a refusal comes back on the project page, on the field."""
    project = get_project_for_user(request.user, pk, Need.LEAD)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.project_status_change(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Status changed; the timeline shows the step.")
            return redirect(project)
    return _project_page(request, project, status=400, status_form=form)


@login_required
@require_POST
def mentor_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The mentor the lead named agrees to supervise; only they may (404 for anyone else)."""
    project = get_project_asking(request.user, pk)
    services.mentor_confirm(actor=request.user, project=project)
    messages.success(request, f"Confirmed: you supervise “{project}”.")
    return redirect("confirm_links")


@login_required
@require_POST
def mentor_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_asking(request.user, pk)
    services.mentor_decline(actor=request.user, project=project)
    messages.success(request, f"Declined: you are not named on “{project}”.")
    return redirect("confirm_links")


@login_required
@require_POST
def role_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a role wanted (lead); a refusal comes back on the project page, on the field."""
    project = get_project_for_user(request.user, pk, Need.LEAD)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        try:
            services.role_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Role added to the board.")
            return redirect(project)
    return _project_page(request, project, status=400, role_form=form)


@login_required
@require_POST
def role_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(ProjectRole, pk=pk)
    project = get_project_for_user(request.user, role.project_id, Need.LEAD)
    _done(
        request,
        lambda: services.role_withdraw(actor=request.user, role=role),
        "Role closed; anyone waiting was told.",
    )
    return redirect(project)


@login_required
def apply(request: AuthedRequest, pk: int) -> HttpResponse:
    """Apply for a role; someone already on three projects is warned with their load first."""
    require_member_of_network(request.user)
    role = get_object_or_404(ProjectRole.objects.select_related("project"), pk=pk)
    project = get_project_for_user(request.user, role.project_id, Need.VIEW)
    # The note starts from what the profile already says.
    form = forms.ApplicationForm(request.POST or None, initial=application_initial(request.user))
    load = services.active_projects_of(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(applicant=request.user, role=role, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Application sent. {project.lead} will reply by email.")
            return redirect(project)
    context = {
        "form": form,
        "role": role,
        "project": project,
        "load": load,
        "overloaded": len(load) >= services.MAX_ACTIVE_PROJECTS,
        "limit": services.MAX_ACTIVE_PROJECTS,
    }
    return render(request, "projects/apply.html", context, status=400 if form.errors else 200)


# Declining and withdrawing end an application for good: each asks first, on a page of
# its own (no JavaScript needed); the confirming form posts `confirmed`.
CONFIRM = {"decline": "Decline this application?", "withdraw": "Withdraw your application?"}


@login_required
@require_POST
def application_move(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Accept or decline (the lead, on the project page) or withdraw (the applicant, on
    My projects). A refused decision comes back beside the application, reply kept (400)."""
    application = get_application_for_user(request.user, pk)
    project = application.role.project
    verb = services.DECISIONS.get(action, action)
    if action in CONFIRM and not request.POST.get("confirmed"):
        context = {
            "application": application,
            "project": project,
            "action": action,
            "question": CONFIRM[action],
            "reply": request.POST.get("reply", "")[:1000],
        }
        return render(request, "projects/confirm.html", context)
    if not is_lead(request.user, project):
        _done(
            request,
            lambda: services.application_decide(
                actor=request.user, application=application, action=action
            ),
            f"Application {verb}.",
        )
        return redirect("projects:mine")
    form = forms.ReplyForm(request.POST, auto_id=f"reply-{application.pk}-%s")
    form.fields["reply"].label = f"Reply to {application.applicant} (optional)"
    if form.is_valid():
        try:
            services.application_decide(
                actor=request.user,
                application=application,
                action=action,
                reply=form.cleaned_data["reply"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Application {verb}.")
            return redirect(project)
    return _project_page(
        request, project, status=400, reply_form=form, refused_application=application.pk
    )


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    context = {
        "projects": selectors.projects_of(request.user),
        "applications": Application.objects.filter(applicant=request.user).select_related(
            "role__project"
        ),
    }
    return render(request, "projects/mine.html", context)


def _workspace(request: AuthedRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {"project": project, "lead": is_lead(request.user, project), **extra}


@login_required
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team and its authorship agreement: declare, reconcile (lead), confirm."""
    project = get_project_for_user(request.user, pk, Need.TEAM)
    return _team_page(request, project)


def _team_page(
    request: AuthedRequest,
    project: Project,
    *,
    agreement_form: forms.AgreementForm | None = None,
    conflict: EditConflict | None = None,
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
            return _team_page(request, project, conflict=clash)
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
    **extra: Any,
) -> dict[str, Any]:
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
        save=lambda data: workspace.milestone_update(
            actor=request.user, milestone=milestone, **data
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
    form: Any,
    thing: Any,
    *,
    save: Any,
    saved: str,
    back: str,
    here: str,
    delete: str = "",
    delete_note: str = "",
    delete_label: str = "Delete",
) -> HttpResponse:
    """The one edit page of a workspace item: save from a version, conflicts shown to merge."""
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except EditConflict as clash:
            conflict = clash
            _restamp(form, clash.version)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(back)
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
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "projects/item_form.html", context, status=status)


@login_required
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_workspace_item_for_user(request.user, Task, pk)
    initial = {
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
        save=lambda data: workspace.task_update(actor=request.user, task=task, **data),
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


def _copy_row_errors(form: Any, prefix: str, kept: list[Any], error: ValidationError) -> None:
    """Put a refusal next to its field: the form's own, or row n's of a formset
    (`<prefix>.<n>.<field>`, where n counts the rows sent, `kept`: a project's roles,
    a meeting's action items)."""
    if not hasattr(error, "error_dict"):
        copy_errors(form, error)
        return
    for field, found in error.message_dict.items():
        index, _, name = field.removeprefix(f"{prefix}.").partition(".")
        if field.startswith(f"{prefix}.") and index.isdigit() and int(index) < len(kept):
            row = kept[int(index)]
            row.add_error(name if name in row.fields else None, found)
        else:
            form.add_error(field if field in form.fields else None, found)


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
        save=lambda data: workspace.meeting_update(actor=request.user, meeting=meeting, **data),
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
        save=lambda data: workspace.document_update(actor=request.user, document=document, **data),
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
