"""Background work of matching: a large round's run goes to the task worker."""

from __future__ import annotations

from django_tasks import task

from core.logging_tools import logged_task


@task()
@logged_task
def run_round(*, round_id: int, actor_id: int) -> str:
    from matching.services import round_run_execute

    return round_run_execute(round_id=round_id, actor_id=actor_id)
