"""Who may see and change the calendar: the one place that decides it.

- Conferences, deadlines and events are for members of the network (`VIEW_DIRECTORY`);
  a signed-in person without a role gets 403, like the mentor directory.
- Curators (committee and administrators) add and correct conferences and deadlines,
  and confirm estimates, with two-factor on (curation is a privileged network action);
  they and a site lead at the event's site manage events.
- A project's plan is its team's to read and its lead's to change
  (`projects.access`, asked here so the rule stays the projects app's own).
- A private feed is reached only by its secret: a wrong or revoked one is a 404.
  Public feeds per subspecialty hold only public conference data and need no sign-in.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from events.models import Event, FeedToken
from network import access
from network.models import Role, Site
from projects.access import Need, get_project_for_user
from projects.models import Project

CURATOR_ROLES = frozenset({Role.COMMITTEE, Role.ADMIN})


def require_member(user: User) -> None:
    access.require(user, access.Action.VIEW_DIRECTORY)


def may_curate(user: User) -> bool:
    return bool(access.roles_of(user) & CURATOR_ROLES)


def require_curator(user: User) -> None:
    """The gate before adding or correcting conferences and deadlines: role, then two-factor."""
    if not may_curate(user):
        raise PermissionDenied("Only the committee and administrators curate the calendar.")
    access.require_two_factor(user, access.Action.CURATE)


def may_manage_event(user: User, site: Site | None) -> bool:
    if may_curate(user):
        return True
    return site is not None and any(
        m.role == Role.SITE_LEAD and m.site_id == site.pk for m in access.memberships_of(user)
    )


def require_event_manager(user: User, site: Site | None) -> None:
    if not may_manage_event(user, site):
        where = f"at {site}" if site is not None else "network-wide"
        raise PermissionDenied(f"Only curators or a site lead there may manage events {where}.")


def require_event_creator(user: User) -> None:
    """Curators and site leads (for their own sites) may add events."""
    require_member(user)
    if not may_curate(user) and not any(
        m.role == Role.SITE_LEAD for m in access.memberships_of(user)
    ):
        raise PermissionDenied("Only curators and site leads add events.")


def get_event_for_user(user: User, pk: int, *, manage: bool = False) -> Event:
    require_member(user)
    event = get_object_or_404(Event.objects.select_related("site"), pk=pk)
    if manage:
        require_event_manager(user, event.site)
    return event


def get_plan_project(user: User, pk: int, *, change: bool = False) -> Project:
    """The project whose plan the person may read (team) or change (lead only)."""
    return get_project_for_user(user, pk, Need.LEAD if change else Need.TEAM)


def feed_owner(secret: str) -> User:
    """The person whose private feed this secret opens; 404 for a wrong or revoked one."""
    token = (
        FeedToken.objects.select_related("person")
        .filter(digest=FeedToken.digest_of(secret), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        raise Http404("No such calendar feed.")
    return token.person
