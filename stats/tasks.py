"""Background work of statistics: an analysis runs in the worker, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_analysis(*, run_id: int) -> str:
    from stats.services import analysis_execute

    return analysis_execute(run_id).state
