"""Exports and imports of a study's records: asking, following, retrying, downloading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from capture import access
from capture import exports as capture_exports
from capture import imports as capture_imports
from capture.access import Can
from capture.forms import (
    ImportForm,
)
from capture.forms_imports import ExportForm, ImportConfirmForm
from capture.models import DataImport, Export, Study
from core.files import serve_file
from core.forms import copy_errors
from core.htmx import render_page
from core.ratelimit import ratelimit
from core.types import AuthedRequest
from network import access as network_access


@login_required
@ratelimit("export")
def exports(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for an export and follow the progress of one's own; only they can download."""
    found = _export_study(request, pk)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            capture_exports.export_request(actor=request.user, study=found, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Export queued: it appears below when it is ready.")
            return redirect("capture:exports", pk=found.pk)
    return _exports_page(request, found, form)


@login_required
@require_POST
@ratelimit("export")
def export_retry(request: AuthedRequest, pk: int, export: int) -> HttpResponse:
    """Queue one's own failed export again (anyone else's is a 404)."""
    found = _export_study(request, pk)
    try:
        capture_exports.export_retry(actor=request.user, study=found, pk=export)
    except ValidationError as error:
        problem = " ".join(error.messages)
        return _exports_page(request, found, ExportForm(), problem=problem, status=409)
    messages.success(request, "Export queued again: it appears below when it is ready.")
    return redirect("capture:exports", pk=found.pk)


def _export_study(request: AuthedRequest, pk: int) -> Study:
    found = access.get_study(request.user, pk)
    if not (
        access.can(request.user, found, Can.EXPORT)
        or access.can(request.user, found, Can.EXPORT_DEIDENTIFIED)
    ):
        raise PermissionDenied("Your role in this study does not allow exports.")
    access.require(request.user, found, Can.SEE_STUDY)
    network_access.require_two_factor(request.user)
    return found


def _exports_page(
    request: AuthedRequest,
    found: Study,
    form: ExportForm,
    *,
    problem: str = "",
    status: int | None = None,
) -> HttpResponse:
    mine = capture_exports.exports_of(request.user, found)[:20]
    context = {
        "study": found,
        "form": form,
        "exports": mine,
        "running": any(e.state in (Export.State.QUEUED, Export.State.RUNNING) for e in mine),
        "identifiable": access.can(request.user, found, Can.EXPORT),
        "problem": problem,
    }
    status = status or (400 if form.errors else 200)
    return render_page(request, "capture/exports.html", context, fragment="exports", status=status)


@login_required
def export_download(request: AuthedRequest, pk: int, export: int) -> HttpResponseBase:
    found = capture_exports.export_for_download(request.user, export)
    if found.study_id != pk:
        raise Http404("No such export.")
    return serve_file(found.file.name, filename=found.file.name.rsplit("/", 1)[-1])


@login_required
@ratelimit("import")
def import_records(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload → preview with every problem by row and field → import in the background."""
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.ENTER)
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, found)
    form = ImportForm(request.POST or None, request.FILES or None)
    check = upload = None
    if request.method == "POST" and form.is_valid():
        try:
            upload, check = capture_imports.import_upload(
                actor=request.user,
                study=found,
                name=str(getattr(request.FILES.get("file"), "name", "records.csv")),
                text=form.cleaned_data["file"],
            )
        except PermissionDenied as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            # The file store could not keep the upload (core.files.save_to_field).
            copy_errors(form, error)
    status = 400 if form.errors or (check is not None and not check.ok) else 200
    return _import_page(request, found, form, check=check, upload=upload, status=status)


def _import_confirm(request: AuthedRequest, found: Study) -> HttpResponse:
    confirm = ImportConfirmForm(request.POST)
    if not confirm.is_valid():
        problem = " ".join(str(message) for message in confirm.errors["confirm"])
        return _import_page(request, found, ImportForm(), problem=problem, status=400)
    try:
        capture_imports.import_start(
            actor=request.user, study=found, pk=confirm.cleaned_data["confirm"]
        )
    except ValidationError as error:
        problem = " ".join(error.messages)
        return _import_page(request, found, ImportForm(), problem=problem, status=409)
    messages.success(request, "Import started: progress is shown below.")
    return redirect("capture:import", pk=found.pk)


@login_required
@require_POST
@ratelimit("import")
def import_retry(request: AuthedRequest, pk: int, upload: int) -> HttpResponse:
    """Queue one's own failed import again (anyone else's is a 404)."""
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.ENTER)
    try:
        capture_imports.import_retry(actor=request.user, study=found, pk=upload)
    except ValidationError as error:
        problem = " ".join(error.messages)
        return _import_page(request, found, ImportForm(), problem=problem, status=409)
    messages.success(request, "Import queued again: progress is shown below.")
    return redirect("capture:import", pk=found.pk)


def _import_page(
    request: AuthedRequest,
    found: Study,
    form: ImportForm,
    *,
    check: capture_imports.ImportCheck | None = None,
    upload: DataImport | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    mine = capture_imports.imports_of(request.user, found)[:10]
    context = {
        "study": found,
        "form": form,
        "check": check,
        "upload": upload,
        "imports": mine,
        "running": any(i.state in capture_imports.UNDER_WAY for i in mine),
        "problem": problem,
    }
    return render_page(request, "capture/import.html", context, fragment="imports", status=status)
