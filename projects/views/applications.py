"""Applying to a role and deciding applications; one's own projects and applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import copy_errors
from core.types import AuthedRequest
from people.drafts import application_initial
from projects import forms, selectors, services
from projects.access import (
    Need,
    get_application_for_user,
    get_project_for_user,
    is_lead,
    require_member_of_network,
)
from projects.models import (
    Application,
    ProjectRole,
)
from projects.views.board import _project_page
from projects.views.common import _done


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
