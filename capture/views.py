"""Capture pages: thin views over capture.access (who, where) and capture.services (rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.models import AuditEvent
from capture import access, completeness, longitudinal, retention, services
from capture import exports as capture_exports
from capture import imports as capture_imports
from capture.access import Can
from capture.actiontags import opening_values
from capture.entry_form import Matrix, Render, entry_blocks, posted_values
from capture.entry_html import field_html, matrix_html
from capture.forms import (
    EntryMetaForm,
    GoLiveForm,
    ImportForm,
    InstanceForm,
    LockForm,
    MessageForm,
    QueryForm,
    ReasonForm,
    RoleGrantForm,
    SiteAddForm,
    StudyCreateForm,
    StudySettingsForm,
)
from capture.forms_imports import ExportForm, ImportConfirmForm
from capture.logic import Context
from capture.models import DataImport, DataQuery, Entry, Event, Export, Record, Study
from capture.status import entry_url, record_url
from core.conflicts import ConflictNotice, conflict_notice
from core.exceptions import EditConflict
from core.extensions import provided
from core.files import serve_file
from core.forms import copy_errors
from core.htmx import render_page
from core.ratelimit import ratelimit
from core.types import AuthedRequest
from network import access as network_access


@login_required
def studies(request: AuthedRequest) -> HttpResponse:
    context = {
        "studies": access.studies_visible_to(request.user),
        "may_create": access.may_create_study(request.user),
    }
    return render(request, "capture/studies.html", context)


@login_required
def study_create(request: AuthedRequest) -> HttpResponse:
    if not access.may_create_study(request.user):
        raise PermissionDenied("Only the committee and administrators create studies.")
    network_access.require(request.user, network_access.Action.CREATE_STUDY)
    form = StudyCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            study, issues = services.study_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                protocol_summary=form.cleaned_data["protocol_summary"],
                dictionary_csv=form.cleaned_data["dictionary"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"{study} is in design with its data dictionary.")
            for issue in issues:
                messages.warning(
                    request, f"Not imported: line {issue.line}, {issue.column}: {issue.message}"
                )
            # Sites and roles come next, on the study admin's page.
            return redirect("capture:study_admin", pk=study.pk)
    status = 400 if form.errors else 200
    return render(request, "capture/study_create.html", {"form": form}, status=status)


@login_required
def study(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.SEE_STUDY)
    manage = access.can(request.user, found, Can.MANAGE)
    may_analyse = provided("may_analyse_study")
    context = {
        "study": found,
        "dictionary": services.current_dictionary(found),
        "completeness": completeness.site_rows(request.user, found),
        "manage": manage,
        "may_see_records": access.can(request.user, found, Can.SEE_RECORDS),
        "may_see_audit": access.can(request.user, found, Can.SEE_AUDIT),
        "may_enter": access.can(request.user, found, Can.ENTER),
        "may_export": access.can(request.user, found, Can.EXPORT)
        or access.can(request.user, found, Can.EXPORT_DEIDENTIFIED),
        "may_analyse": may_analyse is not None and may_analyse(request.user, found),
        "may_export_project": manage or access.can(request.user, found, Can.EXPORT),
    }
    return render(request, "capture/study.html", context)


@login_required
def study_admin(request: AuthedRequest, pk: int) -> HttpResponse:
    """The study admin's page: sites, roles, settings, going live.

    Apart from the study page so that the page everyone opens does not draw the
    admin's forms (choices of every network site and study site) on each visit.
    """
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.MANAGE)
    context = {
        "study": found,
        "roles": found.roles.filter(ended_at__isnull=True).select_related("person", "study_site"),
        "site_form": SiteAddForm(),
        "role_form": RoleGrantForm(study=found),
        "settings_form": StudySettingsForm(
            instance=found, instruments=services.current_dictionary(found).instruments
        ),
        "unapplied": services.current_dictionary(found).issues,
        "live_form": GoLiveForm(),
        "retention_days": retention.retention_days(found),
        "purge_due": retention.purge_due(found),
    }
    return render(request, "capture/study_admin.html", context)


@login_required
@require_POST
def study_manage(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    found = access.get_study(request.user, pk)
    access.require(request.user, found, Can.MANAGE)
    try:
        if action == "site":
            site_form = SiteAddForm(request.POST)
            if not site_form.is_valid():
                raise ValidationError(site_form.errors.as_text())
            services.study_add_site(actor=request.user, study=found, **site_form.cleaned_data)
        elif action == "role":
            role_form = RoleGrantForm(request.POST, study=found)
            if not role_form.is_valid():
                raise ValidationError(role_form.errors.as_text())
            person = User.objects.filter(
                email__iexact=role_form.cleaned_data["email"], is_active=True
            ).first()
            if person is None:
                raise ValidationError("Nobody with that email has a RadCollab account.")
            services.study_grant_role(
                actor=request.user,
                study=found,
                person=person,
                role=role_form.cleaned_data["role"],
                study_site=role_form.cleaned_data["study_site"],
            )
        elif action == "settings":
            settings_form = StudySettingsForm(
                request.POST,
                instance=Study.objects.get(pk=found.pk),
                instruments=services.current_dictionary(found).instruments,
            )
            if not settings_form.is_valid():
                raise ValidationError(settings_form.errors.as_text())
            services.study_update_settings(
                actor=request.user,
                study=found,
                repeating_instruments=settings_form.cleaned_data["repeating_instruments"],
                **{name: settings_form.cleaned_data[name] for name in services.SETTINGS},
            )
        elif action == "live":
            live_form = GoLiveForm(request.POST)
            live_form.is_valid()
            services.study_go_live(
                actor=request.user,
                study=found,
                acknowledged=bool(live_form.cleaned_data.get("acknowledged")),
            )
        elif action == "close":
            retention.study_close(actor=request.user, study=found)
        else:
            raise ValidationError(f"Unknown action {action!r}.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Saved.")
    return redirect("capture:study_admin", pk=found.pk)


# Rows per page of the records, queries and audit lists.
PAGE_SIZE = 100


def _page(request: AuthedRequest, rows: Any) -> Page[Any]:
    """`?page=n` of `rows` (the first for a page that is not a number, the last past the end)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def records(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_study(request.user, pk)
    rows = access.records_for(request.user, found).select_related("study_site")
    text = request.GET.get("q", "").strip()
    if text:
        rows = rows.filter(label__icontains=text)
    context = {
        "study": found,
        "records": _page(request, rows),
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


@dataclass
class EntryPage:
    """What the entry form shows: the values (saved, or as the person typed them), the
    problems found on saving, and the form's own boxes (status, reason, confirmation)."""

    meta: EntryMetaForm
    labels: dict[str, str]  # the instrument's fields, by name
    values: dict[str, Any]
    version: int | None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    conflict: ConflictNotice | None = None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.labels)

    @property
    def status(self) -> int:
        problems = self.errors or self.warnings or self.conflict or self.meta.errors
        return 400 if problems else 200


def _event(study: Study, name: str) -> Event | None:
    """The event an entry URL names (None in a classic study); 404 for one the study lacks."""
    if not name:
        return None
    event = (
        Event.objects.filter(study=study, unique_name=name).prefetch_related("designations").first()
    )
    if event is None:
        raise Http404("No such event.")
    return event


@dataclass(frozen=True)
class EntryAddress:
    """Which form an entry address names: the dictionary in force, the instrument and
    its fields, the visit (longitudinal studies) and the instance."""

    dictionary: services.Dictionary
    instrument: str
    fields: list[Any]
    event: Event | None
    instance: int

    @property
    def form(self) -> tuple[str, Event | None]:
        return self.instrument, self.event


@login_required
def entry(
    request: AuthedRequest, pk: int, record: int, instrument: str, event: str = ""
) -> HttpResponse:
    found = access.get_study(request.user, pk)
    the_record = access.get_record(request.user, found, record)
    at = _entry_address(request, found, the_record, instrument, event)
    if isinstance(at, HttpResponse):
        return at
    saved = Entry.objects.filter(
        record=the_record, event=at.event, instrument=instrument, instance=at.instance
    ).first()
    page = EntryPage(
        meta=EntryMetaForm(initial={"status": saved.status if saved else 0}),
        labels={f.name: f.plain_label or f.name for f in at.fields},
        values=dict(saved.data) if saved else {},
        version=saved.version if saved else None,
    )
    if request.method == "POST" and _entry_post(request, the_record, at, page):
        which = f" #{at.instance}" if at.instance > 1 else ""
        where = f" at {at.event.label}" if at.event else ""
        messages.success(request, f"{the_record.label} {instrument}{which}{where} saved.")
        return redirect(entry_url(found.pk, the_record.pk, instrument, event, at.instance))
    context = _entry_context(request, the_record, at, saved, page)
    return render(request, "capture/entry.html", context, status=page.status)


def _entry_address(
    request: AuthedRequest, study: Study, record: Record, instrument: str, event: str
) -> EntryAddress | HttpResponse:
    """The form an entry address names, or the page that says why there is none (a
    classic address in a longitudinal study goes to the record's grid)."""
    dictionary = services.current_dictionary(study)
    fields = dictionary.fields_of(instrument)
    if not fields:
        return refused(request, 404, f"This study has no form called “{instrument}”.")
    the_event = _event(study, event)
    if the_event is None and longitudinal.is_longitudinal(study):
        # A classic entry address in a longitudinal study: choose the event on the grid.
        return redirect("capture:record", pk=study.pk, record=record.pk)
    problem = services.event_problem(study, the_event, instrument)
    if problem:
        return refused(request, 404, problem)
    picked = InstanceForm({"instance": request.POST.get("instance") or request.GET.get("instance")})
    if not picked.is_valid():
        return refused(request, 400, " ".join(str(e) for e in picked.errors["instance"]))
    instance = picked.number()
    if services.instance_problem(study, record, instrument, instance, the_event):
        raise Http404("No such instance.")
    return EntryAddress(dictionary, instrument, fields, the_event, instance)


def _entry_post(request: AuthedRequest, record: Record, at: EntryAddress, page: EntryPage) -> bool:
    """Save the posted form; True when saved, else `page` says why not."""
    access.require(request.user, record.study, Can.ENTER, record.study_site)
    page.meta = EntryMetaForm(request.POST)
    # The record id is shown, not typed: RadCollab gives it.
    typed = posted_values(
        request.POST, [f for f in at.fields if f.name != at.dictionary.record_id_field]
    )
    page.values.update(typed)
    return page.meta.is_valid() and _entry_save(request, record, at.form, at.instance, typed, page)


def _version_seen(request: AuthedRequest, version: int | None) -> int | None:
    """The version the form was opened at. A page drawn before the entry existed posts an
    empty version: it saw version 0, so a save that finds an entry made meanwhile is a
    conflict, never an overwrite. A post with no version field at all checks nothing."""
    if version is None and "version" in request.POST:
        return 0
    return version


def _entry_save(
    request: AuthedRequest,
    record: Record,
    form: tuple[str, Event | None],
    instance: int,
    typed: dict[str, Any],
    page: EntryPage,
) -> bool:
    """Save what the person typed; on a refusal fill `page` with why and return False."""
    meta = page.meta.cleaned_data
    instrument, event = form
    try:
        result = services.entry_save(
            actor=request.user,
            record=record,
            instrument=instrument,
            event=event,
            instance=instance,
            values=typed,
            version=_version_seen(request, meta["version"]),
            status=meta["status"],
            confirmed=meta["confirmed"],
            reason=meta["reason"],
        )
    except ValidationError as error:
        page.errors = _field_errors(error, page.meta, page.names)
        return False
    except services.NeedsConfirmation as warning:
        page.warnings = warning.warnings
        return False
    except EditConflict as clash:
        page.conflict, page.version = _entry_conflict(clash, typed, page.labels), clash.version
        return False
    for name in result.cleared:
        messages.info(request, f"{name} was hidden by branching logic and is cleared.")
    return True


def _entry_conflict(
    clash: EditConflict, typed: dict[str, Any], labels: dict[str, str]
) -> ConflictNotice:
    """The notice of an entry saved meanwhile: its values that differ from what was typed."""
    differing = {k: v for k, v in clash.current.items() if k in labels and typed.get(k) != v}
    return conflict_notice(
        EditConflict(str(clash), current=differing, version=clash.version),
        yours=typed,
        labels=labels,
        heading="Someone saved this form since you opened it",
        next_step="Your values are still in the form. Keep what you want, then save again "
        "to replace their version.",
    )


def _field_errors(
    error: ValidationError, meta: EntryMetaForm, names: frozenset[str]
) -> dict[str, str]:
    """A service's errors: those of the dictionary's fields by name, the rest on `meta`."""
    found: dict[str, str] = {}
    if not hasattr(error, "error_dict"):
        meta.add_error(None, error.messages)
        return found
    for name, problems in error.message_dict.items():
        if name in meta.fields:
            meta.add_error(name, problems)
        elif name in names:
            found[name] = " ".join(problems)
        else:
            meta.add_error(None, problems)
    return found


def _entry_context(
    request: AuthedRequest,
    record: Record,
    at: EntryAddress,
    saved: Entry | None,
    page: EntryPage,
) -> dict[str, Any]:
    study, dictionary = record.study, at.dictionary
    context = services.logic_context(
        record=record,
        instrument=at.instrument,
        instance=at.instance,
        actor=request.user,
        now=timezone.now(),
        event=at.event,
    )
    # The record's other forms, which this form's branching, calculations and piping read.
    others = services.record_values(record, except_instrument=at.instrument, event=at.event)
    drawn, blocks, render = _entry_form_html(request, record, at, saved, page, others, context)
    return {
        "study": study,
        "record": record,
        "instrument": at.instrument,
        "event": at.event,
        "form_links": _form_links(study, record, dictionary.instruments, at.instrument, at.event),
        "record_url": record_url(study.pk, record.pk),
        "instance": at.instance,
        "instances": _instances(study, record, at.form, at.instance),
        # Sanitised labels (capture.labels) and values escaped by capture.entry_html.
        "form_html": mark_safe(drawn),  # noqa: S308 (drawn by entry_html from escaped values and nh3-cleaned labels) # nosec B308 B703
        "fields": [row for block in blocks for row in getattr(block, "rows", [block])],
        "record_id_field": dictionary.record_id_field,
        "logic": {
            f.name: dictionary.logic[f.name].to_json()
            for f in at.fields
            if dictionary.logic[f.name].branching or dictionary.logic[f.name].calc
        },
        "pipes": render.piped.trees,
        "record_values": others,
        **_logic_page_context(context),
        "entry": saved,
        "version": page.version,
        "meta": page.meta,
        "conflict": page.conflict,
        "warnings": page.warnings,
        "errors": page.errors,
        **_entry_permissions(request, record),
        "queries": (
            DataQuery.objects.filter(entry=saved).prefetch_related("messages__author")
            if saved
            else DataQuery.objects.none()
        ),
        "lock_form": LockForm(),
    }


def _entry_form_html(
    request: AuthedRequest,
    record: Record,
    at: EntryAddress,
    saved: Entry | None,
    page: EntryPage,
    others: dict[str, Any],
    context: Context,
) -> tuple[str, list[Any], Render]:
    """The form's fields drawn with their values (a new form's opening values), errors and
    warnings: the HTML, its blocks and the pipes' render."""
    dictionary = at.dictionary
    values = page.values
    if request.method != "POST":
        values = opening_values(
            at.fields, values, new=saved is None, pipes=dictionary.pipes, context=context
        )
    # Piping reads the values as saved (calculations hold what the last save computed);
    # logic.js recomputes them, and the pipes with them, as soon as the page loads.
    render = Render(dictionary.pipes, {**others, **values}, context)
    blocks = entry_blocks(at.fields, values, render, page.errors, page.warnings)
    drawn = "".join(
        matrix_html(block)
        if isinstance(block, Matrix)
        else field_html(
            block, record_id_field=dictionary.record_id_field, record_label=record.label
        )
        for block in blocks
    )
    return drawn, blocks, render


def _logic_page_context(context: Context) -> dict[str, Any]:
    """What the browser's logic.js reads besides the values (as the server's evaluator)."""
    return {
        "logic_context": context,
        "events_json": dict(context.events),
        "instances_json": {
            name: {str(n): value for n, value in by_number.items()}
            for name, by_number in context.instances.items()
        },
        "today": context.today_text(),
        "now": context.now_text(),
    }


def _entry_permissions(request: AuthedRequest, record: Record) -> dict[str, bool]:
    study, site = record.study, record.study_site
    return {
        "may_enter": access.can(request.user, study, Can.ENTER, site) and not record.locked,
        "may_lock": access.can(request.user, study, Can.LOCK, site),
        "may_raise": access.can(request.user, study, Can.RAISE_QUERY, site),
        "may_answer": access.can(request.user, study, Can.ANSWER_QUERY, site),
    }


def refused(request: AuthedRequest, status: int, problem: str) -> HttpResponse:
    """The error page for `status`, saying what was wrong with the address or the form."""
    return render(request, f"{status}.html", {"problem": problem}, status=status)


def _form_links(
    study: Study, record: Record, instruments: list[str], current: str, event: Event | None
) -> list[tuple[str, str, bool]]:
    """The forms of the record at this event (every form in a classic study): name, url, shown."""
    if event is not None:
        named = {d.instrument for d in event.designations.all()}
        instruments = [i for i in instruments if i in named]
    name = event.unique_name if event is not None else ""
    return [(i, entry_url(study.pk, record.pk, i, name), i == current) for i in instruments]


def _instances(
    study: Study, record: Any, form: tuple[str, Event | None], current: int
) -> dict[str, Any] | None:
    """The instance tabs of a repeating instrument: the saved ones and the next one."""
    instrument, event = form
    if not services.repeats(study, event, instrument):
        return None
    saved = services.instance_numbers(record, instrument, event)
    following = (saved[-1] if saved else 0) + 1
    shown = sorted({*(saved or [1]), current})
    return {"numbers": shown, "next": following if following not in shown else None}


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
        "queries": _page(request, rows),
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
        "events": _page(request, rows.order_by("-at", "-id")),
        "filters": request.GET,
    }
    return render(request, "capture/audit.html", context)


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
