"""Training pages: thin views that check access, call a service, render or redirect."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from core.conflicts import form_save, page_status
from core.files import serve_file
from core.forms import copy_errors
from core.htmx import render_page
from core.types import AuthedRequest
from network.models import Membership
from training import access, selectors, services
from training.conf import DUE_WITHIN_DAYS, default_refresh_years
from training.cv import cv_docx, cv_for, cv_pdf
from training.forms import (
    ChecklistStartForm,
    CompleteForm,
    CredentialForm,
    EvidenceForm,
    GoalForm,
    IntervalForm,
    ItemEvidenceForm,
    SignForm,
    TrackerStartForm,
)
from training.models import Checklist, ChecklistItem, CredentialType, RefreshInterval, Tracker

if TYPE_CHECKING:
    from accounts.models import User

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(file: FieldFile, name: str) -> HttpResponseBase:
    return serve_file(file.name, filename=name, content_type=services.content_type_of(name))


def _records(person: User) -> dict[str, Any]:
    """What a reader sees of a person's training: credentials, trackers, checklists."""
    trackers = Tracker.objects.filter(person=person).select_related("requirement_set")
    return {
        "credentials": selectors.credentials_of(person),
        "trackers": [
            (t, selectors.tracker_summary(selectors.tracker_progress(t))) for t in trackers
        ],
        "checklists": selectors.checklists_with_items().filter(person=person),
    }


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    context = _records(request.user) | {
        "supervising": selectors.checklists_with_items().filter(supervisor=request.user),
        "tracker_form": TrackerStartForm(),
        "goals": selectors.goals_of(request.user),
        "may_see_sites": access.may_see_any_site(request.user),
        "due_days": DUE_WITHIN_DAYS,
    }
    return render(request, "training/home.html", context)


# Credentials -------------------------------------------------------------------------


@login_required
def credential_new(request: AuthedRequest) -> HttpResponse:
    # ?kind= preselects the type (the dashboard's "Add your GCP certificate" step).
    kind = request.GET.get("kind", "")
    initial: dict[str, object] | None = {"kind": kind} if kind in CredentialType.values else None
    form = CredentialForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_create(
                person=request.user, certificate=form.cleaned_data["certificate"], **form.values()
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Credential recorded.")
            return redirect("training:home")
    context = {"form": form, "title": "Record a credential"}
    return render(request, "training/credential_form.html", context, status=page_status(form))


@login_required
def credential_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    credential = access.get_credential_for_user(request.user, pk, write=True)
    form = CredentialForm(request.POST or None, request.FILES or None, instance=credential)
    conflict = None
    if request.method == "POST" and form.is_valid():
        outcome = form_save(
            form,
            lambda: services.credential_update(
                actor=request.user,
                credential=credential,
                version=form.cleaned_data["version"],
                certificate=form.cleaned_data["certificate"],
                **form.values(),
            ),
        )
        if outcome.saved:
            messages.success(request, "Credential saved.")
            return redirect("training:home")
        conflict = outcome.conflict
    context = {"form": form, "title": f"Edit {credential.label}", "credential": credential}
    context["conflict"] = conflict
    status = page_status(form, conflict)
    return render(request, "training/credential_form.html", context, status=status)


@login_required
@require_POST
def credential_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    credential = access.get_credential_for_user(request.user, pk, write=True)
    services.credential_delete(actor=request.user, credential=credential)
    messages.success(request, f"{credential.label} deleted.")
    return redirect("training:home")


@login_required
def credential_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    credential = access.get_credential_for_user(request.user, pk)
    if not credential.certificate:
        raise Http404("No certificate was uploaded for this credential.")
    return _download(credential.certificate, credential.certificate_name or "certificate")


@login_required
def person_records(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, person_id)
    context = _records(person) | {"person": person}
    return render(request, "training/person.html", context)


@login_required
def gcp_sites(request: AuthedRequest) -> HttpResponse:
    if not access.may_see_any_site(request.user):
        raise PermissionDenied("Only site leads and administrators see sites' GCP status.")
    sites = access.gcp_sites_for(request.user).select_related("region")
    return render(request, "training/gcp_sites.html", {"sites": sites})


@login_required
def gcp_site(request: AuthedRequest, site_id: int) -> HttpResponse:
    """A site's people and their GCP status at a glance, for its leads."""
    site = access.get_gcp_site_for_user(request.user, site_id)
    members = (
        Membership.objects.active()
        .filter(site=site)
        .select_related("person")
        .order_by("person__full_name", "person__email")
    )
    people = list({m.person_id: m.person for m in members}.values())
    statuses = selectors.gcp_status_for(people)
    rows = [(person, selectors.Status(statuses[person.pk])) for person in people]
    counts = {status: sum(1 for _, s in rows if s == status) for status in selectors.Status}
    context = {"site": site, "rows": rows, "counts": counts}
    return render(request, "training/gcp_site.html", context)


@login_required
def intervals(request: AuthedRequest) -> HttpResponse:
    """Administrators override the refresher interval per credential type."""
    if not access.is_admin(request.user):
        raise PermissionDenied("Only administrators change refresher intervals.")
    form = IntervalForm(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = form_save(
            form,
            lambda: services.refresh_interval_set(
                actor=request.user,
                credential_type=data["credential_type"],
                years=data["years"],
                version=data["version"],
            ),
        )
        conflict = outcome.conflict
        if outcome.saved:
            messages.success(request, "Refresher interval saved.")
            return redirect("training:intervals")
    found = {i.credential_type: i for i in RefreshInterval.objects.all()}
    default = selectors.refresh_years()
    rows = [
        (
            kind,
            found.get(kind),
            default[kind],
            IntervalForm(
                initial={
                    "credential_type": kind,
                    "years": found[kind].years if kind in found else None,
                    "version": found[kind].version if kind in found else 0,
                }
            ),
        )
        for kind in CredentialType
    ]
    context = {"rows": rows, "conflict": conflict, "setting": default_refresh_years()}
    return render(request, "training/intervals.html", context, status=page_status(form, conflict))


# Certificate trackers ---------------------------------------------------------------


@login_required
@require_POST
def tracker_start(request: AuthedRequest) -> HttpResponse:
    form = TrackerStartForm(request.POST)
    if form.is_valid():
        try:
            tracker = services.tracker_start(
                person=request.user, requirement_set=form.cleaned_data["requirement_set"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(tracker)
    else:
        messages.error(request, "Choose a certificate to track.")
    return redirect("training:home")


@login_required
def tracker_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    tracker = access.get_tracker_for_user(request.user, pk)
    is_mine = tracker.person_id == request.user.pk
    form = EvidenceForm(request.POST or None, request.FILES or None, tracker=tracker)
    if request.method == "POST":
        access.require_owner(request.user, tracker.person_id)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, tracker=tracker, **form.cleaned_data)
            except ValidationError as error:
                copy_errors(form, error)
            else:
                messages.success(request, "Evidence added.")
                return redirect(tracker)
    progress = selectors.tracker_progress(tracker)
    context = {
        "tracker": tracker,
        "progress": progress,
        "form": form,
        "is_mine": is_mine,
        "summary": selectors.tracker_summary(progress),
    }
    return render(request, "training/tracker.html", context, status=page_status(form))


@login_required
def tracker_pack(request: AuthedRequest, pk: int) -> HttpResponse:
    # Imported here: the PDF library (fpdf2) would slow every web process's first request.
    from training.pack import evidence_pack_pdf

    tracker = access.get_tracker_for_user(request.user, pk)
    name = slugify(f"{tracker.requirement_set} {tracker.person}") or "evidence"
    response = HttpResponse(evidence_pack_pdf(tracker), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def evidence_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    evidence = access.get_evidence_for_user(request.user, pk)
    if not evidence.file:
        raise Http404("This evidence has no file.")
    return _download(evidence.file, evidence.file_name or PurePosixPath(evidence.file.name).name)


@login_required
@require_POST
def evidence_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request.user, pk, write=True)
    services.evidence_delete(actor=request.user, evidence=evidence)
    messages.success(request, f"“{evidence.title}” removed.")
    return redirect(evidence.tracker)


# Supervised checklists --------------------------------------------------------------


@login_required
def checklist_new(request: AuthedRequest) -> HttpResponse:
    form = ChecklistStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = services.checklist_start(
                person=request.user,
                template=data["template"],
                supervisor=data["supervisor_email"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Started; {checklist.supervisor} will sign the items off.")
            return redirect(checklist)
    return render(request, "training/checklist_new.html", {"form": form}, status=page_status(form))


def _checklist_context(request: AuthedRequest, checklist: Checklist) -> dict[str, Any]:
    found = selectors.checklists_with_items().get(pk=checklist.pk)
    items = list(found.items.all())
    return {
        "checklist": found,
        "items": items,
        "signed": sum(1 for item in items if item.is_signed),
        "is_mine": found.person_id == request.user.pk,
        "is_supervisor": found.supervisor_id == request.user.pk,
        "earliest": services.earliest_completion(found),
        "complete_form": CompleteForm(),
    }


@login_required
def checklist_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    checklist = access.get_checklist_for_user(request.user, pk)
    return render(request, "training/checklist.html", _checklist_context(request, checklist))


def _item_of(checklist: Checklist, item_pk: int) -> ChecklistItem:
    item = checklist.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("No such item on this checklist.")
    return item


@login_required
def item_sign(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    """The supervisor signs one item; an htmx request gets the item's row back."""
    checklist = access.get_checklist_to_sign(request.user, pk)
    item = _item_of(checklist, item_pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.checklist_item_sign(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Signed: {item.text}.")
            return redirect(checklist)
    context = {"checklist": checklist, "item": item, "form": form}
    return render_page(
        request, "training/item_sign.html", context, fragment="sign", status=page_status(form)
    )


@login_required
@require_POST
def item_update(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    checklist = access.get_checklist_for_user(request.user, pk, write=True)
    item = _item_of(checklist, item_pk)
    form = ItemEvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_update(
                actor=request.user, item=item, evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Evidence noted for your supervisor.")
    return redirect(checklist)


@login_required
@require_POST
def checklist_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    checklist = access.get_checklist_to_sign(request.user, pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_complete(
                actor=request.user, checklist=checklist, **form.cleaned_data
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "The scheme is complete.")
            return redirect(checklist)
    context = _checklist_context(request, checklist) | {"complete_form": form}
    return render(request, "training/checklist.html", context, status=400)


# Goals ------------------------------------------------------------------------------


@login_required
def goals(request: AuthedRequest) -> HttpResponse:
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(person=request.user, **form.values())
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Goal set: progress counts your outputs.")
            return redirect("training:goals")
    progress = [(p, selectors.describe_goal(p.goal)) for p in selectors.goals_of(request.user)]
    context = {"form": form, "progress": progress}
    return render(request, "training/goals.html", context, status=page_status(form))


@login_required
def goal_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, pk)
    form = GoalForm(request.POST or None, instance=goal)
    conflict = None
    if request.method == "POST" and form.is_valid():
        outcome = form_save(
            form,
            lambda: services.goal_update(
                actor=request.user, goal=goal, version=form.cleaned_data["version"], **form.values()
            ),
        )
        if outcome.saved:
            messages.success(request, "Goal saved.")
            return redirect("training:goals")
        conflict = outcome.conflict
    context = {"form": form, "goal": goal, "conflict": conflict}
    return render(request, "training/goal_form.html", context, status=page_status(form, conflict))


@login_required
@require_POST
def goal_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, pk)
    services.goal_delete(actor=request.user, goal=goal)
    messages.success(request, "Goal removed.")
    return redirect("training:goals")


# CV ---------------------------------------------------------------------------------


@login_required
def cv(request: AuthedRequest, fmt: str) -> HttpResponse:
    """My CV as DOCX or PDF, built from my outputs and records, cited in ?style=
    (vancouver, ama, apa or harvard; Vancouver when left out or unknown)."""
    data = cv_for(request.user, style=request.GET.get("style", ""))
    name = slugify(f"cv {data.name}") or "cv"
    if fmt == "docx":
        response = HttpResponse(cv_docx(data), content_type=DOCX)
    elif fmt == "pdf":
        response = HttpResponse(cv_pdf(data), content_type="application/pdf")
    else:
        raise Http404("The CV comes as DOCX or PDF.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
