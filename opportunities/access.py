"""Who may see and change opportunities: the one place that decides it.

- Published opportunities and the programmes directory: anyone signed in.
- Anyone signed in may suggest; a suggestion is seen only by its author and the
  curators until it is published (404 for everyone else).
- Curators (committee, administrators) review suggestions and edit opportunities and
  programmes; others get 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from events.access import may_curate
from opportunities.models import Opportunity


def require_curator(user: Any) -> None:
    if not may_curate(user):
        raise PermissionDenied("Only the committee and administrators curate opportunities.")


def visible_opportunities(user: Any) -> QuerySet[Opportunity]:
    if may_curate(user):
        return Opportunity.objects.all()
    return Opportunity.objects.filter(Q(state=Opportunity.State.PUBLISHED) | Q(suggested_by=user))


def get_opportunity_for_user(user: Any, pk: int, *, curate: bool = False) -> Opportunity:
    found = visible_opportunities(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such opportunity.")
    if curate:
        require_curator(user)
    return found
