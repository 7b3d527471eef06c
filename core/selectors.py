"""What the dashboard shows the signed-in person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.extensions import Panel, dashboard_panels, pending_links
from network import access
from network.models import Membership


@dataclass(frozen=True)
class Dashboard:
    memberships: list[Membership]
    needs_two_factor: bool
    has_two_factor: bool
    next_steps: list[tuple[str, str]] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)


def dashboard_for(user: Any) -> Dashboard:
    memberships = sorted(
        access.memberships_of(user), key=lambda m: (m.get_role_display(), m.place_label)
    )
    needs_two_factor = access.needs_two_factor(user)
    steps: list[tuple[str, str]] = []
    waiting = len(pending_links(user))
    if waiting:
        records = "record names" if waiting == 1 else "records name"
        steps.append(("confirm_links", f"{waiting} {records} you: confirm or decline"))
    if needs_two_factor:
        steps.append(
            (
                "mfa_activate_totp",
                "Turn on two-factor authentication to reach study data and manage the network",
            )
        )
    if not memberships:
        steps.append(("network:sites", "Find your hospital in the network and ask its site lead"))
    if not user.full_name:
        steps.append(("accounts:profile", "Add your name as it should appear in author lists"))
    return Dashboard(
        memberships=memberships,
        needs_two_factor=needs_two_factor,
        has_two_factor=access.has_two_factor(user),
        next_steps=steps,
        panels=dashboard_panels(user),
    )
