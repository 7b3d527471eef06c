"""The "for you" page and its one change: "not for me" (and its undo)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.types import AuthedRequest
from recommend import access, selectors, services
from recommend.core import KINDS
from recommend.forms import NotForMeForm
from recommend.models import Dismissal


@login_required
def for_you(request: AuthedRequest) -> HttpResponse:
    access.require_viewer(request.user)
    found = services.recommendations_for(request.user)
    sections = (
        [(kind, heading, found.of_kind(kind)) for kind, heading in KINDS.items()] if found else []
    )
    context = {
        "found": found,
        "sections": sections,
        "dismissed": selectors.dismissals_of(request.user) if found else [],
    }
    return render(request, "recommend/for_you.html", context)


@login_required
@require_POST
def not_for_me(request: AuthedRequest) -> HttpResponse:
    access.require_trainee(request.user)
    form = NotForMeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("item", [])))
        return redirect("recommend:for_you")
    try:
        dismissal = services.dismissal_create(
            actor=request.user, item_key=form.cleaned_data["item"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("recommend:for_you")
    messages.success(request, f"Removed “{dismissal.title}”: it will not be suggested again.")
    return redirect("recommend:for_you")


@login_required
@require_POST
def undo(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_trainee(request.user)
    try:
        dismissal = services.dismissal_delete(actor=request.user, dismissal_id=pk)
    except Dismissal.DoesNotExist:
        raise Http404("No such choice of yours.") from None
    messages.success(request, f"“{dismissal.title}” may be suggested again.")
    return redirect("recommend:for_you")
