"""The records list, a new record, locking and signing, data queries and the study's
audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from capture import access, longitudinal, services
from capture.access import Can
from capture.forms import (
    MessageForm,
    QueryForm,
    ReasonForm,
)
from capture.models import DataQuery, Entry
from capture.status import entry_url
from capture.views.common import page_of, refused
from core.types import AuthedRequest


@login_required
def records(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    rows = access.records_for(request.user, found).select_related("study_site")
    text = request.GET.get("q", "").strip()
    if text:
        rows = rows.filter(label__icontains=text)
    context = {
        "study": found,
        "records": page_of(request, rows),
        "q": text,
        "sites": access.site_choices(request.user, found),
        "first_instrument": services.current_dictionary(found).instruments[0],
        "longitudinal": longitudinal.is_longitudinal(found),
    }
    return render(request, "capture/records.html", context)


@login_required
@require_POST
def record_create(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    choices = {str(s.pk): s for s in access.site_choices(request.user, found)}
    study_site = choices.get(request.POST.get("study_site", ""))
    if study_site is None:
        raise PermissionDenied("Choose one of your sites for the record.")
    access.require(request.user, found, Can.ENTER, study_site)
    try:
        record = services.record_create(actor=request.user, study=found, study_site=study_site)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("capture:records", pk=found.pk)
    if longitudinal.is_longitudinal(found):
        return redirect("capture:record", pk=found.pk, record=record.pk)
    first = services.current_dictionary(found).instruments[0]
    return redirect("capture:entry", pk=found.pk, record=record.pk, instrument=first)


@login_required
@require_POST
def record_lock(request: AuthedRequest, pk: int, record: int, action: str) -> HttpResponse:
    found = access.get_study(request.user, pk)
    the_record = access.get_record(request.user, found, record, Can.LOCK)
    try:
        if action == "lock":
            password = request.POST.get("password") or None
            services.record_lock(actor=request.user, record=the_record, password=password)
            messages.success(
                request, f"{the_record.label} is locked{' and signed' if password else ''}."
            )
        elif action == "unlock":
            form = ReasonForm(request.POST)
            services.record_unlock(
                actor=request.user,
                record=the_record,
                reason=form.data.get("reason", ""),
            )
            messages.success(request, f"{the_record.label} is unlocked; its signature is void.")
        else:
            raise ValidationError(f"Unknown action {action!r}.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    if longitudinal.is_longitudinal(found):
        return redirect("capture:record", pk=found.pk, record=the_record.pk)
    first = services.current_dictionary(found).instruments[0]
    return redirect("capture:entry", pk=found.pk, record=the_record.pk, instrument=first)


def _entry_page(entry_: Entry) -> str:
    event = entry_.event.unique_name if entry_.event is not None else ""
    study_id = entry_.record.study_id
    return entry_url(study_id, entry_.record_id, entry_.instrument, event, entry_.instance)


@login_required
@require_POST
def query_raise(request: AuthedRequest, pk: int, entry: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    the_entry = access.get_entry(request.user, found, entry, Can.RAISE_QUERY)
    form = QueryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.query_raise(
            actor=request.user,
            entry=the_entry,
            field_name=form.cleaned_data["field"],
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Query raised; the site sees it in its queue.")
    return redirect(_entry_page(the_entry))


QUERY_MOVES = {
    "answer": (Can.ANSWER_QUERY, services.query_answer),
    "close": (Can.RAISE_QUERY, services.query_close),
    "reopen": (Can.RAISE_QUERY, services.query_reopen),
}


@login_required
@require_POST
def query_move(request: AuthedRequest, pk: int, query: int, action: str) -> HttpResponse:
    found = access.get_study(request.user, pk)
    if action not in QUERY_MOVES:
        return refused(
            request, 404, f"A query can be answered, closed or reopened, not “{action}”."
        )
    needed, move = QUERY_MOVES[action]
    the_query = access.get_query(request.user, found, query, needed)
    form = MessageForm(request.POST)
    form.is_valid()
    try:
        move(actor=request.user, query=the_query, text=form.cleaned_data.get("text", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_entry_page(the_query.entry))


@login_required
def queries(request: AuthedRequest, pk: int) -> HttpResponse:
    """The per-site queue of data queries the person may see."""
    found = access.get_study(request.user, pk)
    state = request.GET.get("state", DataQuery.State.OPEN)
    rows = access.queries_for(request.user, found).select_related(
        "entry__record__study_site", "raised_by"
    )
    if state in DataQuery.State.values:
        rows = rows.filter(state=state)
    rows = rows.order_by("-created_at", "-pk")
    context = {
        "study": found,
        "queries": page_of(request, rows),
        "state": state,
        "states": DataQuery.State.choices,
    }
    return render(request, "capture/queries.html", context)


@login_required
def audit_log(request: AuthedRequest, pk: int) -> HttpResponse:
    """The study's audit trail: all of it for the study admin, own sites for a site lead."""
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.SEE_AUDIT)
    rows = AuditEvent.objects.filter(scope=services.audit_scope(found))
    allowed = access.sites(request.user, found, Can.SEE_AUDIT)
    if allowed is not access.EVERY_SITE:
        site_ids = found.study_sites.filter(pk__in=allowed).values("site_id")
        rows = rows.filter(site_id__in=site_ids)
    for key in ("action", "actor_label", "object_label"):
        if request.GET.get(key):
            rows = rows.filter(**{f"{key}__icontains": request.GET[key]})
    context = {
        "study": found,
        "events": page_of(request, rows.order_by("-at", "-id")),
        "filters": request.GET,
    }
    return render(request, "capture/audit.html", context)
