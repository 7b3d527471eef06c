"""The training section of the dashboard: credentials, goals, sign-offs waiting for me."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.extensions import Panel
from training.access import may_see_any_site
from training.selectors import awaiting_my_sign_off, credentials_of, describe_goal, goals_of

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel:
    credentials = [state for state in credentials_of(user) if not state.superseded]
    goals = [(item, describe_goal(item.goal)) for item in goals_of(user)]
    return Panel(
        template="training/panel.html",
        context={
            "credentials": credentials,
            "goals": goals,
            "awaiting": list(awaiting_my_sign_off(user)),
            "sees_sites": may_see_any_site(user),
        },
    )
