"""The database task worker, made to outlive any task's failure.

django-tasks' `db_worker` runs each task and records a failure with
`DBTaskResult.set_failed`; but when recording itself fails, the error escapes the
worker's loop and the process exits, so emails, exports and imports stop until someone
restarts it. That happens on SQLite when the database stays locked past the busy
timeout (another worker's long import holds the write lock), or when the failed task's
traceback still holds an open cursor whose read snapshot is stale. `SurvivingWorker`
catches that error, lets the traceback go (and with it anything its frames held), and
records the failure again on a fresh connection, a few times; if it still cannot, it
logs that and goes on to the next task. `manage.py run_worker` runs it.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from rq import Worker as RQWorker

logger = logging.getLogger(__name__)

RECORD_ATTEMPTS = 5
RECORD_BACKOFF_SECONDS = 1.0


class SurvivingWorker(Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        failure = self._run(db_task_result)
        if failure is not None:
            self._record_failure(db_task_result, failure)

    def _run(self, db_task_result: DBTaskResult) -> tuple[str, str] | None:
        """Run the task as django-tasks does; if that raised, (exception class, traceback)."""
        try:
            super().run_task(db_task_result)
        except Exception as error:
            logger.exception(
                "Task %s failed and its failure could not be recorded; trying again",
                db_task_result.id,
            )
            kind = type(error.__context__ or error)
            return f"{kind.__module__}.{kind.__qualname__}", "".join(
                traceback.format_exception(error)
            )
        return None

    def _record_failure(self, db_task_result: DBTaskResult, failure: tuple[str, str]) -> None:
        exception_class_path, trace = failure
        alias = DBTaskResult.objects.db
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            # A fresh connection: the old one may hold a broken transaction or a stale read.
            connections[alias].close()
            try:
                DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                    status="FAILED",
                    finished_at=timezone.now(),
                    return_value=None,
                    exception_class_path=exception_class_path,
                    traceback=trace,
                )
            except DatabaseError:
                logger.warning(
                    "Recording the failure of task %s failed (try %s of %s)",
                    db_task_result.id,
                    attempt,
                    RECORD_ATTEMPTS,
                    exc_info=True,
                )
                time.sleep(RECORD_BACKOFF_SECONDS * attempt)
            else:
                return
        logger.error(
            "Task %s failed and its failure could not be recorded; the worker goes on",
            db_task_result.id,
        )
        close_old_connections()


class PrivateRQWorker(RQWorker):
    """RQ's worker, without writing each job's arguments (an email's subject, body and
    addresses) into the log: `core.logging_tools.logged_task` logs every task's start,
    end and failure with its ids instead. settings' `RQ["WORKER_CLASS"]` names it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["log_job_description"] = False
        super().__init__(*args, **kwargs)
