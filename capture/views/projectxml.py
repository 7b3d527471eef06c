"""The study's REDCap project XML: upload → preview → import, and the export back.

The uploaded file waits between its preview and its import in the storage, named by its
SHA-256, and only the person who previewed it (their session names it) may import it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from capture import access, projectxml
from capture.access import Can
from capture.forms_imports import ProjectXmlConfirmForm, ProjectXmlForm
from capture.models import Study
from core.files import UNAVAILABLE, StorageUnavailable, save_file, storage_errors
from core.types import AuthedRequest

SESSION_KEY = "capture_projectxml"


def _path(study: Study, digest: str) -> str:
    return f"imports/projectxml/{study.pk}-{digest}.xml"


@login_required
def project_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload a project XML and see what importing it does; confirm to import it."""
    study = access.get_study(request.user, pk)
    access.require(request.user, study, Can.MANAGE)
    if request.method == "POST" and "digest" in request.POST:
        return _confirm(request, study)
    posted = request.method == "POST"
    form = ProjectXmlForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        data = form.cleaned_data["file"]
        records = not form.cleaned_data["without_records"]
        result = projectxml.project_preview(
            actor=request.user, study=study, data=data, records=records
        )
        if result.ok:
            path = _path(study, result.digest)
            errors: tuple[type[BaseException], ...] = (StorageUnavailable, *storage_errors())
            try:
                if not default_storage.exists(path):
                    save_file(path, ContentFile(data))
            except errors:
                form.add_error("file", UNAVAILABLE)
                return _page(request, study, form, result=None, status=503)
            waiting = request.session.get(SESSION_KEY, {})
            previous = waiting.get(str(study.pk))
            if previous and previous != result.digest:
                # Only the latest preview may be imported: the earlier file goes.
                default_storage.delete(_path(study, previous))
            waiting[str(study.pk)] = result.digest
            request.session[SESSION_KEY] = waiting
    status = 400 if form.errors or (result is not None and not result.ok) else 200
    without = bool(form.is_bound and form.is_valid() and form.cleaned_data["without_records"])
    return _page(request, study, form, result=result, status=status, without_records=without)


def _confirm(request: AuthedRequest, study: Study) -> HttpResponse:
    confirm = ProjectXmlConfirmForm(request.POST)
    waiting = request.session.get(SESSION_KEY, {})
    digest = confirm.cleaned_data["digest"] if confirm.is_valid() else ""
    path = _path(study, digest)
    if not digest or waiting.get(str(study.pk)) != digest or not default_storage.exists(path):
        problem = "That file is not waiting for import: upload it again to preview it."
        return _page(request, study, ProjectXmlForm(), problem=problem, status=409)
    with default_storage.open(path, "rb") as handle:
        data = handle.read()
    try:
        result = projectxml.project_import(
            actor=request.user,
            study=study,
            data=data,
            digest=digest,
            records=not confirm.cleaned_data["without_records"],
        )
    except projectxml.ProjectImportRefused as refused:
        return _page(request, study, ProjectXmlForm(), result=refused.result, status=409)
    default_storage.delete(path)
    waiting.pop(str(study.pk), None)
    request.session[SESSION_KEY] = waiting
    records = result.check.records if result.check else 0
    messages.success(
        request,
        f"The REDCap project is imported{f' with {records} records' if records else ''}.",
    )
    return redirect("capture:study", pk=study.pk)


def _page(
    request: AuthedRequest,
    study: Study,
    form: ProjectXmlForm,
    *,
    result: projectxml.ProjectImport | None = None,
    problem: str = "",
    status: int = 200,
    without_records: bool = False,
) -> HttpResponse:
    context = {
        "study": study,
        "form": form,
        "result": result,
        "problem": problem,
        "without_records": without_records,
    }
    return render(request, "capture/project_import.html", context, status=status)


@login_required
@require_GET
def project_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The study as a REDCap project XML, with the records the person may export."""
    study = access.get_study(request.user, pk)
    with_records = access.can(request.user, study, Can.EXPORT)
    if not with_records:
        access.require(request.user, study, Can.MANAGE)
    else:
        access.require(request.user, study, Can.EXPORT)
    text = projectxml.project_export(actor=request.user, study=study, records=with_records)
    response = HttpResponse(text.encode("utf-8"), content_type="application/xml; charset=utf-8")
    name = slugify(study.title) or f"study-{study.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.REDCap.xml"'
    return response
