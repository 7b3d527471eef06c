"""What each role may do: the one module every capability asks.

A role is held through a Membership. Some roles act network-wide (committee,
statistician, admin); a site lead acts only at the sites of their memberships.
Views and API handlers call `require()` (or start from `sites_for()`), and
services call it again, so a rule is never checked in two different ways.

A person who has asked to join (a *pending* member: a membership waiting for its site
lead or the committee) holds no role yet, but may already use the network's shared
pages (`PENDING_ACTIONS`): the mentor directory and map, the project board, the calendar,
opportunities and the site pages. People's own pages and the list of who holds which
role at a site (`SEE_MEMBERS`), and everything beyond, wait for an active role.

When the gate refuses, `help_for()` says why in words and names the one thing that
helps (choose your hospital, wait for the named site lead, ask for the role); the 403
page and the API's answer show it.

Two-factor authentication is part of access: every action beyond seeing the
directory (`PRIVILEGED`: memberships and roles, sites, studies, the audit trail,
curation, study data) passes `require()` only once the person has it enabled, so the
roles that hold such actions, and Django's staff, must turn it on. `can()` answers for
the role alone (navigation asks it); `require()` is the gate. `require_study_data()`
is the gate that every study-data view passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse

# Defined in core, whose middleware answers it, and raised here: `access.TwoFactorRequired`.
from core.exceptions import TwoFactorRequired
from network.models import Membership, Role, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.types import User


class Action(StrEnum):
    # The network's shared pages: mentors, projects, calendar, opportunities, sites.
    VIEW_DIRECTORY = "view_directory"
    SEE_MEMBERS = "see_members"  # people's own pages; who holds which role at a site
    MANAGE_MEMBERSHIPS = "manage_memberships"  # grant and end roles, send invitations
    MANAGE_NETWORK = "manage_network"  # create and edit sites
    VIEW_AUDIT = "view_audit"
    SEE_STUDY_DATA = "see_study_data"
    CREATE_STUDY = "create_study"
    CURATE = "curate"  # review suggested opportunities, edit opportunities and programmes


ALL_ROLES = frozenset(Role)

# Actions that change the network or reveal what members may not see: each needs
# two-factor authentication, the study-data gate's rule applied to the whole network.
PRIVILEGED = frozenset(Action) - {Action.VIEW_DIRECTORY, Action.SEE_MEMBERS}

MEMBER = frozenset({Action.VIEW_DIRECTORY, Action.SEE_MEMBERS})

# Actions a role may take anywhere in the network.
NETWORK_WIDE: dict[Role, frozenset[Action]] = {
    Role.TRAINEE: MEMBER,
    Role.MENTOR: MEMBER,
    Role.SITE_LEAD: MEMBER,
    Role.STATISTICIAN: MEMBER | {Action.SEE_STUDY_DATA},
    Role.COMMITTEE: MEMBER
    | frozenset(
        {
            Action.MANAGE_MEMBERSHIPS,
            Action.MANAGE_NETWORK,
            Action.VIEW_AUDIT,
            Action.SEE_STUDY_DATA,
            Action.CREATE_STUDY,
            Action.CURATE,
        }
    ),
    Role.ADMIN: MEMBER
    | frozenset(
        {
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


# What a pending member (asked to join or for a role, not yet approved) may do.
PENDING_ACTIONS = frozenset({Action.VIEW_DIRECTORY})

# The roles anyone may ask for from their account page; the committee decides.
REQUESTABLE = (Role.MENTOR, Role.SITE_LEAD, Role.STATISTICIAN)


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


@dataclass(frozen=True)
class Help:
    """Why a page is refused, in words, and the one thing that helps."""

    reason: str
    label: str
    url: str


class NotAllowed(PermissionDenied):
    """The gate refused: the message says why, `help` names what to do about it."""

    def __init__(self, help: Help) -> None:
        super().__init__(help.reason)
        self.help = help


# The role that holds each action, for "ask for the role"; None: only the committee does it.
ROLE_FOR: dict[Action, Role | None] = {
    Action.VIEW_DIRECTORY: Role.TRAINEE,
    Action.SEE_MEMBERS: Role.TRAINEE,
    Action.MANAGE_MEMBERSHIPS: Role.SITE_LEAD,
    Action.VIEW_AUDIT: Role.SITE_LEAD,
    Action.SEE_STUDY_DATA: Role.STATISTICIAN,
    Action.MANAGE_NETWORK: None,
    Action.CREATE_STUDY: None,
    Action.CURATE: None,
}


def site_leads(site: Site) -> list[User]:
    """The people who lead `site` (its local representatives), by name."""
    held = Membership.objects.active().filter(site=site, role=Role.SITE_LEAD)
    return [m.person for m in held.select_related("person").order_by("person__full_name")]


def waiting_for(membership: Membership) -> str:
    """Who decides a request, in words: the named site lead, or the committee."""
    if membership.role == Role.TRAINEE and membership.site is not None:
        leads = site_leads(membership.site)
        if leads:
            names = " or ".join(str(person) for person in leads)
            return f"its site lead, {names}"
        return "the committee (the site has no lead yet)"
    return "the committee"


def help_for(user: User | AnonymousUser, action: Action | None = None) -> Help:
    """Why `user` may not take `action` (or, for None, what they may not do in general)."""
    if not getattr(user, "is_authenticated", False):
        return Help("Sign in to see this page.", "Sign in", reverse("account_login"))
    pending = pending_memberships_of(user)
    joins = [m for m in pending if m.role == Role.TRAINEE]
    if not memberships_of(user) and joins:
        request = joins[0]
        where = f"at {request.site}" if request.site else "in the network"
        reason = (
            f"Your membership {where} is waiting for {waiting_for(request)}. Until then you "
            "can use the mentor directory, the project board, the calendar and opportunities, "
            "but not study data or other people's pages."
        )
        if request.site is not None:
            return Help(reason, f"See who leads {request.site}", request.site.get_absolute_url())
        return Help(reason, "See your request", reverse("accounts:roles"))
    if not memberships_of(user) and not pending:
        return Help(
            "You are not a member of the network yet: choose your hospital and its site "
            "lead will let you in.",
            "Choose your hospital",
            reverse("network:join"),
        )
    role = ROLE_FOR.get(action) if action is not None else None
    if role is not None and role in REQUESTABLE:
        asked = next((m for m in pending if m.role == role), None)
        if asked is not None:
            return Help(
                f"This needs the role {role.label.lower()}; your request for it is waiting "
                f"for {waiting_for(asked)}.",
                "See your requests",
                reverse("accounts:roles"),
            )
        return Help(
            f"This needs the role {role.label.lower()}, which you do not hold.",
            "Ask for the role",
            reverse("accounts:roles") + f"?role={role.value}",
        )
    if action is not None and role is None:
        return Help(
            "Only the network's committee does this.",
            "Ask for another role",
            reverse("accounts:roles"),
        )
    return Help("Your roles do not allow this.", "Ask for another role", reverse("accounts:roles"))


# What each privileged action is called when two-factor is asked for it.
PRIVILEGED_LABELS: dict[Action, str] = {
    Action.MANAGE_MEMBERSHIPS: "Granting and ending roles",
    Action.MANAGE_NETWORK: "Adding and editing sites",
    Action.VIEW_AUDIT: "The audit trail",
    Action.SEE_STUDY_DATA: "Study data",
    Action.CREATE_STUDY: "Creating a study",
    Action.CURATE: "Curating the calendar, opportunities and programmes",
}


def _open_memberships(user: User | AnonymousUser) -> list[Membership]:
    """Active and pending memberships, fetched once per request and kept on the user."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_open_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.open().filter(person=user).select_related("site", "scheme")
        )
        # A per-request cache on the user (request.user may be a lazy proxy: set through it).
        setattr(user, "_open_memberships", cached)  # noqa: B010 - not a model field
    return cached


def memberships_of(user: User | AnonymousUser) -> list[Membership]:
    """The person's active memberships: the roles they hold."""
    return [m for m in _open_memberships(user) if m.status == Membership.Status.ACTIVE]


def pending_memberships_of(user: User | AnonymousUser) -> list[Membership]:
    """The person's requests to join or for a role, waiting for a decision."""
    return [m for m in _open_memberships(user) if m.status == Membership.Status.PENDING]


def is_pending_member(user: User | AnonymousUser) -> bool:
    """Asked to join and waiting, holding no role yet."""
    return bool(pending_memberships_of(user)) and not memberships_of(user)


def forget_memberships(user: User | AnonymousUser) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, "_open_memberships"):
        del user._open_memberships


def roles_of(user: User | AnonymousUser) -> set[Role]:
    return {Role(m.role) for m in memberships_of(user)}


class _Anywhere:
    def __repr__(self) -> str:
        return "ANYWHERE"


# Asks "may the person take this action at any site at all?" (navigation asks this).
# `site=None` asks about something that belongs to no site, which only
# network-wide roles may touch.
ANYWHERE = _Anywhere()
Place = Site | None | _Anywhere


def can(user: User | AnonymousUser, action: Action, site: Place = ANYWHERE) -> bool:
    """Whether the person may take `action` at `site` (see ANYWHERE for the other forms)."""
    if action in PENDING_ACTIONS and pending_memberships_of(user):
        return True
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


def require(user: User | AnonymousUser, action: Action, site: Place = ANYWHERE) -> None:
    """The gate: the role first (`PermissionDenied`), then two-factor for a privileged action."""
    if not can(user, action, site):
        raise NotAllowed(help_for(user, action))
    if action in PRIVILEGED:
        require_two_factor(user, action)


def sites_for(user: User | AnonymousUser, action: Action) -> QuerySet[Site]:
    """The sites where the person may take `action`: all, some or none."""
    if action in PENDING_ACTIONS and pending_memberships_of(user):
        return Site.objects.all()
    if any(action in NETWORK_WIDE.get(Role(m.role), ()) for m in memberships_of(user)):
        return Site.objects.all()
    own = [
        m.site_id
        for m in memberships_of(user)
        if m.site_id and action in AT_OWN_SITE.get(Role(m.role), ())
    ]
    return Site.objects.filter(pk__in=own)


def grantable_roles(user: User, site: Site | None) -> list[Role]:
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


def has_two_factor(user: User | AnonymousUser) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(
        user.is_authenticated
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def needs_two_factor(user: User | AnonymousUser) -> bool:
    """Whether the person's roles (or staff status) require two-factor and it is not on."""
    if not user.is_authenticated:
        return False
    required = bool(roles_of(user) & TWO_FACTOR_ROLES) or user.is_staff
    return required and not has_two_factor(user)


def require_study_data(user: User | AnonymousUser, site: Place = ANYWHERE) -> None:
    """The single gate before any study data: role first, then two-factor."""
    require(user, Action.SEE_STUDY_DATA, site)


def require_two_factor(user: User | AnonymousUser, action: Action = Action.SEE_STUDY_DATA) -> None:
    """The two-factor half of the gate; a study's own roles (capture.access) ask it too.

    An API token acts as its owner, so a script is let through when its owner has
    two-factor on, as for the study data.
    """
    if not has_two_factor(user):
        raise TwoFactorRequired(
            f"{PRIVILEGED_LABELS[action]} needs two-factor authentication: "
            "set it up under Account → Two-factor."
        )


def require_admin(user: User | AnonymousUser) -> None:
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


def may_use_admin(user: User | AnonymousUser) -> bool:
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


def require_membership_grant(user: User, role: Role, site: Site | None) -> None:
    """The gate before granting `role` at `site` (network-wide when None)."""
    if role not in grantable_roles(user, site):
        raise PermissionDenied(f"You may not grant the role {role.label} here.")
    require(user, Action.MANAGE_MEMBERSHIPS, site)


def may_decide_request(user: User, membership: Membership) -> bool:
    """Who decides a request: a join request (trainee at a site) is its site's lead's (or
    the committee's); a role request, or a hospital not listed, is the committee's."""
    if not membership.is_pending:
        return False
    if membership.role == Role.TRAINEE and membership.site_id:
        return can(user, Action.MANAGE_MEMBERSHIPS, membership.site)
    network_wide = can(user, Action.MANAGE_MEMBERSHIPS, None)
    return network_wide and Role(membership.role) in grantable_roles(user, None)


def require_request_decision(user: User, membership: Membership) -> None:
    """The gate before approving or declining a request: who decides it, then two-factor."""
    if not may_decide_request(user, membership):
        raise PermissionDenied(
            f"This request is for {waiting_for(membership)} to decide, not for you."
        )
    require_two_factor(user, Action.MANAGE_MEMBERSHIPS)


def require_membership_end(user: User, membership: Membership) -> None:
    """The gate before ending a membership: the role that could grant it, then two-factor."""
    if not may_manage_membership(user, membership):
        raise PermissionDenied("You may not end this membership.")
    require_two_factor(user, Action.MANAGE_MEMBERSHIPS)
