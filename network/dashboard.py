"""What the dashboard shows the signed-in person: their place in the network (roles,
two-factor, requests to decide or waiting) and every app's panels and first steps.

Core's dashboard page asks for it through `core.extensions.required("dashboard")`: core
sits below the network and never imports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.extensions import Panel, Step, dashboard_panels, first_steps, pending_links
from network import access
from network.models import Membership, Role
from network.services import requests_decidable_by

if TYPE_CHECKING:
    from core.types import User


@dataclass(frozen=True)
class Dashboard:
    memberships: list[Membership]
    needs_two_factor: bool
    has_two_factor: bool
    next_steps: list[tuple[str, str]] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    # A newcomer's checklist (empty once every step is done, or for someone not training).
    first_steps: list[Step] = field(default_factory=list)
    waiting: access.Help | None = None  # a pending member: for whom their request waits

    @property
    def steps_done(self) -> int:
        return sum(step.done for step in self.first_steps)


def _is_trainee(user: User) -> bool:
    """A trainee (approved or waiting), or someone with no role yet: the checklist's people."""
    held = access.memberships_of(user)
    asked = access.pending_memberships_of(user)
    return not held or any(m.role == Role.TRAINEE for m in [*held, *asked])


def dashboard_for(user: User) -> Dashboard:
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
    if access.can(user, access.Action.MANAGE_MEMBERSHIPS):
        deciding = len(requests_decidable_by(user))
        if deciding:
            noun = "request waits" if deciding == 1 else "requests wait"
            steps.append(("network:requests", f"{deciding} {noun} for your decision"))
    asked = access.help_for(user) if access.is_pending_member(user) else None
    if not memberships and asked is None:
        steps.append(("network:join", "Choose your hospital to join the network"))
    if not user.full_name:
        steps.append(("accounts:profile", "Add your name as it should appear in author lists"))
    checklist = first_steps(user) if _is_trainee(user) else []
    if all(step.done for step in checklist):
        checklist = []
    return Dashboard(
        first_steps=checklist,
        waiting=asked,
        memberships=memberships,
        needs_two_factor=needs_two_factor,
        has_two_factor=access.has_two_factor(user),
        next_steps=steps,
        panels=dashboard_panels(user),
    )
