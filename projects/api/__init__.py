"""/api/v1/projects: the board, a project, roles and applications, milestones, tasks,
meetings, agreement, documents.

Handlers check access through `projects.access` and write through the same services
as the pages. A stale update, delete or confirmation answers 409 with the saved values.

One router, its routes by sub-area in `board` (the board, a project, its roles and
mentor), `applications` and `workspace` (tasks, milestones, meetings, agreement,
documents), registered in that order.
"""

from __future__ import annotations

from ninja import Router

router = Router()

# Each sub-area registers its routes on `router` when imported, in the order of the
# routes before the split (a path is matched against them in that order).
# isort: off
from projects.api import board  # noqa: E402, F401
from projects.api import applications  # noqa: E402, F401
from projects.api import workspace  # noqa: E402, F401
# isort: on
