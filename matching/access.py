"""Who may do what in a mentoring round.

- Any member of the network (anyone with a role) sees the schemes and their rounds and
  answers a call; an outsider gets 403.
- Only the committee (the committee role or an administrator, with two-factor on, as
  for every other privileged action) runs a match, pins or forbids pairs, sees every
  answer and publishes.
- A mentee sees their own answer and, once published, their own match; never anyone
  else's preferences. A mentor sees their own answer and the mentees matched to them
  once published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from matching.models import Match, Round
from network.access import TwoFactorRequired, has_two_factor, memberships_of, roles_of
from network.models import Role

if TYPE_CHECKING:
    from accounts.models import User

COMMITTEE_ROLES = frozenset({Role.COMMITTEE, Role.ADMIN})


def is_committee(user: User) -> bool:
    return bool(roles_of(user) & COMMITTEE_ROLES)


def require_member(user: User) -> None:
    if not memberships_of(user):
        raise PermissionDenied("Mentoring schemes are open to members of the network.")


def require_committee(user: User) -> None:
    """The gate for running, deciding and publishing: the role, then two-factor."""
    if not is_committee(user):
        raise PermissionDenied("Only the scheme's committee runs and publishes a match.")
    if not has_two_factor(user):
        raise TwoFactorRequired(
            "Running a mentoring match needs two-factor authentication: "
            "set it up under Account → Two-factor."
        )


def rounds_visible_to(user: User) -> QuerySet[Round]:
    require_member(user)
    return Round.objects.select_related("scheme")


def get_round_for_user(user: User, pk: int) -> Round:
    return get_object_or_404(rounds_visible_to(user), pk=pk)


def get_match_for_party(user: User, pk: int) -> Match:
    """A published match, to its mentee or its mentor only (404 for anyone else)."""
    found = Match.objects.select_related("round__scheme", "offer__mentor", "request__mentee")
    match = get_object_or_404(found.exclude(state=Match.State.DRAFT), pk=pk)
    if user.pk not in (match.request.mentee_id, match.offer.mentor_id):
        raise Http404("No such match.")
    return match


def side_of(user: User, match: Match) -> str:
    """ "mentee" or "mentor": which side of the match the person is on."""
    return "mentee" if match.request.mentee_id == user.pk else "mentor"
