"""Background work of statistics: an analysis runs in the worker, never in a request."""

from __future__ import annotations

from django_tasks import task

from core.logging_tools import logged_task


@task()
@logged_task
def run_analysis(*, run_id: int) -> str:
    from stats.services import analysis_execute

    return analysis_execute(run_id).state
