"""Exports and imports as background jobs: one attempt at a time, progress, stalls and retries.

Each job row (`Export`, `DataImport`) carries an `attempt` number. Queuing or retrying
raises it and hands it to the task; the task claims the row for that attempt (queued →
running), reports progress with a heartbeat in short updates, and may finish only the
attempt it claimed. A running job whose heartbeat is older than
`RADCOLLAB_TASK_STALE_MINUTES` is marked failed: its worker died or hangs. The person
who asked may then retry it, which starts a new attempt; should the old task wake up,
it finds the attempt moved on and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.logging_tools import failure_message

if TYPE_CHECKING:
    from accounts.models import User
    from capture.models import DataImport, Export

logger = logging.getLogger(__name__)

QUEUED, RUNNING, FAILED = "queued", "running", "failed"


def unexpected(reference: str, what: str) -> str:
    """What the person reads when an export or import stopped on an unexpected error:
    never the error's own text, but the reference of its log line (core.logging_tools)."""
    return failure_message(reference, what)


def stale_after() -> timedelta:
    return timedelta(minutes=settings.RADCOLLAB_TASK_STALE_MINUTES)


def stale_message() -> str:
    minutes = settings.RADCOLLAB_TASK_STALE_MINUTES
    span = "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"No progress for over {span} (the task worker may have stopped). Retry it."


def claim(model: type[Model], pk: int, attempt: int) -> bool:
    """Mark the job running for this attempt; False if another attempt owns it now.

    A job running without a heartbeat was queued before jobs had attempts (an import
    went straight to running then): its task may claim it too.
    """
    waiting = Q(state=QUEUED) | Q(state=RUNNING, heartbeat_at__isnull=True)
    found = model._default_manager.filter(waiting, pk=pk, attempt=attempt)
    return bool(found.update(state=RUNNING, heartbeat_at=timezone.now()))


def beat(model: type[Model], pk: int, attempt: int, **fields: object) -> None:
    """Progress of a running attempt, with its heartbeat: one short update."""
    found = model._default_manager.filter(pk=pk, attempt=attempt, state=RUNNING)
    found.update(heartbeat_at=timezone.now(), **fields)


def fail(model: type[Model], pk: int, attempt: int, error: str, **fields: object) -> None:
    """Record the failure of this attempt (a later attempt is left alone)."""
    found = model._default_manager.filter(pk=pk, attempt=attempt)
    found.update(state=FAILED, error=error[:4000], **fields)


def fail_stale(jobs: QuerySet[Export] | QuerySet[DataImport]) -> int:
    """Mark failed the running jobs among `jobs` that stopped reporting progress.

    Reads first, so a page with nothing stale writes nothing. A job that a live import
    holds is never marked on SQLite: the import holds the write lock, so the update waits
    and gives up, and the job is looked at again on the next visit.
    """
    cutoff = timezone.now() - stale_after()
    stale = jobs.filter(state=RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    )
    if not stale.exists():
        return 0
    try:
        return stale.update(state=FAILED, error=stale_message())
    except DatabaseError:
        logger.warning("Could not mark stalled jobs failed now; will try again", exc_info=True)
        return 0


def retry(job: Export | DataImport, *, actor: User) -> int:
    """Queue a failed job again for the person who asked for it; the new attempt number.

    Anyone else gets a 404 (whether the job exists is not theirs to know).
    """
    if job.requested_by_id != actor.pk:
        raise Http404("No such job.")
    if job.state != FAILED:
        raise ValidationError("Only a failed one can be retried.")
    model = type(job)
    attempt = int(job.attempt) + 1
    moved = model._default_manager.filter(pk=job.pk, state=FAILED, attempt=job.attempt).update(
        state=QUEUED, attempt=attempt, error="", done=0, heartbeat_at=None
    )
    if not moved:
        raise ValidationError("It has been retried already.")
    job.state, job.attempt, job.error, job.done = QUEUED, attempt, "", 0
    return attempt


class OutsideProgress:
    """Progress of a job whose work runs in one long transaction (an import), kept outside it.

    Written in the transaction, progress would stay invisible until the end; so it goes
    through a second connection of its own, one short update each time. Not on SQLite:
    the import holds the database's only write lock there, so nobody (this connection
    included) can write until it ends, and nobody can mark it stalled meanwhile either.
    Nor when the caller already runs inside a transaction (tests), which a second
    connection would wait on. A write that fails is logged and progress stops; the work
    goes on.
    """

    LOCK_TIMEOUT = "5s"

    def __init__(self, model: type[Model], pk: int, attempt: int) -> None:
        self.table = model._meta.db_table
        self.pk, self.attempt = pk, attempt
        self.usable = connection.vendor != "sqlite" and not connection.in_atomic_block
        self.own: BaseDatabaseWrapper | None = None

    def beat(self, **fields: int) -> None:
        if not self.usable:
            return
        try:
            self._write(fields)
        except DatabaseError:
            logger.warning("Progress of %s %s not saved", self.table, self.pk, exc_info=True)
            self.usable = False

    def _write(self, fields: dict[str, int]) -> None:
        if self.own is None:
            self.own = connections.create_connection(DEFAULT_DB_ALIAS)
            if self.own.vendor == "postgresql":
                with self.own.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = '{self.LOCK_TIMEOUT}'")
        quote = self.own.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in ["heartbeat_at", *fields])
        now = self.own.ops.adapt_datetimefield_value(timezone.now())
        with self.own.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(self.table)} SET {assignments} "  # noqa: S608 - names, not input # nosec B608
                f"WHERE {quote('id')} = %s AND {quote('attempt')} = %s AND {quote('state')} = %s",
                [now, *fields.values(), self.pk, self.attempt, RUNNING],
            )

    def close(self) -> None:
        if self.own is not None:
            self.own.close()
            self.own = None
