"""Who may see and change a study's collaborator list: the one place credit asks.

- The network committee sees everyone's contributions and why they qualify, sets the
  rules, names the writing committee, asks people to confirm their names, corrects
  names, locks and unlocks the list and exports it. Each of these is a privileged
  action, so it needs two-factor authentication, as `network.access.PRIVILEGED` asks of
  every other committee action.
- A person who holds (or held) a role in the study sees their own contributions and
  the published (locked) list, and confirms their own name.
- Anyone else is told the study does not exist (404), as capture does.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from capture.models import Study, StudyRole
from credit.models import AuthorList, NameConfirmation
from network import access as network_access
from network.models import Role


def is_committee(user: Any) -> bool:
    """The role alone (navigation and page layout ask it); `require_committee` is the gate."""
    return Role.COMMITTEE in network_access.roles_of(user)


def require_committee(user: Any) -> None:
    """The gate before any change to rules, names or the lock: committee, then two-factor."""
    if not is_committee(user):
        raise PermissionDenied("Only the network committee changes authorship lists.")
    if not network_access.has_two_factor(user):
        raise network_access.TwoFactorRequired(
            "Authorship lists need two-factor authentication: set it up under Account → Two-factor."
        )


def has_study_role(user: Any, study: Study) -> bool:
    """Whether the person holds or held any role in the study (ended roles still count:
    people who did the work and moved on are still credited)."""
    return StudyRole.objects.filter(study=study, person_id=user.pk).exists()


def get_study(user: Any, pk: int) -> Study:
    """A study the person may see the credit of: the committee, or someone in the study."""
    study = Study.objects.filter(pk=pk).first()
    if study is None or not (is_committee(user) or has_study_role(user, study)):
        raise Http404("No such study.")
    return study


def get_study_to_manage(user: Any, pk: int) -> tuple[Study, AuthorList | None]:
    """A study and its author list (None before rules are set), for the committee only."""
    study = get_study(user, pk)
    require_committee(user)
    return study, AuthorList.objects.filter(study=study).first()


def get_author_list_to_manage(user: Any, pk: int) -> AuthorList:
    _, author_list = get_study_to_manage(user, pk)
    if author_list is None:
        raise Http404("Set the authorship rules of this study first.")
    return author_list


def get_own_name(user: Any, pk: int) -> NameConfirmation:
    """The person's own name on a study's list; 404 when they were never asked."""
    study = get_study(user, pk)
    name = (
        NameConfirmation.objects.filter(author_list__study=study, person_id=user.pk)
        .select_related("author_list__study")
        .first()
    )
    if name is None:
        raise Http404("You have not been asked to confirm a name for this study.")
    return name


def may_see_full_list(user: Any) -> bool:
    """The full computed list, with everyone's reasons: the committee's view only."""
    return is_committee(user)


def shows_credit(user: Any) -> bool:
    """Whether the navigation offers Credit: to the people Studies is offered to (those who
    take part in a study, and the committee who set its authorship rules). A way in only;
    each credit page still asks the rules above."""
    from capture.access import shows_studies

    return shows_studies(user)
