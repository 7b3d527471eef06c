"""The entry form of one instrument of a record (at an event, an instance): drawn with
its values, logic and piping, and saved through `services.entry_save`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from capture import access, longitudinal, services
from capture.access import Can
from capture.actiontags import opening_values
from capture.entry_form import EntryField, Matrix, Render, entry_blocks, posted_values
from capture.entry_html import field_html, matrix_html
from capture.forms import (
    EntryMetaForm,
    InstanceForm,
    LockForm,
)
from capture.logic import Context, Stored
from capture.models import DataQuery, Entry, Event, Record, Study
from capture.status import entry_url, record_url
from capture.views.common import refused
from core.conflicts import ConflictNotice, conflict_notice
from core.exceptions import EditConflict
from core.types import AuthedRequest
from formats.datadictionary import Field


@dataclass
class EntryPage:
    """What the entry form shows: the values (saved, or as the person typed them), the
    problems found on saving, and the form's own boxes (status, reason, confirmation)."""

    meta: EntryMetaForm
    labels: dict[str, str]  # the instrument's fields, by name
    values: dict[str, Stored]
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
    fields: list[Field]
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
    typed: Mapping[str, Stored],
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
    clash: EditConflict, typed: Mapping[str, Stored], labels: dict[str, str]
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
) -> dict[str, object]:
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
    others: dict[str, Stored],
    context: Context,
) -> tuple[str, list[EntryField | Matrix], Render]:
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


def _logic_page_context(context: Context) -> dict[str, object]:
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


def _form_links(
    study: Study, record: Record, instruments: list[str], current: str, event: Event | None
) -> list[tuple[str, str, bool]]:
    """The forms of the record at this event (every form in a classic study): name, url, shown."""
    if event is not None:
        named = {d.instrument for d in event.designations.all()}
        instruments = [i for i in instruments if i in named]
    name = event.unique_name if event is not None else ""
    return [(i, entry_url(study.pk, record.pk, i, name), i == current) for i in instruments]


class InstanceTabs(TypedDict):
    """A repeating instrument's tabs: the instances shown, and the next one's number when
    it is not among them."""

    numbers: list[int]
    next: int | None


def _instances(
    study: Study, record: Record, form: tuple[str, Event | None], current: int
) -> InstanceTabs | None:
    """The instance tabs of a repeating instrument: the saved ones and the next one."""
    instrument, event = form
    if not services.repeats(study, event, instrument):
        return None
    saved = services.instance_numbers(record, instrument, event)
    following = (saved[-1] if saved else 0) + 1
    shown = sorted({*(saved or [1]), current})
    return {"numbers": shown, "next": following if following not in shown else None}
