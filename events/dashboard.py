"""The calendar's section of the dashboard: my next deadlines with countdowns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from core.extensions import Panel
from events.selectors import my_deadlines
from network import access

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel | None:
    if not access.can(user, access.Action.VIEW_DIRECTORY):
        return None
    deadlines = my_deadlines(user, now=timezone.now())
    return Panel(template="events/dashboard_panel.html", context={"deadlines": deadlines})
