"""The shortlist pages: the applicant's own profile and budget, their shortlist with its
groups and reasons, their own estimates, and the CSV export. Each view reads and
writes only the signed-in person's profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.forms import copy_errors
from core.types import AuthedRequest
from opportunities.forms import EstimateForm, ShortlistProfileForm
from opportunities.models import Programme, ShortlistProfile
from opportunities.shortlist import core, services

if TYPE_CHECKING:
    from accounts.models import User


def _initial(user: User, profile: ShortlistProfile | None) -> dict[str, object]:
    if profile is None:
        outputs, presentations = services.counted_outputs(user)
        return {"research_outputs": outputs, "presentations": presentations}
    values = {name: getattr(profile, name) for name in services.PROFILE_FIELDS}
    values["regions"] = profile.region_list
    return values


def _regions(profile: ShortlistProfile | None) -> list[str]:
    known = set(Programme.objects.exclude(region="").values_list("region", flat=True))
    return sorted(known | set(profile.region_list if profile else []))


def _row(pick: core.Pick) -> dict[str, object]:
    return {
        "id": pick.programme.id,
        "name": pick.programme.name,
        "percent": round(pick.estimate.value * 100),
        "own": pick.estimate.basis == "yours",
        "basis": services.BASIS_NAMES[pick.estimate.basis],
        "reasons": pick.reasons,
    }


@login_required
def shortlist(request: AuthedRequest) -> HttpResponse:
    """The applicant's profile form and, once saved, their shortlist."""
    profile = services.profile_of(request.user)
    form = ShortlistProfileForm(
        request.POST or None, initial=_initial(request.user, profile), regions=_regions(profile)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shortlist_profile_save(actor=request.user, **form.profile_values())
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Saved. Your shortlist is below.")
            return redirect(reverse("opportunities:shortlist") + "#shortlist")
    result = services.shortlist_for(profile) if profile is not None else None
    assumed = core.Assumptions()
    context = {
        "form": form,
        "profile": profile,
        "result": result,
        "groups": [
            (key, services.GROUP_NAMES[key], [_row(p) for p in result.group(key)])
            for key in core.GROUPS
        ]
        if result
        else [],
        "left_out": [_row(p) for p in result.left_out] if result else [],
        "cost": f"${result.cost / 100:,.2f}" if result and result.cost is not None else "",
        "reach_under": round(assumed.reach_under * 100),
        "likely_from": round(assumed.likely_from * 100),
    }
    return render(
        request, "opportunities/shortlist.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def estimate(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace one programme's interview likelihood with the person's own, or clear it."""
    programme = get_object_or_404(Programme, pk=pk)
    form = EstimateForm(request.POST)
    clear = request.POST.get("clear") == "1"
    if not clear and not (form.is_valid() and form.cleaned_data["percent"] is not None):
        messages.error(
            request,
            f"Your own estimate for {programme.name}: give a whole number from 0 to 100."
            " Nothing was changed.",
        )
        return redirect(reverse("opportunities:shortlist") + "#shortlist")
    percent = None if clear else form.cleaned_data["percent"]
    try:
        services.shortlist_estimate_set(actor=request.user, programme=programme, percent=percent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "back to the computed estimate" if clear else f"your own estimate, {percent}%"
        messages.success(request, f"{programme.name}: {done}.")
    return redirect(reverse("opportunities:shortlist") + "#shortlist")


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    """The person's shortlist as CSV (after their profile is saved)."""
    profile = services.profile_of(request.user)
    if profile is None:
        messages.error(request, "Save your profile first: then you can download the list.")
        return redirect("opportunities:shortlist")
    response = HttpResponse(
        services.shortlist_csv(services.shortlist_for(profile)), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="programme-shortlist.csv"'
    return response
