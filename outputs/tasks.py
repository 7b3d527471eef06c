"""Background work of outputs: looking identifiers up runs in the worker, never in a request."""

from __future__ import annotations

from django_tasks import task

from core.logging_tools import logged_task


@task()
@logged_task
def run_lookup(*, import_id: int) -> str:
    """Look up the DOIs, PMIDs and ORCID iDs of one import (`outputs.lookup`); never raises."""
    from outputs.lookup import lookup_run

    return lookup_run(import_id).state
