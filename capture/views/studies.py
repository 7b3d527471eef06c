"""The studies list, a study's page, creating a study and the study admin's page (sites,
roles, settings, going live, closing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from capture import access, completeness, retention, services
from capture.access import Can
from capture.forms import (
    GoLiveForm,
    RoleGrantForm,
    SiteAddForm,
    StudyCreateForm,
    StudySettingsForm,
)
from capture.models import Study
from core.extensions import provided
from core.forms import copy_errors
from core.types import AuthedRequest
from network import access as network_access


@login_required
def studies(request: AuthedRequest) -> HttpResponse:
    context = {
        "studies": access.studies_visible_to(request.user),
        "may_create": access.may_create_study(request.user),
    }
    return render(request, "capture/studies.html", context)


@login_required
def study_create(request: AuthedRequest) -> HttpResponse:
    if not access.may_create_study(request.user):
        raise PermissionDenied("Only the committee and administrators create studies.")
    network_access.require(request.user, network_access.Action.CREATE_STUDY)
    form = StudyCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            study, issues = services.study_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                protocol_summary=form.cleaned_data["protocol_summary"],
                dictionary_csv=form.cleaned_data["dictionary"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"{study} is in design with its data dictionary.")
            for issue in issues:
                messages.warning(
                    request, f"Not imported: line {issue.line}, {issue.column}: {issue.message}"
                )
            # Sites and roles come next, on the study admin's page.
            return redirect("capture:study_admin", pk=study.pk)
    status = 400 if form.errors else 200
    return render(request, "capture/study_create.html", {"form": form}, status=status)


@login_required
def study(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.SEE_STUDY)
    manage = access.can(request.user, found, Can.MANAGE)
    may_analyse = provided("may_analyse_study")
    context = {
        "study": found,
        "dictionary": services.current_dictionary(found),
        "completeness": completeness.site_rows(request.user, found),
        "manage": manage,
        "may_see_records": access.can(request.user, found, Can.SEE_RECORDS),
        "may_see_audit": access.can(request.user, found, Can.SEE_AUDIT),
        "may_enter": access.can(request.user, found, Can.ENTER),
        "may_export": access.can(request.user, found, Can.EXPORT)
        or access.can(request.user, found, Can.EXPORT_DEIDENTIFIED),
        "may_analyse": may_analyse is not None and may_analyse(request.user, found),
        "may_export_project": manage or access.can(request.user, found, Can.EXPORT),
    }
    return render(request, "capture/study.html", context)


@login_required
def study_admin(request: AuthedRequest, pk: int) -> HttpResponse:
    """The study admin's page: sites, roles, settings, going live.

    Apart from the study page so that the page everyone opens does not draw the
    admin's forms (choices of every network site and study site) on each visit.
    """
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.MANAGE)
    context = {
        "study": found,
        "roles": found.roles.filter(ended_at__isnull=True).select_related("person", "study_site"),
        "site_form": SiteAddForm(),
        "role_form": RoleGrantForm(study=found),
        "settings_form": StudySettingsForm(
            instance=found, instruments=services.current_dictionary(found).instruments
        ),
        "unapplied": services.current_dictionary(found).issues,
        "live_form": GoLiveForm(),
        "retention_days": retention.retention_days(found),
        "purge_due": retention.purge_due(found),
    }
    return render(request, "capture/study_admin.html", context)


@login_required
@require_POST
def study_manage(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.MANAGE)
    try:
        if action == "site":
            site_form = SiteAddForm(request.POST)
            if not site_form.is_valid():
                raise ValidationError(site_form.errors.as_text())
            services.study_add_site(actor=request.user, study=found, **site_form.cleaned_data)
        elif action == "role":
            role_form = RoleGrantForm(request.POST, study=found)
            if not role_form.is_valid():
                raise ValidationError(role_form.errors.as_text())
            person = User.objects.filter(
                email__iexact=role_form.cleaned_data["email"], is_active=True
            ).first()
            if person is None:
                raise ValidationError("Nobody with that email has a RadCollab account.")
            services.study_grant_role(
                actor=request.user,
                study=found,
                person=person,
                role=role_form.cleaned_data["role"],
                study_site=role_form.cleaned_data["study_site"],
            )
        elif action == "settings":
            settings_form = StudySettingsForm(
                request.POST,
                instance=Study.objects.get(pk=found.pk),
                instruments=services.current_dictionary(found).instruments,
            )
            if not settings_form.is_valid():
                raise ValidationError(settings_form.errors.as_text())
            services.study_update_settings(
                actor=request.user,
                study=found,
                repeating_instruments=settings_form.cleaned_data["repeating_instruments"],
                **{name: settings_form.cleaned_data[name] for name in services.SETTINGS},
            )
        elif action == "live":
            live_form = GoLiveForm(request.POST)
            live_form.is_valid()
            services.study_go_live(
                actor=request.user,
                study=found,
                acknowledged=bool(live_form.cleaned_data.get("acknowledged")),
            )
        elif action == "close":
            retention.study_close(actor=request.user, study=found)
        else:
            raise ValidationError(f"Unknown action {action!r}.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Saved.")
    return redirect("capture:study_admin", pk=found.pk)
