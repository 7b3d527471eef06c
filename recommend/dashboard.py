"""The "For you" section of a trainee's dashboard: the first few items, read from the
stored list only (the dashboard never computes one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.extensions import Panel
from recommend import access, selectors
from recommend.core import Ranked

if TYPE_CHECKING:
    from accounts.models import User

PANEL_ITEMS = 3


def panel(user: User) -> Panel | None:
    if not access.shows_for_you(user):
        return None
    stored = selectors.stored_list(user)
    dismissed = selectors.dismissed_keys(user) if stored is not None else frozenset()
    items = [Ranked.from_json(row) for row in stored.items] if stored is not None else []
    items = [item for item in items if item.key not in dismissed][:PANEL_ITEMS]
    return Panel(template="recommend/dashboard_panel.html", context={"items": items})
