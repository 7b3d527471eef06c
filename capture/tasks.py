"""Background work of data capture: exports and imports run in the worker, never in a request.

Each task names the attempt it runs (`capture.jobs`); a task queued before attempts
existed runs the job's current attempt. Neither task raises: a failure is recorded on
the export or import and logged with its traceback.
"""

from __future__ import annotations

from django_tasks import task

from core.logging_tools import logged_task


@task()
@logged_task
def run_export(*, export_id: int, attempt: int | None = None) -> str:
    from capture.exports import export_run

    return export_run(export_id, attempt).state


@task()
@logged_task
def run_import(*, import_id: int, attempt: int | None = None) -> str:
    from capture.imports import import_run

    return import_run(import_id, attempt).state
