"""Closing a study and, when its retention period ends, deleting its data.

`study_close` ends data collection (status closed) and starts the retention period.
`purge_expired_studies` (the command of the same name, run daily by cron or a task
scheduler) deletes, for each closed study whose period has ended, its records (with
their entries, queries and history), exports and imports (with their files) and the
data snapshots of its analyses, and writes one audit row in the study's trail with what
went. The study itself stays — its title, dictionary, sites and author list — marked
purged, so that outputs and credit that cite it keep their reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture import access
from capture.access import Can
from capture.models import Study
from capture.services import audit_scope

if TYPE_CHECKING:
    from accounts.models import User


def retention_days(study: Study) -> int:
    if study.retention_days is not None:
        return int(study.retention_days)
    return int(settings.RADCOLLAB_STUDY_RETENTION_DAYS)


def purge_due(study: Study) -> dt.datetime | None:
    """When the study's data will be deleted (None while it is open)."""
    if study.closed_at is None:
        return None
    return study.closed_at + dt.timedelta(days=retention_days(study))


@transaction.atomic
def study_close(*, actor: User, study: Study) -> Study:
    """Live → closed: no more entries, and the retention period starts."""
    access.require(actor, study, Can.MANAGE)
    if study.status != Study.Status.LIVE:
        raise ValidationError({"status": "Only a live study can be closed."})
    study.status = Study.Status.CLOSED
    study.closed_at = timezone.now()
    study.save(update_fields=["status", "closed_at", "updated_at"])
    due = purge_due(study)
    assert due is not None
    audit_record(
        actor=actor,
        action="study.close",
        obj=study,
        changes={"status": ("live", "closed"), "data_deleted_on": (None, due.date().isoformat())},
        scope=audit_scope(study),
    )
    return study


@dataclass(frozen=True)
class Purged:
    study: Study
    records: int
    exports: int
    imports: int
    analyses: int


def expired_studies(now: dt.datetime | None = None) -> list[Study]:
    now = now or timezone.now()
    closed = Study.objects.filter(
        status=Study.Status.CLOSED, closed_at__isnull=False, purged_at__isnull=True
    )
    return [study for study in closed if (due := purge_due(study)) is not None and due <= now]


@transaction.atomic
def study_purge(*, study: Study, now: dt.datetime | None = None) -> Purged:
    """Delete the study's data (see the module's docstring), with its audit row."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.purged_at is not None:
        raise ValidationError({"study": "This study's data was already deleted."})
    files = [e.file for e in study.exports.all() if e.file]
    files += [i.file for i in study.imports.all() if i.file]
    purged = Purged(
        study=study,
        records=study.records.count(),
        exports=study.exports.count(),
        imports=study.imports.count(),
        analyses=study.analysis_runs.count(),
    )
    study.analysis_runs.all().delete()
    study.exports.all().delete()
    study.imports.all().delete()
    study.records.all().delete()
    study.purged_at = now or timezone.now()
    study.save(update_fields=["purged_at", "updated_at"])
    audit_record(
        actor=None,
        action="study.purge",
        obj=study,
        changes={
            "records": (purged.records, 0),
            "exports": (purged.exports, 0),
            "imports": (purged.imports, 0),
            "analyses": (purged.analyses, 0),
        },
        reason=f"Retention period of {retention_days(study)} days after closing ended",
        scope=audit_scope(study),
    )
    # Files go once the deletion is committed: a rollback must not leave rows without files.
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])
    return purged


def purge_expired_studies(now: dt.datetime | None = None) -> list[Purged]:
    """Purge every closed study whose retention period has ended by `now`."""
    return [study_purge(study=study, now=now) for study in expired_studies(now)]
