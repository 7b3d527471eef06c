"""The study admin's dictionary pages: the form builder, a new version's upload, preview, apply.

Only the study admin (`Can.MANAGE`) reaches them; the rules live in `capture.builder`
and `capture.versions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from capture import access, builder, versions
from capture.access import Can
from capture.forms_dictionary import (
    DictionaryUploadForm,
    FieldForm,
    PlanForm,
    field_initial,
    renames_text,
)
from capture.models import DictionaryVersion, Study
from core.conflicts import conflict_notice, conflict_text, page_status
from core.exceptions import EditConflict
from core.forms import copy_errors
from core.htmx import render_page
from core.ratelimit import ratelimit
from core.types import AuthedRequest
from formats.datadictionary import Field, read_data_dictionary

# What to do after a dictionary changed meanwhile (the conflict carries no values to merge).
EDIT_AGAIN = "Open the field again from the data dictionary page and make your change there."
PREVIEW_AGAIN = "The preview below is drawn again: check it, then apply."


def _study(request: AuthedRequest, pk: int) -> Study:
    study = access.get_study(request.user, pk)
    access.require(request.user, study, Can.MANAGE)
    return study


def _working(study: Study) -> tuple[str, list[tuple[str, list[Field]]]]:
    """The dictionary the builder edits (the proposal, else the draft) by instrument."""
    text = versions.proposal_csv(study)
    forms: dict[str, list[Field]] = {}
    for f in read_data_dictionary(text).dictionary.fields:
        forms.setdefault(f.form, []).append(f)
    return text, list(forms.items())


def _context(study: Study, **extra: object) -> dict[str, object]:
    text, instruments = _working(study)
    return {
        "study": study,
        "instruments": instruments,
        "first_field": instruments[0][1][0].name,
        "base": versions.digest(text),
        "proposal": versions.proposal_of(study),
        "versioned": versions.needs_versioning(study),
        "history": study.versions.filter(state=DictionaryVersion.State.APPLIED).select_related(
            "applied_by"
        ),
        **extra,
    }


@login_required
def dictionary(request: AuthedRequest, pk: int) -> HttpResponse:
    """The form builder's overview: instruments and fields, upload, versions."""
    study = _study(request, pk)
    context = _context(study, upload_form=DictionaryUploadForm())
    return render_page(request, "capture/dictionary.html", context, fragment="fields")


@login_required
@require_POST
@ratelimit("import")
def dictionary_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    study = _study(request, pk)
    form = DictionaryUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version, issues = versions.dictionary_change(
                actor=request.user,
                study=study,
                csv_text=form.cleaned_data["dictionary"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            for issue in issues:
                messages.warning(
                    request, f"Not imported: line {issue.line}, {issue.column}: {issue.message}"
                )
            if version.state == DictionaryVersion.State.PROPOSED:
                messages.info(request, f"Version {version.number} is proposed: check its impact.")
                return redirect("capture:dictionary_proposal", pk=study.pk)
            messages.success(request, "The draft dictionary is replaced.")
            return redirect("capture:dictionary", pk=study.pk)
    context = _context(study, upload_form=form)
    return render(request, "capture/dictionary.html", context, status=400)


@login_required
def dictionary_field(request: AuthedRequest, pk: int, name: str | None = None) -> HttpResponse:
    """Add a field (or an instrument, by naming a new one), or edit one."""
    study = _study(request, pk)
    text, instruments = _working(study)
    existing = {f.name: f for _, fields in instruments for f in fields}
    if name is not None and name not in existing:
        raise Http404("No such field.")
    initial = field_initial(existing[name]) if name else {"form": request.GET.get("form", "")}
    form = FieldForm(request.POST or None, initial={**initial, "base": versions.digest(text)})
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        edit = builder.field_save(name, values, shown=initial if name else None)
        try:
            version = builder.dictionary_edit(
                actor=request.user, study=study, edit=edit, base=values["base"]
            )
        except ValidationError as error:
            copy_errors(form, error)
        except EditConflict as clash:
            conflict = conflict_notice(clash, next_step=EDIT_AGAIN)
        else:
            followed = f" (rules rewritten to follow it: {', '.join(edit.followed)})"
            saved = f"{values['name']} saved" + (followed if edit.followed else "")
            _saved_message(request, version, saved)
            return redirect("capture:dictionary", pk=study.pk)
    context = {
        "study": study,
        "form": form,
        "name": name,
        "instrument_names": [form_name for form_name, _ in instruments],
        "versioned": versions.needs_versioning(study),
        "conflict": conflict,
    }
    status = page_status(form, conflict)
    return render(request, "capture/dictionary_field.html", context, status=status)


FIELD_ACTIONS = {
    "up": lambda name: builder.field_move(name, -1),
    "down": lambda name: builder.field_move(name, 1),
    "remove": builder.field_remove,
}


@login_required
@require_POST
def dictionary_field_action(
    request: AuthedRequest, pk: int, name: str, action: str
) -> HttpResponse:
    """Move a field up or down in its instrument, or remove it; htmx redraws the list."""
    study = _study(request, pk)
    if action not in FIELD_ACTIONS:
        raise Http404("No such action.")
    try:
        version = builder.dictionary_edit(
            actor=request.user,
            study=study,
            edit=FIELD_ACTIONS[action](name),
            base=request.POST.get("base", ""),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except EditConflict as clash:
        messages.error(request, conflict_text(clash))
    else:
        _saved_message(request, version, f"{name}: {action}")
    if getattr(request, "htmx", False):
        # The fragment shows the messages itself: the page's own place is not redrawn.
        context = _context(study, upload_form=DictionaryUploadForm(), htmx_messages=True)
        return render(request, "capture/dictionary.html#fields", context)
    return redirect("capture:dictionary", pk=study.pk)


def _saved_message(request: AuthedRequest, version: DictionaryVersion, what: str) -> None:
    if version.state == DictionaryVersion.State.PROPOSED:
        messages.info(
            request,
            f"{what} in proposed version {version.number}; the study still uses version "
            f"{version.number - 1} until you preview and apply it.",
        )
    else:
        messages.success(request, f"{what}.")


@login_required
def dictionary_proposal(request: AuthedRequest, pk: int) -> HttpResponse:
    """The impact of the proposed version, the admin's renames and mappings, and apply."""
    study = _study(request, pk)
    proposal = versions.proposal_of(study)
    if proposal is None:
        messages.info(request, "There is no proposed version: change the dictionary first.")
        return redirect("capture:dictionary", pk=study.pk)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "discard":
        versions.proposal_discard(actor=request.user, version=proposal)
        messages.success(request, f"Proposed version {proposal.number} is discarded.")
        return redirect("capture:dictionary", pk=study.pk)
    status = 200
    conflict = None
    found = versions.impact(study, proposal)
    form = _plan_form(request, proposal, found)
    if request.method == "POST" and form.is_valid():
        versions.proposal_plan(
            actor=request.user,
            version=proposal,
            renames=form.cleaned_data["renames"],
            mappings=form.mappings(),
        )
        found = versions.impact(study, proposal)
        if action == "apply":
            try:
                versions.version_apply(
                    actor=request.user,
                    version=proposal,
                    expected=form.cleaned_data["expected"],
                    archive_invalid=form.cleaned_data["archive_invalid"],
                )
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
                status = 400
            except EditConflict as clash:
                conflict = conflict_notice(clash, next_step=PREVIEW_AGAIN)
                status = 409
            else:
                messages.success(request, f"Version {proposal.number} is applied.")
                return redirect("capture:dictionary", pk=study.pk)
        form = _plan_form(
            request, proposal, found, bound=False, archive=form.cleaned_data["archive_invalid"]
        )
    elif request.method == "POST":
        status = 400
    context = {
        "study": study,
        "proposal": proposal,
        "impact": found,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "capture/dictionary_proposal.html", context, status=status)


def _plan_form(
    request: AuthedRequest,
    proposal: DictionaryVersion,
    found: versions.Impact,
    bound: bool = True,
    archive: bool = False,
) -> PlanForm:
    initial = {
        "renames": renames_text(proposal.renames),
        "expected": versions.digest(proposal.csv),
        "archive_invalid": archive,
    }
    data = request.POST if request.method == "POST" and bound else None
    return PlanForm(data, impact=found, mappings=proposal.mappings, initial=initial)
