from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.conflicts import form_save, page_status
from core.htmx import render_page
from core.types import AuthedRequest
from events.times import ZONE_CHOICES, wall_clock
from opportunities import access, services
from opportunities.eligibility import Facts, verdict
from opportunities.forms import (
    FilterForm,
    OpportunityForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    ReviewForm,
)
from opportunities.models import FACTS, Opportunity, Programme
from opportunities.shortlist.services import fact_rows


@login_required
def listing(request: AuthedRequest) -> HttpResponse:
    """Published opportunities with filters, each with the verdict “eligible for me”."""
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rows = Opportunity.objects.published().prefetch_related("subspecialties")
    if data.get("q"):
        rows = rows.filter(
            Q(title__icontains=data["q"])
            | Q(funder__icontains=data["q"])
            | Q(summary__icontains=data["q"])
        )
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("subspecialty"):
        rows = rows.filter(
            Q(subspecialties=data["subspecialty"]) | Q(subspecialties__isnull=True)
        ).distinct()
    if data.get("open_only"):
        rows = rows.filter(Q(deadline_at__isnull=True) | Q(deadline_at__gte=timezone.now()))
    facts = Facts.of(request.user)
    items = [(o, verdict(o, facts)) for o in rows]
    if data.get("eligible"):
        items = [(o, v) for o, v in items if v is not None and v.eligible]
    context = {
        "form": form,
        "items": items,
        "facts": facts,
        "curator": access.may_curate(request.user),
        "waiting": Opportunity.objects.filter(state="suggested").count()
        if access.may_curate(request.user)
        else 0,
    }
    return render_page(request, "opportunities/list.html", context, fragment="results")


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_opportunity_for_user(request.user, pk)
    context = {
        "item": found,
        "verdict": verdict(found, Facts.of(request.user)),
        "curator": access.may_curate(request.user),
        "review_form": ReviewForm(),
    }
    return render(request, "opportunities/detail.html", context)


def _initial(found: Opportunity) -> dict[str, object]:
    values: dict[str, object] = {
        field: getattr(found, field) for field in services.OPPORTUNITY_FIELDS
    }
    if found.deadline_at and found.time_zone:
        values["deadline_local"] = found.deadline_at.astimezone(
            zoneinfo.ZoneInfo(found.time_zone)
        ).replace(tzinfo=None)
        values["time_zone"] = found.time_zone
    values["subspecialties"] = list(found.subspecialties.all())
    values["version"] = found.version
    return values


@login_required
def suggest(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Suggest an opportunity (anyone signed in) or edit one (curators)."""
    found = access.get_opportunity_for_user(request.user, pk, curate=True) if pk else None
    form = OpportunityForm(request.POST or None, initial=_initial(found) if found else {})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if data["deadline_local"] is not None:
            data["deadline_local"] = wall_clock(data["deadline_local"])
        outcome = form_save(form, lambda: _opportunity_save(request, found, version, data))
        if outcome.saved and outcome.result is not None:
            published = outcome.result.state == Opportunity.State.PUBLISHED
            messages.success(
                request,
                "Saved and published."
                if published
                else "Thank you: the committee will review it before it shows to others.",
            )
            return redirect(outcome.result)
        conflict = outcome.conflict
    context = {"form": form, "item": found, "zones": ZONE_CHOICES, "conflict": conflict}
    return render(request, "opportunities/form.html", context, status=page_status(form, conflict))


def _opportunity_save(
    request: AuthedRequest, found: Opportunity | None, version: int | None, data: dict[str, Any]
) -> Opportunity:
    if found is None:
        return services.opportunity_suggest(actor=request.user, **data)
    return services.opportunity_update(
        actor=request.user, opportunity=found, version=version, **data
    )


@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    access.require_curator(request.user)
    waiting = Opportunity.objects.filter(state=Opportunity.State.SUGGESTED).select_related(
        "suggested_by"
    )
    return render(request, "opportunities/review.html", {"waiting": waiting, "form": ReviewForm()})


@login_required
@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_opportunity_for_user(request.user, pk, curate=True)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.opportunity_review(
            actor=request.user,
            opportunity=found,
            publish=request.POST.get("decision") == "publish",
            note=note,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Reviewed “{found}”.")
    return redirect("opportunities:review")


@login_required
def programmes(request: AuthedRequest) -> HttpResponse:
    """The programmes directory: fellowships and residencies."""
    form = ProgrammeFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rows = Programme.objects.select_related("site", "subspecialty")
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("subspecialty"):
        rows = rows.filter(subspecialty=data["subspecialty"])
    if data.get("research"):
        rows = rows.filter(research=data["research"])
    if data.get("visa"):
        rows = rows.filter(visa_sponsorship__icontains=data["visa"])
    context = {"form": form, "rows": rows, "curator": access.may_curate(request.user)}
    return render_page(request, "opportunities/programmes.html", context, fragment="results")


@login_required
def programme(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Programme.objects.select_related("site", "subspecialty"), pk=pk)
    context = {
        "item": found,
        "facts": fact_rows(found),
        "curator": access.may_curate(request.user),
    }
    return render(request, "opportunities/programme.html", context)


def _programme_initial(found: Programme) -> dict[str, object]:
    values: dict[str, object] = {
        field: getattr(found, field) for field in services.PROGRAMME_FIELDS
    }
    values["visa_sponsorship"] = [v.strip() for v in found.visa_sponsorship.split(",") if v.strip()]
    values.pop("sources")
    for fact in FACTS:
        recorded = found.source_of(fact)
        values[f"source_{fact}"] = recorded["source"]
        values[f"as_of_{fact}"] = recorded["as_of"]
    values["version"] = found.version
    return values


@login_required
def programme_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Add a fellowship or residency programme, or correct one (the committee and
    administrators), each fact with its source and date."""
    access.require_curator(request.user)
    found = get_object_or_404(Programme, pk=pk) if pk else None
    initial = _programme_initial(found) if found else {}
    form = ProgrammeForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.programme_values()
        version = data.pop("version")
        outcome = form_save(
            form,
            lambda: services.programme_save(
                actor=request.user, programme=found, version=version, **data
            ),
        )
        if outcome.saved and outcome.result is not None:
            messages.success(request, f"Saved “{outcome.result}”.")
            return redirect(outcome.result)
        conflict = outcome.conflict
    context = {"form": form, "item": found, "conflict": conflict}
    status = page_status(form, conflict)
    return render(request, "opportunities/programme_form.html", context, status=status)
