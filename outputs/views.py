from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.conflicts import form_save, page_status
from core.forms import copy_errors
from core.htmx import render_page
from core.ratelimit import ratelimit
from core.types import AuthedRequest
from outputs import citations, imports, lookup, services
from outputs.access import (
    get_draft_for_user,
    get_output_awaiting,
    get_output_for_user,
    may_edit,
    own_outputs,
    require_member,
)
from outputs.forms import ExportForm, FilterForm, IdentifierForm, ImportForm, OutputForm
from outputs.models import OutputImport
from outputs.selectors import filtered


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """My outputs, filtered by kind, status and theme; htmx swaps only the list."""
    form = FilterForm(request.GET)
    form.is_valid()  # every filter is optional; an unknown value is simply ignored
    outputs = filtered(own_outputs(request.user), form.cleaned_data)
    context = {
        "form": form,
        "outputs": outputs,
        "person": request.user,
        "mine": True,
        "export": ExportForm(initial={"style": citations.DEFAULT_STYLE, "format": "pdf"}),
        "styles": citations.STYLE_CHOICES,
    }
    return render_page(request, "outputs/list.html", context, fragment="results")


EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
}


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    """My outputs (filtered as on my list) cited in a style as DOCX or PDF, or as BibTeX
    or RIS that a reference manager, or this site, reads back."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(
                f"{field}: {' '.join(str(e) for e in errors)}"
                for field, errors in form.errors.items()
            ),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    outputs = list(filtered(own_outputs(request.user), data).order_by("-date", "title"))
    fmt = data["format"]
    if fmt == "bib":
        body: bytes | str = citations.export_bibtex(outputs)
    elif fmt == "ris":
        body = citations.export_ris(outputs)
    else:
        cited = citations.cite(outputs, style=data["style"], person=request.user)
        title = f"Outputs of {request.user.get_full_name() or request.user}"
        render = citations.list_docx if fmt == "docx" else citations.list_pdf
        body = render(title, cited)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="outputs.{fmt}"'
    return response


@login_required
def person(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Another person's outputs, for members of the network."""
    require_member(request.user)
    found = get_object_or_404(get_user_model().objects.filter(is_active=True), pk=person_id)
    form = FilterForm(request.GET)
    form.is_valid()
    outputs = filtered(own_outputs(found), form.cleaned_data)
    context = {"form": form, "outputs": outputs, "person": found, "mine": found == request.user}
    return render_page(request, "outputs/list.html", context, fragment="results")


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    output = get_output_for_user(request.user, pk)
    context = {"output": output, "can_edit": may_edit(request.user, output)}
    return render(request, "outputs/detail.html", context)


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    form = OutputForm(request.POST or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            output = services.output_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Added “{output.title}”.")
            return redirect(output)
    context = {"form": form, "title": "Add an output"}
    return render(request, "outputs/form.html", context, status=400 if form.errors else 200)


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    output = get_output_for_user(request.user, pk, write=True)
    form = OutputForm(
        request.POST or None, initial=OutputForm.initial_from(output), person=request.user
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        outcome = form_save(
            form,
            lambda: services.output_update(
                actor=request.user,
                output=output,
                version=form.cleaned_data["version"],
                **form.service_values(),
            ),
        )
        if outcome.saved:
            messages.success(request, "Output saved.")
            return redirect(output)
        conflict = outcome.conflict
    context = {"form": form, "title": f"Edit “{output.title}”", "conflict": conflict}
    return render(request, "outputs/form.html", context, status=page_status(form, conflict))


@login_required
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    output = get_output_for_user(request.user, pk, write=True)
    if request.method == "POST":
        services.output_delete(actor=request.user, output=output)
        messages.success(request, f"Deleted “{output.title}”.")
        return redirect("outputs:mine")
    return render(request, "outputs/delete.html", {"output": output})


@login_required
@require_POST
def authorship_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The person named confirms they are an author; only they may (404 for anyone else)."""
    output = services.authorship_confirm(
        actor=request.user, output=get_output_awaiting(request.user, pk)
    )
    messages.success(request, f"Confirmed: “{output.title}” now counts among your outputs.")
    return redirect("confirm_links")


@login_required
@require_POST
def authorship_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    """The person named is not this author: the link goes, their name stays as text."""
    output = services.authorship_decline(
        actor=request.user, output=get_output_awaiting(request.user, pk)
    )
    messages.success(request, f"Declined: “{output.title}” is not linked to you.")
    return redirect("confirm_links")


@login_required
@ratelimit("import")
def import_start(request: AuthedRequest) -> HttpResponse:
    """Upload or paste a file; the preview shows what committing would do."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = imports.import_draft_create(
            person=request.user, text=data["content"], fmt=data["format"], filename=data["filename"]
        )
        return redirect("outputs:import_preview", pk=draft.pk)
    return _import_page(request, form, IdentifierForm())


def _import_page(request: AuthedRequest, form: ImportForm, id_form: IdentifierForm) -> HttpResponse:
    status = 400 if form.errors or id_form.errors else 200
    history = OutputImport.objects.filter(person=request.user, state=OutputImport.State.COMMITTED)[
        :10
    ]
    context = {"form": form, "id_form": id_form, "history": history}
    return render(request, "outputs/import.html", context, status=status)


@login_required
@ratelimit("import")
def import_identifiers(request: AuthedRequest) -> HttpResponse:
    """Look DOIs, PMIDs or ORCID iDs up in the background; the preview page shows progress."""
    id_form = IdentifierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and id_form.is_valid():
        job = lookup.lookup_create(person=request.user, text=id_form.cleaned_data["identifiers"])
        return redirect("outputs:import_preview", pk=job.pk)
    return _import_page(request, ImportForm(), id_form)


@login_required
def import_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request.user, pk)
    if draft.state == OutputImport.State.COMMITTED:
        messages.info(request, "This import was already committed.")
        return redirect("outputs:mine")
    if request.headers.get("HX-Request") and draft.state != OutputImport.State.FETCHING:
        # The look-up the page was polling has ended: show its outcome as a whole page.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if draft.state in (OutputImport.State.FETCHING, OutputImport.State.FAILED):
        draft = lookup.fail_stale(draft)
        status = 200 if draft.state == OutputImport.State.FETCHING else 422
        return render_page(
            request, "outputs/lookup.html", {"draft": draft}, fragment="lookup", status=status
        )
    preview = imports.import_preview(person=request.user, text=draft.text, fmt=draft.format)
    status = 422 if preview.problems else 200
    return render(
        request, "outputs/preview.html", {"draft": draft, "preview": preview}, status=status
    )


@login_required
@require_POST
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request.user, pk)
    if draft.state == OutputImport.State.COMMITTED:
        messages.info(request, "This import was already committed.")
        return redirect("outputs:mine")
    if draft.state in (OutputImport.State.FETCHING, OutputImport.State.FAILED):
        messages.error(request, "The look-up has not given anything to import yet.")
        return redirect("outputs:import_preview", pk=draft.pk)
    chosen = {int(value) for value in request.POST.getlist("entry") if value.isdigit()}
    try:
        result = imports.import_commit(
            actor=request.user,
            person=request.user,
            text=draft.text,
            fmt=draft.format,
            draft=draft,
            chosen=chosen,
        )
    except ValidationError as error:
        for message in error.messages[:20]:
            messages.error(request, message)
        return redirect("outputs:import_preview", pk=draft.pk)
    messages.success(
        request,
        f"Imported: {result.created} new, {result.merged} merged into existing outputs, "
        f"{result.refused} refused, {result.skipped} left out.",
    )
    return redirect("outputs:mine")
