"""The study API: dictionaries, records and entries, and the audit trail, under the study's roles.

Same access rules as the pages (capture.access): a record outside one's sites is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Router, Schema, Status

from audit.models import AuditEvent
from capture import access, services
from capture.access import Can
from capture.models import Entry, Study
from core.exceptions import EditConflict
from core.types import AuthedRequest

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
    status: int
    version: int
    data: dict[str, Any]


class EntryIn(Schema):
    values: dict[str, Any]
    version: int | None = None
    status: int = 0
    confirmed: bool = False
    reason: str = ""


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object: str
    site: str
    changes: dict[str, Any]
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
def dictionary(request: AuthedRequest, study_id: int) -> HttpResponse:
    """The current data dictionary as REDCap's CSV."""
    study = _study(request, study_id, Can.SEE_STUDY)
    version = study.versions.order_by("-number").first()
    response = HttpResponse(version.csv if version else "", content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="study-{study.pk}-dictionary.csv"'
    return response


@router.get("/{study_id}/records", response=list[RecordOut])
def records(request: AuthedRequest, study_id: int) -> list[RecordOut]:
    study = _study(request, study_id, Can.SEE_RECORDS)
    rows = access.records_for(request.user, study).select_related("study_site")[:5000]
    return [
        RecordOut(id=r.pk, label=r.label, site=r.study_site.code, locked=r.locked, signed=r.signed)
        for r in rows
    ]


@router.get("/{study_id}/records/{record_id}/{instrument}", response=EntryOut)
def entry(request: AuthedRequest, study_id: int, record_id: int, instrument: str) -> EntryOut:
    study = _study(request, study_id, Can.SEE_RECORDS)
    record = access.get_record(request.user, study, record_id)
    found = Entry.objects.filter(record=record, instrument=instrument, instance=1).first()
    if found is None:
        return EntryOut(
            record=record.label, instrument=instrument, instance=1, status=0, version=0, data={}
        )
    return _entry_out(found)


@router.put(
    "/{study_id}/records/{record_id}/{instrument}",
    response={200: EntryOut, 409: dict[str, Any], 422: dict[str, Any]},
)
def save(
    request: AuthedRequest, study_id: int, record_id: int, instrument: str, payload: EntryIn
) -> Any:
    """Save one form: errors 422 per field, warnings 422 unless confirmed, stale 409."""
    study = _study(request, study_id, Can.SEE_RECORDS)
    record = access.get_record(request.user, study, record_id, Can.ENTER)
    try:
        result = services.entry_save(
            actor=request.user,
            record=record,
            instrument=instrument,
            values=payload.values,
            version=payload.version,
            status=payload.status,
            confirmed=payload.confirmed,
            reason=payload.reason,
        )
    except services.NeedsConfirmation as warning:
        return Status(
            422, {"detail": "Confirm values outside their range.", "warnings": warning.warnings}
        )
    except EditConflict as clash:
        return Status(
            409, {"detail": str(clash), "current": clash.current, "version": clash.version}
        )
    return Status(200, _entry_out(result.entry))


@router.get("/{study_id}/audit", response=list[EventOut])
def audit(
    request: AuthedRequest,
    study_id: int,
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
        for e in rows.order_by("-at")[:1000]
    ]


def _study(request: AuthedRequest, study_id: int, action: Can) -> Study:
    study = access.get_study(request.user, study_id)
    access.require(request.user, study, action)
    return study


def _entry_out(found: Entry) -> EntryOut:
    return EntryOut(
        record=found.record.label,
        instrument=found.instrument,
        instance=found.instance,
        status=found.status,
        version=found.version,
        data=found.data,
    )
