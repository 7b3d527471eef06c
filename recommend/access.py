"""Who sees "for you": the one place that decides it.

- The page is a trainee's own list: anyone who may use the network's shared pages
  (`network.access.Action.VIEW_DIRECTORY`, which a member waiting for approval also
  has) opens it; without a trainee profile it says how to get one. Nobody ever sees
  another person's list or their "not for me" choices: every read and write is keyed
  on the signed-in person, and no route takes a person's id.
- Saying "not for me" (or undoing it) needs a trainee profile (403 otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from network import access as network_access
from people.models import TraineeProfile

if TYPE_CHECKING:
    from accounts.models import User


def require_viewer(user: User) -> None:
    network_access.require(user, network_access.Action.VIEW_DIRECTORY)


def is_trainee(user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TraineeProfile.objects.filter(person=user).exists()


def require_trainee(user: User) -> None:
    require_viewer(user)
    if not is_trainee(user):
        raise PermissionDenied("“For you” is for trainees: add your trainee profile first.")


def shows_for_you(user: User) -> bool:
    """The navigation link: trainees who may use the shared pages."""
    return network_access.can(user, network_access.Action.VIEW_DIRECTORY) and is_trainee(user)
