from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from core.conflicts import form_save, page_status
from core.types import AuthedRequest
from network import access
from people import services
from people.forms import MentorProfileForm, TraineeProfileForm, VersionedForm
from people.models import MentorProfile, TraineeProfile
from people.selectors import profiles_of


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    return render(request, "people/me.html", {"profiles": profiles_of(request.user)})


@login_required
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    """A researcher's page: their own, or anyone's for members of the network with a role."""
    if pk != request.user.pk:
        access.require(request.user, access.Action.SEE_MEMBERS)
    found = get_object_or_404(get_user_model().objects.filter(is_active=True), pk=pk)
    return render(request, "people/person.html", {"person": found, "profiles": profiles_of(found)})


def _edit(
    request: AuthedRequest,
    form_class: type[VersionedForm],
    model: type[TraineeProfile] | type[MentorProfile],
    save: Callable[..., object],
    title: str,
) -> HttpResponse:
    profile = model.objects.filter(person=request.user).first()
    form = form_class(request.POST or None, instance=profile)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        version = form.cleaned_data["version"]
        outcome = form_save(form, lambda: save(person=request.user, version=version, **data))
        if outcome.saved:
            messages.success(request, f"{title} saved.")
            return redirect(_next_page(request) or "people:me")
        conflict = outcome.conflict
    context = {"form": form, "title": title, "conflict": conflict}
    return render(request, "people/profile_form.html", context, status=page_status(form, conflict))


def _next_page(request: AuthedRequest) -> str | None:
    """Where to go after saving (the dashboard's checklist sends people back to it)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else None


@login_required
def trainee_edit(request: AuthedRequest) -> HttpResponse:
    return _edit(
        request,
        TraineeProfileForm,
        TraineeProfile,
        services.trainee_profile_save,
        "Trainee profile",
    )


@login_required
def mentor_edit(request: AuthedRequest) -> HttpResponse:
    save = services.mentor_profile_save
    return _edit(request, MentorProfileForm, MentorProfile, save, "Mentor profile")
