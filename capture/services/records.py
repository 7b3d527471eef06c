"""Records: creating one at a site, locking and signing it, and the data queries raised
on its values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture import completeness
from capture.models import DataQuery, Entry, QueryMessage, Record, Study, StudySite
from capture.services.common import audit_scope
from capture.services.screening import screen_text

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def record_create(*, actor: User, study: Study, study_site: StudySite) -> Record:
    if study.status == Study.Status.CLOSED:
        raise ValidationError("The study is closed: no new records.")
    site = StudySite.objects.select_for_update().get(pk=study_site.pk)
    number = site.next_number
    # With REDCap's ids an import may already have used CODE-n at this site: skip it.
    if study.record_ids == Study.RecordIds.REDCAP:
        while Record.objects.filter(study_site=site, label=f"{site.code}-{number}").exists():
            number += 1
    StudySite.objects.filter(pk=site.pk).update(next_number=number + 1)
    record = Record.objects.create(
        study=study,
        study_site=site,
        number=number,
        label=f"{site.code}-{number}",
        created_by=actor,
    )
    completeness.adjust(site.pk, records=1)
    audit_record(
        actor=actor,
        action="record.create",
        obj=record,
        site=site.site,
        scope=audit_scope(study),
    )
    return record


# --- Locks and signatures -------------------------------------------------------------


@transaction.atomic
def record_lock(*, actor: User, record: Record, password: str | None = None) -> Record:
    """Lock a whole record; with the person's password re-entered the lock is also signed."""
    record = Record.objects.select_for_update().select_related("study_site__site").get(pk=record.pk)
    if record.locked:
        raise ValidationError(f"Record {record.label} is already locked.")
    signed = False
    if password is not None:
        if not check_password(password, actor.password):
            wrong = "That password is not right: nothing was locked."
            raise ValidationError({"password": wrong})
        signed = True
    record.locked, record.signed = True, signed
    record.locked_by, record.locked_at = actor, timezone.now()
    record.save(update_fields=["locked", "signed", "locked_by", "locked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="record.sign" if signed else "record.lock",
        obj=record,
        changes={"locked": (False, True), "signed": (False, signed)},
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
    return record


@transaction.atomic
def record_unlock(*, actor: User, record: Record, reason: str) -> Record:
    """Unlock a record: its signature is void, and the reason is required and audited."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is unlocked."})
    screen_text(reason=reason)
    record = Record.objects.select_for_update().select_related("study_site__site").get(pk=record.pk)
    if not record.locked:
        raise ValidationError(f"Record {record.label} is not locked.")
    was_signed = record.signed
    record.locked, record.signed, record.locked_by, record.locked_at = False, False, None, None
    record.save(update_fields=["locked", "signed", "locked_by", "locked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="record.unlock",
        obj=record,
        changes={"locked": (True, False), "signed": (was_signed, False)},
        reason=reason,
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
    return record


# --- Queries (data resolution) --------------------------------------------------------


@transaction.atomic
def query_raise(*, actor: User, entry: Entry, field_name: str, text: str) -> DataQuery:
    if not text.strip():
        raise ValidationError({"text": "Write what is in doubt about the value."})
    if field_name not in entry.data:
        raise ValidationError({"field": f"{entry.instrument} has no field {field_name!r}."})
    screen_text(text=text)
    query = DataQuery.objects.create(entry=entry, field=field_name, raised_by=actor)
    QueryMessage.objects.create(query=query, author=actor, text=text.strip())
    completeness.adjust(entry.record.study_site_id, open_queries=1)
    _audit_query(actor, query, "query.raise", (None, DataQuery.State.OPEN), text)
    return query


@transaction.atomic
def query_answer(*, actor: User, query: DataQuery, text: str) -> DataQuery:
    if not text.strip():
        raise ValidationError({"text": "Write the answer."})
    if query.state == DataQuery.State.CLOSED:
        raise ValidationError("The query is closed; reopen it first.")
    return _move(actor, query, DataQuery.State.ANSWERED, "query.answer", text)


@transaction.atomic
def query_close(*, actor: User, query: DataQuery, text: str = "") -> DataQuery:
    if query.state == DataQuery.State.CLOSED:
        raise ValidationError("The query is already closed.")
    return _move(actor, query, DataQuery.State.CLOSED, "query.close", text)


@transaction.atomic
def query_reopen(*, actor: User, query: DataQuery, text: str) -> DataQuery:
    if query.state != DataQuery.State.CLOSED:
        raise ValidationError("Only a closed query can be reopened.")
    if not text.strip():
        raise ValidationError({"text": "Say why the query is reopened."})
    return _move(actor, query, DataQuery.State.OPEN, "query.reopen", text)


def _move(actor: User, query: DataQuery, state: str, action: str, text: str) -> DataQuery:
    screen_text(text=text)
    old = query.state
    query.state = state
    query.save(update_fields=["state", "updated_at"])
    completeness.adjust(
        query.entry.record.study_site_id, open_queries=completeness.open_change(old, state)
    )
    if text.strip():
        QueryMessage.objects.create(query=query, author=actor, text=text.strip())
    _audit_query(actor, query, action, (old, state), text)
    return query


def _audit_query(
    actor: User, query: DataQuery, action: str, state: tuple[str | None, str], text: str
) -> None:
    record = query.entry.record
    audit_record(
        actor=actor,
        action=action,
        obj=query,
        changes={"state": state, "field": (None, query.field)},
        reason=text,
        site=record.study_site.site,
        scope=audit_scope(record.study),
    )
