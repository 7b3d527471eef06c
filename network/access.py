"""What each role may do: the one module every capability asks.

A role is held through a Membership. Some roles act network-wide (committee,
statistician, admin); a site lead acts only at the sites of their memberships.
Views and API handlers call `require()` (or start from `sites_for()`), and
services call it again, so a rule is never checked in two different ways.

Two-factor authentication is part of access: the roles that reach study data
(`STUDY_DATA_ROLES`) and the administrators must have it enabled, and
`require_study_data()` is the single gate that every study-data view passes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from network.models import Membership, Role, Site

if TYPE_CHECKING:
    from accounts.models import User


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"  # see who holds which role where
    MANAGE_MEMBERSHIPS = "manage_memberships"  # grant and end roles, send invitations
    MANAGE_NETWORK = "manage_network"  # create and edit sites
    VIEW_AUDIT = "view_audit"
    SEE_STUDY_DATA = "see_study_data"


ALL_ROLES = frozenset(Role)
STUDY_DATA_ROLES = frozenset({Role.SITE_LEAD, Role.COMMITTEE, Role.STATISTICIAN})
TWO_FACTOR_ROLES = STUDY_DATA_ROLES | {Role.ADMIN}

# Actions a role may take anywhere in the network.
NETWORK_WIDE: dict[Role, frozenset[Action]] = {
    Role.TRAINEE: frozenset({Action.VIEW_DIRECTORY}),
    Role.MENTOR: frozenset({Action.VIEW_DIRECTORY}),
    Role.SITE_LEAD: frozenset({Action.VIEW_DIRECTORY}),
    Role.STATISTICIAN: frozenset({Action.VIEW_DIRECTORY, Action.SEE_STUDY_DATA}),
    Role.COMMITTEE: frozenset(
        {
            Action.VIEW_DIRECTORY,
            Action.MANAGE_MEMBERSHIPS,
            Action.MANAGE_NETWORK,
            Action.VIEW_AUDIT,
            Action.SEE_STUDY_DATA,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.VIEW_DIRECTORY,
            Action.MANAGE_MEMBERSHIPS,
            Action.MANAGE_NETWORK,
            Action.VIEW_AUDIT,
        }
    ),
}

# Actions a role may take only at the site its membership names.
AT_OWN_SITE: dict[Role, frozenset[Action]] = {
    Role.SITE_LEAD: frozenset(
        {Action.MANAGE_MEMBERSHIPS, Action.VIEW_AUDIT, Action.SEE_STUDY_DATA}
    ),
}

# Which roles a holder of a role may grant to others (at own site for a site lead).
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: ALL_ROLES,
    Role.COMMITTEE: ALL_ROLES - {Role.ADMIN},
    Role.SITE_LEAD: frozenset({Role.TRAINEE, Role.MENTOR}),
}


class TwoFactorRequired(PermissionDenied):
    """The person's role allows the action, but only once two-factor is enabled."""


def memberships_of(user: Any) -> list[Membership]:
    """The person's active memberships, fetched once per request and kept on the user."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active().filter(person=user).select_related("site", "scheme")
        )
        user._active_memberships = cached
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, "_active_memberships"):
        del user._active_memberships


def roles_of(user: Any) -> set[Role]:
    return {Role(m.role) for m in memberships_of(user)}


class _Anywhere:
    def __repr__(self) -> str:
        return "ANYWHERE"


# Asks "may the person take this action at any site at all?" (navigation asks this).
# `site=None` asks about something that belongs to no site, which only
# network-wide roles may touch.
ANYWHERE = _Anywhere()
Place = Site | None | _Anywhere


def can(user: Any, action: Action, site: Place = ANYWHERE) -> bool:
    """Whether the person may take `action` at `site` (see ANYWHERE for the other forms)."""
    for membership in memberships_of(user):
        role = Role(membership.role)
        if action in NETWORK_WIDE.get(role, frozenset()):
            return True
        at_own_site = action in AT_OWN_SITE.get(role, frozenset()) and membership.site_id
        if at_own_site and (
            site is ANYWHERE or (isinstance(site, Site) and membership.site_id == site.pk)
        ):
            return True
    return False


def require(user: Any, action: Action, site: Place = ANYWHERE) -> None:
    if not can(user, action, site):
        raise PermissionDenied(f"Your roles do not allow this ({action.value}).")


def sites_for(user: Any, action: Action) -> QuerySet[Site]:
    """The sites where the person may take `action`: all, some or none."""
    if any(action in NETWORK_WIDE.get(Role(m.role), ()) for m in memberships_of(user)):
        return Site.objects.all()
    own = [
        m.site_id
        for m in memberships_of(user)
        if m.site_id and action in AT_OWN_SITE.get(Role(m.role), ())
    ]
    return Site.objects.filter(pk__in=own)


def grantable_roles(user: Any, site: Site | None) -> list[Role]:
    """The roles the person may grant at `site` (or network-wide when `site` is None)."""
    allowed: set[Role] = set()
    for membership in memberships_of(user):
        role = Role(membership.role)
        acts_here = role in (Role.ADMIN, Role.COMMITTEE) or (
            site is not None and membership.site_id == site.pk
        )
        if acts_here:
            allowed |= GRANTABLE.get(role, frozenset())
    return [role for role in Role if role in allowed]


def has_two_factor(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(
        user.is_authenticated
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def needs_two_factor(user: Any) -> bool:
    """Whether the person holds a role that requires two-factor and has not enabled it."""
    return bool(roles_of(user) & TWO_FACTOR_ROLES) and not has_two_factor(user)


def require_study_data(user: Any, site: Place = ANYWHERE) -> None:
    """The single gate before any study data: role first, then two-factor."""
    require(user, Action.SEE_STUDY_DATA, site)
    require_two_factor(user)


def require_two_factor(user: Any) -> None:
    """The two-factor half of the gate; a study's own roles (capture.access) ask it too."""
    if not has_two_factor(user):
        raise TwoFactorRequired(
            "Study data needs two-factor authentication: set it up under Account → Two-factor."
        )


def may_manage_membership(user: User, membership: Membership) -> bool:
    if membership.role not in grantable_roles(user, membership.site):
        return False
    return can(user, Action.MANAGE_MEMBERSHIPS, membership.site)
