"""Background work of data capture: exports run in the worker, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_export(*, export_id: int) -> str:
    from capture.exports import export_run

    return export_run(export_id).state


@task()
def run_import(*, import_id: int) -> str:
    from capture.imports import import_run

    return import_run(import_id).state
