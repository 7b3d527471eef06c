"""The study API: dictionaries, records and entries, exports and the audit trail, under the
study's roles.

Same access rules as the pages (capture.access): a record outside one's sites is a 404.
Only the study admin changes the dictionary: in design without data a PUT replaces it; in
a study with data it becomes the proposed version, whose impact the answer shows, and
`POST .../dictionary/proposal` with `confirm` (and the renames and mappings) applies it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import IntEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, P, Query, QueryEx, Router, Schema, Status
from pydantic import JsonValue

from audit.models import AuditEvent
from capture import access, services, versions
from capture import exports as capture_exports
from capture.access import Can
from capture.models import DictionaryVersion, Entry, Event, Export, Study
from core import ratelimit
from core.conflicts import CONFLICT
from core.exceptions import EditConflict
from core.files import serve_file
from core.types import AuthedRequest
from network import access as network_access

router = Router()


class StudyOut(Schema):
    id: int
    title: str
    status: str
    instruments: list[str]
    sites: list[str]


class RecordOut(Schema):
    id: int
    label: str
    site: str
    locked: bool
    signed: bool


class EntryOut(Schema):
    record: str
    instrument: str
    instance: int
    event: str = ""  # a longitudinal study's unique event name; "" in a classic study
    status: int
    version: int
    data: dict[str, JsonValue]
    archived: dict[str, JsonValue] = {}  # values set aside by dictionary versions, by archive key


class FormStatus(IntEnum):
    """A form's status as REDCap codes it: 0 Incomplete, 1 Unverified, 2 Complete."""

    INCOMPLETE = Entry.Status.INCOMPLETE
    UNVERIFIED = Entry.Status.UNVERIFIED
    COMPLETE = Entry.Status.COMPLETE


# The largest instance, version or offset taken: PostgreSQL's integer column.
LARGEST = 2_147_483_647


class EntryIn(Schema):
    values: dict[str, JsonValue]
    version: int | None = Field(None, ge=0, le=LARGEST)
    status: FormStatus = Field(
        FormStatus.INCOMPLETE, description="0 Incomplete, 1 Unverified, 2 Complete."
    )
    confirmed: bool = False
    reason: str = ""


MOST_RECORDS = 5000
MOST_EVENTS = 1000


class RecordsPage(Schema):
    """Which records to list: `limit` of them from `offset`; X-Total-Count gives the total."""

    limit: int = Field(MOST_RECORDS, ge=1, le=MOST_RECORDS)
    offset: int = Field(0, ge=0, le=LARGEST)


class EventsPage(Schema):
    """Which audit events to list, newest first; X-Total-Count gives the total."""

    limit: int = Field(MOST_EVENTS, ge=1, le=MOST_EVENTS)
    offset: int = Field(0, ge=0, le=LARGEST)


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object: str
    site: str
    changes: dict[str, JsonValue]
    reason: str


@router.get("", response=list[StudyOut])
def studies(request: AuthedRequest) -> list[StudyOut]:
    found = []
    for study in access.studies_visible_to(request.user).prefetch_related("study_sites"):
        found.append(
            StudyOut(
                id=study.pk,
                title=study.title,
                status=study.status,
                instruments=services.current_dictionary(study).instruments,
                sites=[s.code for s in study.study_sites.all()],
            )
        )
    return found


@router.get("/{study_id}/dictionary")
def dictionary(request: AuthedRequest, study_id: int, proposed: bool = False) -> HttpResponse:
    """The data dictionary in use as REDCap's CSV; `proposed=true`: the proposal (admin)."""
    study = _study(request, study_id, Can.MANAGE if proposed else Can.SEE_STUDY)
    version = versions.proposal_of(study) if proposed else versions.applied_version(study)
    if version is None:
        raise Http404("There is no proposed version.")
    response = HttpResponse(version.csv, content_type="text/csv")
    suffix = f"-v{version.number}-proposed" if proposed else ""
    response["Content-Disposition"] = (
        f'attachment; filename="study-{study.pk}-dictionary{suffix}.csv"'
    )
    return response


class DictionaryOut(Schema):
    applied: bool
    version: int
    digest: str
    issues: list[str] = []
    impact: Mapping[str, object] | None = None  # versions.Impact.as_dict(), as it is
    refusals: list[str] = []


class ProposalIn(Schema):
    digest: str
    renames: dict[str, str] = {}
    mappings: dict[str, dict[str, str]] = {}
    archive_invalid: bool = False
    confirm: bool = False


@router.put("/{study_id}/dictionary", response={200: DictionaryOut, 202: DictionaryOut})
def dictionary_write(
    request: AuthedRequest, study_id: int, note: str = ""
) -> Status[DictionaryOut]:
    """Write the dictionary: a REDCap CSV body (or JSON `{"csv": ..., "note": ...}`).

    200 when a study in design without data has its draft replaced; 202 with the impact
    preview when the study holds data: nothing changes until the proposal is confirmed.
    """
    study = _study(request, study_id, Can.MANAGE)
    text, note = _dictionary_body(request, note)
    version, issues = versions.dictionary_change(
        actor=request.user, study=study, csv_text=text, note=note
    )
    found = [f"line {i.line}, {i.column}: {i.message}" for i in issues]
    if version.state == DictionaryVersion.State.APPLIED:
        out = DictionaryOut(
            applied=True, version=version.number, digest=versions.digest(text), issues=found
        )
        return Status(200, out)
    return Status(202, _proposal_out(study, version, issues=found))


def _dictionary_body(request: AuthedRequest, note: str) -> tuple[str, str]:
    try:
        body = request.body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            {"dictionary": f"The body is not UTF-8 text (byte {error.start})."}
        ) from error
    if request.content_type == "application/json":
        try:
            payload = json.loads(body or "{}")
        except json.JSONDecodeError as error:
            raise ValidationError({"dictionary": f"The body is not JSON: {error}"}) from error
        if not isinstance(payload, dict) or not isinstance(payload.get("csv"), str):
            raise ValidationError({"csv": 'Send the dictionary as text/csv, or JSON {"csv": ...}.'})
        return payload["csv"], str(payload.get("note", note))
    return body, note


def _proposal_out(
    study: Study,
    version: DictionaryVersion,
    *,
    issues: list[str] | None = None,
    archive: bool = False,
) -> DictionaryOut:
    found = versions.impact(study, version)
    return DictionaryOut(
        applied=False,
        version=version.number,
        digest=versions.digest(version.csv),
        issues=issues or [],
        impact=found.as_dict(),
        refusals=found.refusals(archive_invalid=archive),
    )


@router.get("/{study_id}/dictionary/proposal", response=DictionaryOut)
def proposal(request: AuthedRequest, study_id: int) -> DictionaryOut:
    """The proposed version's impact on the existing data, and what still stops applying it."""
    study = _study(request, study_id, Can.MANAGE)
    return _proposal_out(study, _the_proposal(study))


@router.post(
    "/{study_id}/dictionary/proposal",
    response={200: DictionaryOut, **CONFLICT},
)
def proposal_confirm(
    request: AuthedRequest, study_id: int, payload: ProposalIn
) -> Status[DictionaryOut]:
    """State renames and mappings; with `confirm` apply the proposal (422 names what is missing)."""
    study = _study(request, study_id, Can.MANAGE)
    version = _the_proposal(study)
    if payload.digest != versions.digest(version.csv):
        raise EditConflict(
            "The proposal changed since; read it again.",
            current={"digest": versions.digest(version.csv)},
            version=version.number,
        )
    versions.proposal_plan(
        actor=request.user, version=version, renames=payload.renames, mappings=payload.mappings
    )
    if not payload.confirm:
        return Status(200, _proposal_out(study, version, archive=payload.archive_invalid))
    found = versions.version_apply(
        actor=request.user,
        version=version,
        expected=payload.digest,
        archive_invalid=payload.archive_invalid,
    )
    out = DictionaryOut(
        applied=True, version=version.number, digest=payload.digest, impact=found.as_dict()
    )
    return Status(200, out)


@router.delete("/{study_id}/dictionary/proposal", response={204: None})
def proposal_discard(request: AuthedRequest, study_id: int) -> Status[None]:
    study = _study(request, study_id, Can.MANAGE)
    versions.proposal_discard(actor=request.user, version=_the_proposal(study))
    return Status(204, None)


def _the_proposal(study: Study) -> DictionaryVersion:
    version = versions.proposal_of(study)
    if version is None:
        raise Http404("There is no proposed version.")
    return version


@router.get("/{study_id}/records", response=list[RecordOut])
def records(
    request: AuthedRequest, response: HttpResponse, study_id: int, page: Query[RecordsPage]
) -> list[RecordOut]:
    """The records one may see, by site and number: `limit` (at most 5,000) from `offset`.

    The `X-Total-Count` header gives how many there are in all.
    """
    study = _study(request, study_id, Can.SEE_RECORDS)
    rows = access.records_for(request.user, study).select_related("study_site")
    response["X-Total-Count"] = str(rows.count())
    return [
        RecordOut(id=r.pk, label=r.label, site=r.study_site.code, locked=r.locked, signed=r.signed)
        for r in rows[page.offset : page.offset + page.limit]
    ]


@router.get("/{study_id}/records/{record_id}/{instrument}", response=EntryOut)
def entry(
    request: AuthedRequest,
    study_id: int,
    record_id: int,
    instrument: str,
    instance: QueryEx[int, P(ge=1, le=LARGEST)] = 1,
    event: QueryEx[str, P(max_length=100)] = "",
) -> EntryOut:
    """One form of a record; `instance` picks an instance of a repeating instrument and
    `event` (a unique event name, needed in a longitudinal study) the visit."""
    study = _study(request, study_id, Can.SEE_RECORDS)
    record = access.get_record(request.user, study, record_id)
    the_event = _event(study, instrument, event)
    if the_event is None and (problem := services.event_problem(study, None, instrument)):
        raise Http404(problem)
    if services.instance_problem(study, record, instrument, instance, the_event):
        raise Http404("No such instance.")
    found = Entry.objects.filter(
        record=record, event=the_event, instrument=instrument, instance=instance
    ).first()
    if found is None:
        return EntryOut(
            record=record.label,
            instrument=instrument,
            instance=instance,
            event=event,
            status=0,
            version=0,
            data={},
        )
    return _entry_out(found)


@router.put(
    "/{study_id}/records/{record_id}/{instrument}",
    response={200: EntryOut, **CONFLICT, 422: dict[str, JsonValue]},
)
def save(
    request: AuthedRequest,
    study_id: int,
    record_id: int,
    instrument: str,
    payload: EntryIn,
    instance: QueryEx[int, P(ge=1, le=LARGEST)] = 1,
    event: QueryEx[str, P(max_length=100)] = "",
) -> Status[EntryOut] | Status[dict[str, object]]:
    """Save one form: errors 422 per field, warnings 422 unless confirmed, stale 409.

    `instance` saves an instance of a repeating instrument: a saved one, or the next;
    `event` names the visit in a longitudinal study.
    """
    study = _study(request, study_id, Can.SEE_RECORDS)
    record = access.get_record(request.user, study, record_id, Can.ENTER)
    the_event = _event(study, instrument, event)
    try:
        result = services.entry_save(
            actor=request.user,
            record=record,
            instrument=instrument,
            event=the_event,
            instance=instance,
            values=payload.values,
            version=payload.version,
            status=int(payload.status),
            confirmed=payload.confirmed,
            reason=payload.reason,
        )
    except services.NeedsConfirmation as warning:
        body: dict[str, object] = {
            "detail": "Confirm values outside their range.",
            "warnings": warning.warnings,
        }
        return Status(422, body)
    return Status(200, _entry_out(result.entry))


@router.get("/{study_id}/audit", response=list[EventOut])
def audit(
    request: AuthedRequest,
    response: HttpResponse,
    study_id: int,
    page: Query[EventsPage],
    action: str = "",
    person: str = "",
    record: str = "",
    since: dt.datetime | None = None,
) -> list[EventOut]:
    study = _study(request, study_id, Can.SEE_AUDIT)
    rows = AuditEvent.objects.filter(scope=services.audit_scope(study))
    allowed = access.sites(request.user, study, Can.SEE_AUDIT)
    if allowed is not access.EVERY_SITE:
        rows = rows.filter(site_id__in=study.study_sites.filter(pk__in=allowed).values("site_id"))
    if action:
        rows = rows.filter(action__startswith=action)
    if person:
        rows = rows.filter(actor_label__icontains=person)
    if record:
        rows = rows.filter(object_label__startswith=record)
    if since:
        rows = rows.filter(at__gte=since)
    response["X-Total-Count"] = str(rows.count())
    return [
        EventOut(
            at=e.at,
            actor=e.actor_label,
            action=e.action,
            object=e.object_label,
            site=e.site_label,
            changes=e.changes,
            reason=e.reason,
        )
        for e in rows.order_by("-at", "-id")[page.offset : page.offset + page.limit]
    ]


def _study(request: AuthedRequest, study_id: int, action: Can) -> Study:
    study = access.get_study(request.user, study_id)
    access.require(request.user, study, action)
    return study


def _event(study: Study, instrument: str, name: str) -> Event | None:
    """The event a request names: 404 for one the study lacks; none in a classic study."""
    if not name:
        return None
    found = (
        Event.objects.filter(study=study, unique_name=name).prefetch_related("designations").first()
    )
    if found is None:
        raise Http404("No such event.")
    problem = services.event_problem(study, found, instrument)
    if problem:
        raise Http404(problem)
    return found


def _entry_out(found: Entry) -> EntryOut:
    keys = versions.archive_keys(found.record.study)
    return EntryOut(
        record=found.record.label,
        instrument=found.instrument,
        instance=found.instance,
        event=found.event.unique_name if found.event is not None else "",
        status=found.status,
        version=found.version,
        data={k: v for k, v in found.data.items() if k not in keys},
        archived={k: v for k, v in found.data.items() if k in keys},
    )


# --- Exports ----------------------------------------------------------------------------


class ExportIn(Schema):
    format: str
    labels: bool = False
    deidentify: bool = False
    checkboxes: str = "wide"
    repeats: str = "long"
    archived: bool = False
    # CSV cells that a spreadsheet would run as formulas get a ' unless raw is asked for.
    raw: bool = False


class ExportOut(Schema):
    id: int
    format: str
    state: str
    options: dict[str, JsonValue]
    done: int
    total: int | None
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download: str | None


@router.post("/{study_id}/exports", response={202: ExportOut, 429: dict[str, JsonValue]})
def export_start(request: AuthedRequest, study_id: int, payload: ExportIn) -> Status[ExportOut]:
    """Start an export in the background; poll its `id`, then download it when `done`."""
    ratelimit.hit("export", ratelimit.client_key(request))
    study = _export_study(request, study_id)
    export = capture_exports.export_request(actor=request.user, study=study, **payload.dict())
    return Status(202, _export_out(export))


@router.get("/{study_id}/exports", response=list[ExportOut])
def export_list(request: AuthedRequest, study_id: int) -> list[ExportOut]:
    """The person's own exports of the study, newest first (nobody sees another's)."""
    study = _export_study(request, study_id)
    mine = capture_exports.exports_of(request.user, study)[:50]
    return [_export_out(e) for e in mine]


@router.get("/{study_id}/exports/{export_id}", response=ExportOut)
def export_status(request: AuthedRequest, study_id: int, export_id: int) -> ExportOut:
    study = _export_study(request, study_id)
    return _export_out(_own_export(request, study, export_id))


@router.get("/{study_id}/exports/{export_id}/file", response={409: dict[str, JsonValue]})
def export_file(
    request: AuthedRequest, study_id: int, export_id: int
) -> Status[dict[str, str]] | HttpResponseBase:
    """The file of one's own finished export (409 while it is still being made)."""
    study = _export_study(request, study_id)
    export = _own_export(request, study, export_id)
    if export.state != Export.State.DONE:
        return Status(
            409,
            {
                "detail": f"The export is {export.get_state_display().lower()}.",
                "state": export.state,
            },
        )
    ready = capture_exports.export_for_download(request.user, export.pk)
    return serve_file(ready.file.name, filename=ready.file.name.rsplit("/", 1)[-1])


def _export_study(request: AuthedRequest, study_id: int) -> Study:
    study = access.get_study(request.user, study_id)
    if not (
        access.can(request.user, study, Can.EXPORT)
        or access.can(request.user, study, Can.EXPORT_DEIDENTIFIED)
    ):
        raise PermissionDenied("Your role in this study does not allow exports.")
    network_access.require_two_factor(request.user)
    return study


def _own_export(request: AuthedRequest, study: Study, export_id: int) -> Export:
    export = capture_exports.exports_of(request.user, study).filter(pk=export_id).first()
    if export is None:
        raise Http404("No such export.")
    return export


def _export_out(export: Export) -> ExportOut:
    done = export.state == Export.State.DONE
    return ExportOut(
        id=export.pk,
        format=export.format,
        state=export.state,
        options=export.options,
        done=export.done,
        total=export.total,
        error=export.error,
        created_at=export.created_at,
        finished_at=export.finished_at,
        download=f"/api/v1/studies/{export.study_id}/exports/{export.pk}/file" if done else None,
    )
