"""What each role may do: the one module every capability asks.

A role is held through a Membership. Some roles act network-wide (committee,
statistician, admin); a site lead acts only at the sites of their memberships.
Views and API handlers call `require()` (or start from `sites_for()`), and
services call it again, so a rule is never checked in two different ways.

Two-factor authentication is part of access: every action beyond seeing the
directory (`PRIVILEGED`: memberships and roles, sites, studies, the audit trail,
curation, study data) passes `require()` only once the person has it enabled, so the
roles that hold such actions, and Django's staff, must turn it on. `can()` answers for
the role alone (navigation asks it); `require()` is the gate. `require_study_data()`
is the gate that every study-data view passes.
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
    CREATE_STUDY = "create_study"
    CURATE = "curate"  # review suggested opportunities, edit opportunities and programmes


ALL_ROLES = frozenset(Role)

# Actions that change the network or reveal what members may not see: each needs
# two-factor authentication, the study-data gate's rule applied to the whole network.
PRIVILEGED = frozenset(Action) - {Action.VIEW_DIRECTORY}

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
            Action.CREATE_STUDY,
            Action.CURATE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.VIEW_DIRECTORY,
            Action.MANAGE_MEMBERSHIPS,
            Action.MANAGE_NETWORK,
            Action.VIEW_AUDIT,
            Action.CREATE_STUDY,
            Action.CURATE,
        }
    ),
}

# Actions a role may take only at the site its membership names.
AT_OWN_SITE: dict[Role, frozenset[Action]] = {
    Role.SITE_LEAD: frozenset(
        {Action.MANAGE_MEMBERSHIPS, Action.VIEW_AUDIT, Action.SEE_STUDY_DATA}
    ),
}


def _actions_of(role: Role) -> frozenset[Action]:
    return NETWORK_WIDE.get(role, frozenset()) | AT_OWN_SITE.get(role, frozenset())


# The roles that hold any privileged action: they are asked to turn two-factor on.
TWO_FACTOR_ROLES = frozenset(role for role in Role if PRIVILEGED & _actions_of(role))

# Which roles a holder of a role may grant to others (at own site for a site lead).
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: ALL_ROLES,
    Role.COMMITTEE: ALL_ROLES - {Role.ADMIN},
    Role.SITE_LEAD: frozenset({Role.TRAINEE, Role.MENTOR}),
}


class TwoFactorRequired(PermissionDenied):
    """The person's role allows the action, but only once two-factor is enabled."""


# What each privileged action is called when two-factor is asked for it.
PRIVILEGED_LABELS: dict[Action, str] = {
    Action.MANAGE_MEMBERSHIPS: "Granting and ending roles",
    Action.MANAGE_NETWORK: "Adding and editing sites",
    Action.VIEW_AUDIT: "The audit trail",
    Action.SEE_STUDY_DATA: "Study data",
    Action.CREATE_STUDY: "Creating a study",
    Action.CURATE: "Curating the calendar, opportunities and programmes",
}


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
    """The gate: the role first (`PermissionDenied`), then two-factor for a privileged action."""
    if not can(user, action, site):
        raise PermissionDenied(f"Your roles do not allow this ({action.value}).")
    if action in PRIVILEGED:
        require_two_factor(user, action)


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
    """Whether the person's roles (or staff status) require two-factor and it is not on."""
    if not user.is_authenticated:
        return False
    required = bool(roles_of(user) & TWO_FACTOR_ROLES) or user.is_staff
    return required and not has_two_factor(user)


def require_study_data(user: Any, site: Place = ANYWHERE) -> None:
    """The single gate before any study data: role first, then two-factor."""
    require(user, Action.SEE_STUDY_DATA, site)


def require_two_factor(user: Any, action: Action = Action.SEE_STUDY_DATA) -> None:
    """The two-factor half of the gate; a study's own roles (capture.access) ask it too.

    An API token acts as its owner, so a script is let through when its owner has
    two-factor on, as for the study data.
    """
    if not has_two_factor(user):
        raise TwoFactorRequired(
            f"{PRIVILEGED_LABELS[action]} needs two-factor authentication: "
            "set it up under Account → Two-factor."
        )


def require_admin(user: Any) -> None:
    """Django's admin: active staff only, and only with two-factor on.

    The admin has no sign-in of its own (core.adminsite sends people to the site's),
    so its sessions passed the same lockout and two-factor step as every other.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied("Your account does not use the admin.")
    if not has_two_factor(user):
        raise TwoFactorRequired(
            "The admin needs two-factor authentication: set it up under Account → Two-factor."
        )


def may_use_admin(user: Any) -> bool:
    try:
        require_admin(user)
    except PermissionDenied:
        return False
    return True


def may_manage_membership(user: User, membership: Membership) -> bool:
    """Whether the person's roles let them end this membership (navigation asks it)."""
    if membership.role not in grantable_roles(user, membership.site):
        return False
    return can(user, Action.MANAGE_MEMBERSHIPS, membership.site)


def require_membership_grant(user: Any, role: Role, site: Site | None) -> None:
    """The gate before granting `role` at `site` (network-wide when None)."""
    if role not in grantable_roles(user, site):
        raise PermissionDenied(f"You may not grant the role {role.label} here.")
    require(user, Action.MANAGE_MEMBERSHIPS, site)


def require_membership_end(user: Any, membership: Membership) -> None:
    """The gate before ending a membership: the role that could grant it, then two-factor."""
    if not may_manage_membership(user, membership):
        raise PermissionDenied("You may not end this membership.")
    require_two_factor(user, Action.MANAGE_MEMBERSHIPS)
