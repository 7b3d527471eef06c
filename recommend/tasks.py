"""Background work of "for you": lists are computed in the worker, pages read them."""

from __future__ import annotations

from django_tasks import task

from core.logging_tools import logged_task


@task()
@logged_task
def refresh_recommendations(*, person_id: int | None = None) -> int:
    """Recompute and store one trainee's list, or every trainee's; returns how many."""
    from recommend.services import recommendations_refresh, recommendations_refresh_all

    if person_id is None:
        return recommendations_refresh_all()
    return 1 if recommendations_refresh(person_id=person_id) is not None else 0
