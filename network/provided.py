"""What core's shared pages ask of the network's rules, without core importing network.

`network.apps.NetworkConfig.provides` names these (and `dashboard.dashboard_for`, the
admin's gate in `access`); core reaches them through `core.extensions.required()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from network import access
from network.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.types import User


def navigation(user: User | AnonymousUser) -> dict[str, bool]:
    """The network's part of the signed-in person's navigation."""
    return {
        "nav_can_audit": access.can(user, access.Action.VIEW_AUDIT),
        "nav_can_manage": access.can(user, access.Action.MANAGE_MEMBERSHIPS),
        "nav_needs_two_factor": access.needs_two_factor(user),
    }


def refusal(user: User | AnonymousUser, exception: Exception | None) -> dict[str, object]:
    """The 403 page's context: why, in words, and the one thing that helps.

    The gate (`access.require`) names both; any other refusal keeps its own message and
    gets the help that fits the person's state (join, wait, ask for a role).
    """
    found = getattr(exception, "help", None)
    help = found if isinstance(found, access.Help) else access.help_for(user)
    reason = str(exception or "") or help.reason
    # Someone without a role is refused because of that, whatever the page said.
    cause = help.reason if found is None and not access.memberships_of(user) else ""
    return {"reason": reason, "help": help, "cause": cause if cause != reason else ""}


def sees_study_data(user: User | AnonymousUser) -> bool:
    """Whether the person's network roles see study data (site leads, statisticians,
    the committee); a role in a study is capture's to say."""
    return access.can(user, access.Action.SEE_STUDY_DATA)


def audit_sites(user: User) -> QuerySet[Site] | None:
    """The sites whose audit rows the person may read; None: every row, sites or none.

    Reading the trail is a privileged action: PermissionDenied, or TwoFactorRequired.
    """
    access.require(user, access.Action.VIEW_AUDIT)
    # Rows about nothing site-bound (tokens, sign-ups) need a network-wide role.
    if access.can(user, access.Action.VIEW_AUDIT, None):
        return None
    return access.sites_for(user, access.Action.VIEW_AUDIT)
