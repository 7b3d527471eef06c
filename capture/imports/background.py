"""The background import: upload and preview, queue, retry, and one attempt at a time.

A kept file is committed by a task (`capture.tasks.run_import`), one attempt at a time
(`capture.jobs`): the records and the import's *done* state commit together, and only
while the attempt still owns the import.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import Http404

from capture import access, jobs
from capture.access import Can
from capture.imports.checks import ImportCheck, ImportRefused
from capture.imports.commit import import_commit
from capture.imports.preview import import_preview
from capture.models import DataImport, Study
from core.files import save_to_field
from core.logging_tools import log_failure

if TYPE_CHECKING:
    from accounts.models import User


# The name the import's log lines have always had (alerts and searches use it).
logger = logging.getLogger("capture.imports")
UNDER_WAY = frozenset({DataImport.State.QUEUED, DataImport.State.RUNNING})


def import_upload(
    *, actor: User, study: Study, name: str, text: str
) -> tuple[DataImport, ImportCheck]:
    """Keep an uploaded file for its commit and preview it; nothing of the study changes."""
    check = import_preview(actor=actor, study=study, text=text)
    upload = DataImport(study=study, requested_by=actor, records=check.records)
    content = ContentFile(text.encode("utf-8"))
    save_to_field(upload.file, name or "records.csv", content, field="file")
    upload.save()
    return upload, check


@transaction.atomic
def import_start(*, actor: User, study: Study, pk: int) -> DataImport:
    """Queue the commit of one's own previewed file, once; anyone else's is a 404."""
    upload = _own_upload(actor, study, pk)
    access.require(actor, study, Can.ENTER)
    if upload.state != DataImport.State.PREVIEWED:
        raise ValidationError(
            "This file is imported already, or being imported; upload it again to preview it."
        )
    DataImport.objects.filter(pk=upload.pk).update(state=DataImport.State.QUEUED)
    upload.state = DataImport.State.QUEUED
    attempt = upload.attempt
    transaction.on_commit(lambda: _enqueue(upload.pk, attempt))
    return upload


@transaction.atomic
def import_retry(*, actor: User, study: Study, pk: int) -> DataImport:
    """Queue a failed import again (its file is checked again as it is written)."""
    upload = _own_upload(actor, study, pk)
    access.require(actor, study, Can.ENTER)
    attempt = jobs.retry(upload, actor=actor)
    transaction.on_commit(lambda: _enqueue(upload.pk, attempt))
    return upload


def imports_of(actor: User, study: Study) -> QuerySet[DataImport]:
    """The person's own imports into the study, newest first; stalled ones marked failed."""
    mine = DataImport.objects.filter(study=study, requested_by=actor)
    jobs.fail_stale(mine)
    return mine


def _own_upload(actor: User, study: Study, pk: int) -> DataImport:
    found = DataImport.objects.select_for_update().filter(pk=pk, study=study, requested_by=actor)
    upload = found.first()
    if upload is None:
        raise Http404("No such import.")
    return upload


def _enqueue(upload_id: int, attempt: int) -> None:
    from capture.tasks import run_import

    run_import.enqueue(import_id=upload_id, attempt=attempt)


class _Superseded(Exception):
    """The attempt was marked failed or retried while it ran: roll its writes back."""


def import_run(upload_id: int, attempt: int | None = None) -> DataImport:
    """The task's work: commit one attempt at the file; never raises.

    The import and its `done` state commit together, and only while this attempt still
    owns the import; a refusal is recorded for the person, anything else also logged
    with its traceback.
    """
    upload = DataImport.objects.select_related("study", "requested_by").get(pk=upload_id)
    attempt = attempt or upload.attempt
    if not jobs.claim(DataImport, upload.pk, attempt):
        return upload
    # Recorded after the exception is gone, with whatever it held.
    failure = _attempt(upload, attempt)
    if failure is not None:
        try:
            jobs.fail(DataImport, upload.pk, attempt, failure)
        except DatabaseError:
            # Left running: it is marked failed when it stops reporting progress.
            logger.exception(
                "Import %s (attempt %s): its failure was not saved", upload.pk, attempt
            )
    upload.refresh_from_db()
    return upload


def _attempt(upload: DataImport, attempt: int) -> str | None:
    """Write the file's records; None, or what went wrong in words for the person."""
    progress = jobs.OutsideProgress(DataImport, upload.pk, attempt)
    try:
        with upload.file.open("rb") as handle:
            text = handle.read().decode("utf-8-sig")
        with transaction.atomic():
            check = import_commit(
                actor=upload.requested_by,
                study=upload.study,
                text=text,
                progress=lambda done: progress.beat(done=done),
            )
            finished = DataImport.objects.filter(
                pk=upload.pk, attempt=attempt, state=DataImport.State.RUNNING
            )
            if not finished.update(state=DataImport.State.DONE, done=check.records):
                raise _Superseded
    except _Superseded:
        logger.warning("Import %s (attempt %s) was superseded; rolled back", upload.pk, attempt)
        return None
    except (ImportRefused, PermissionDenied) as refused:
        return str(refused)
    except Exception:
        reference = log_failure(logger, "import.failed", import_id=upload.pk, attempt=attempt)
        return jobs.unexpected(reference, "the import")
    finally:
        progress.close()
    return None
