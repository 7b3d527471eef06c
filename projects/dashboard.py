"""The projects section of the signed-in person's dashboard."""

from __future__ import annotations

from typing import Any

from core.extensions import Panel
from network import access
from projects.selectors import dashboard_of


def panel(user: Any) -> Panel | None:
    """My projects with their next milestone, overdue tasks and pending applications."""
    if not access.can(user, access.Action.VIEW_DIRECTORY):
        return None
    return Panel(template="projects/dashboard_panel.html", context={"dash": dashboard_of(user)})
