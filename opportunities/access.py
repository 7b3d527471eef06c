"""Who may see and change opportunities: the one place that decides it.

- Published opportunities and the programmes directory: anyone signed in.
- Anyone signed in may suggest; a suggestion is seen only by its author and the
  curators until it is published (404 for everyone else).
- Curators (committee, administrators) review suggestions and edit opportunities and
  programmes; others get 403. Curating is a privileged network action
  (`network.access.Action.CURATE`), so it needs two-factor too: without it a curator
  is sent to set it up, and their own suggestions wait for review like anyone's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from network import access as network_access
from opportunities.models import Opportunity

if TYPE_CHECKING:
    from accounts.models import User


def may_curate(user: User) -> bool:
    """Whether the person's role curates (the pages ask it to show curators' buttons)."""
    return network_access.can(user, network_access.Action.CURATE)


def require_curator(user: User) -> None:
    """The gate before reviewing or editing: the role, then two-factor."""
    if not may_curate(user):
        raise PermissionDenied("Only the committee and administrators curate opportunities.")
    network_access.require_two_factor(user, network_access.Action.CURATE)


def publishes_directly(user: User) -> bool:
    """A curator's own suggestion skips review only when they could review it themselves."""
    return may_curate(user) and network_access.has_two_factor(user)


def visible_opportunities(user: User) -> QuerySet[Opportunity]:
    if may_curate(user):
        return Opportunity.objects.all()
    return Opportunity.objects.filter(Q(state=Opportunity.State.PUBLISHED) | Q(suggested_by=user))


def get_opportunity_for_user(user: User, pk: int, *, curate: bool = False) -> Opportunity:
    found = visible_opportunities(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such opportunity.")
    if curate:
        require_curator(user)
    return found
