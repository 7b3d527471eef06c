"""Longitudinal pages: a record's grid of events and forms, the record status dashboard, and
the study admin's events page (REDCap's CSVs uploaded with a preview, or edited here).

Access is capture.access's: records through `get_record`/`records_for` (own sites only
for site-bound roles), the events page for the study admin (`Can.MANAGE`).
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capture import access, longitudinal, services, status
from capture.access import Can
from capture.forms_longitudinal import DesignConfirmForm, DesignUploadForm, design_from_post
from capture.models import Study
from core.forms import copy_errors
from core.types import AuthedRequest
from formats.longitudinal import Design

DASHBOARD_PAGE = 50


@login_required
def record(request: AuthedRequest, pk: int, record: int) -> HttpResponse:
    """A record's home: each form at each event with its status, linked to its entry."""
    study = access.get_study(request.user, pk)
    the_record = access.get_record(request.user, study, record)
    instruments = services.current_dictionary(study).instruments
    may_enter = access.can(request.user, study, Can.ENTER, the_record.study_site)
    found = status.grid(study, [the_record], instruments, may_add=may_enter)
    context = {
        "study": study,
        "record": the_record,
        "grid": found,
        "rows": [(i, found.row(the_record.pk, i)) for i in instruments],
        "legend": status.legend(),
        "longitudinal": found.columns[0].event is not None,
    }
    return render(request, "capture/record.html", context)


@login_required
def dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    """REDCap's record status dashboard over the records of the sites one may see."""
    study = access.get_study(request.user, pk)
    rows = access.records_for(request.user, study).select_related("study_site")
    text = request.GET.get("q", "").strip()[:100]
    if text:
        rows = rows.filter(label__icontains=text)
    page = Paginator(rows.order_by("study_site__code", "number"), DASHBOARD_PAGE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    instruments = services.current_dictionary(study).instruments
    found = status.grid(study, shown, instruments)
    context = {
        "study": study,
        "grid": found,
        "header": found.header(),
        "rows_html": status.dashboard_rows_html(
            found, shown, reverse("capture:records", args=[study.pk])
        ),
        "legend": status.legend(),
        "page": page,
        "q": text,
    }
    return render(request, "capture/status_dashboard.html", context)


# --- The study admin's events page ----------------------------------------------------


def _admin_study(request: AuthedRequest, pk: int) -> Study:
    study = access.get_study(request.user, pk)
    access.require(request.user, study, Can.MANAGE)
    return study


def _fingerprint(design: Design) -> str:
    text = json.dumps(design.as_dict(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _events_context(study: Study, **extra: object) -> dict[str, object]:
    design = longitudinal.design_of(study)
    instruments = services.current_dictionary(study).instruments
    designated = {(d.event, d.form): d for d in design.designations}
    rows = [
        {
            "key": e.unique_name,
            "event": e,
            "forms": [
                (
                    i,
                    (e.unique_name, i) in designated,
                    getattr(designated.get((e.unique_name, i)), "repeating", False),
                )
                for i in instruments
            ],
        }
        for e in design.events
    ]
    return {
        "study": study,
        "design": design,
        "rows": rows,
        "instruments": instruments,
        "upload_form": DesignUploadForm(),
        "base": _fingerprint(design),
        **extra,
    }


@login_required
def events(request: AuthedRequest, pk: int) -> HttpResponse:
    """The events page: the design in use, its editor and the upload of REDCap's files."""
    study = _admin_study(request, pk)
    if request.method == "POST":
        return _events_save(request, study)
    return render(request, "capture/events.html", _events_context(study))


def _events_save(request: AuthedRequest, study: Study) -> HttpResponse:
    current = longitudinal.design_of(study)
    problems: list[str] = []
    if request.POST.get("base") != _fingerprint(current):
        problems = ["Someone changed the events since you opened this page: look again."]
    else:
        instruments = services.current_dictionary(study).instruments
        try:
            design = design_from_post(request.POST, current, instruments)
            change = longitudinal.design_replace(actor=request.user, study=study, design=design)
        except forms.ValidationError as error:
            problems = list(error.messages)
        except ValidationError as error:
            problems = list(error.messages)
        else:
            messages.success(request, _said(change))
            return redirect("capture:events", pk=study.pk)
    context = _events_context(study, problems=problems)
    return render(request, "capture/events.html", context, status=400)


def _said(change: longitudinal.DesignChange) -> str:
    if not change.anything:
        return "Nothing changed."
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("Added", change.added),
            ("Changed", change.changed),
            ("Removed", change.removed),
            ("Now collected", change.designated),
            ("No longer collected", change.undesignated),
            ("Arms renamed", change.arms_renamed),
        )
        if names
    ]
    if change.moved_entries:
        parts.append(f"{change.moved_entries} forms already entered now belong to the first event")
    return "Events saved. " + "; ".join(parts) + "."


@login_required
@require_POST
def events_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """REDCap's CSVs read and shown before anything changes (the preview), or applied."""
    study = _admin_study(request, pk)
    if "design" in request.POST:
        return _events_apply(request, study)
    form = DesignUploadForm(request.POST, request.FILES)
    preview = notices = None
    if form.is_valid():
        try:
            preview, notices = longitudinal.design_from_files(study=study, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
    if preview is None:
        context = _events_context(study, upload_form=form)
        return render(request, "capture/events.html", context, status=400)
    context = _events_context(
        study,
        preview=preview,
        preview_forms={e.unique_name: preview.forms_of(e.unique_name) for e in preview.events},
        notices=notices,
        confirm_form=DesignConfirmForm(
            initial={
                "design": json.dumps(preview.as_dict()),
                "base": _fingerprint(longitudinal.design_of(study)),
            }
        ),
    )
    return render(request, "capture/events.html", context)


def _events_apply(request: AuthedRequest, study: Study) -> HttpResponse:
    form = DesignConfirmForm(request.POST)
    problems: list[str] = []
    if not form.is_valid():
        problems = [str(m) for errors in form.errors.values() for m in errors]
    elif form.cleaned_data["base"] != _fingerprint(longitudinal.design_of(study)):
        problems = ["Someone changed the events since this preview: upload the files again."]
    else:
        try:
            change = longitudinal.design_replace(
                actor=request.user, study=study, design=form.cleaned_data["design"]
            )
        except ValidationError as error:
            problems = list(error.messages)
        else:
            messages.success(request, _said(change))
            return redirect("capture:events", pk=study.pk)
    return render(
        request, "capture/events.html", _events_context(study, problems=problems), status=400
    )
