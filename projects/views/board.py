"""The board and each project's page: posting, editing, status, roles, the mentor's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.conflicts import form_save, page_status
from core.forms import copy_errors
from core.fragments import cached_page
from core.htmx import render_page
from core.types import AuthedRequest
from projects import forms, selectors, services
from projects.access import (
    Need,
    get_project_asking,
    get_project_for_user,
    is_lead,
    is_team,
    require_member_of_network,
)
from projects.board import board_search
from projects.estimates import effort_estimate, quick_win
from projects.models import (
    Application,
    Project,
    ProjectRole,
)
from projects.views.common import _copy_row_errors, _done


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """Projects open for help: filters in the URL; htmx swaps only the results."""
    require_member_of_network(request.user)

    def build() -> tuple[dict[str, object], int]:
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
    request: AuthedRequest, project: Project, *, status: int = 200, **refused: object
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
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "sites")}
        outcome = form_save(
            form,
            lambda: services.project_update(
                actor=request.user,
                project=project,
                version=form.cleaned_data["version"],
                sites=form.cleaned_data["sites"],
                **data,
            ),
        )
        if outcome.saved:
            messages.success(request, "Project saved.")
            return redirect(project)
        conflict = outcome.conflict
    context = {"form": form, "project": project, "conflict": conflict, "title": "Edit project"}
    status = page_status(form, conflict)
    return render(request, "projects/project_form.html", context, status=status)


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
