"""The projects section of the signed-in person's dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.extensions import Panel
from network import access
from projects.selectors import dashboard_of

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel | None:
    """My projects with their next milestone, overdue tasks and pending applications."""
    if not access.can(user, access.Action.VIEW_DIRECTORY):
        return None
    return Panel(template="projects/dashboard_panel.html", context={"dash": dashboard_of(user)})
