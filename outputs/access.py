"""Who may see and change outputs.

A person's outputs are visible to every member of the network (anyone holding a role),
because they feed the mentors' track records that members already see. Anyone signed
in may keep their own outputs. Changing or deleting an output is for its owners: the
person who recorded it, its confirmed authors, and administrators.

A person named as an author by someone else may see the output while the link waits
for them, and only they may confirm or decline it: everyone else, administrators
included, gets 404 (`get_output_awaiting`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from network import access
from network.models import Role
from outputs.models import Author, Output, OutputImport

if TYPE_CHECKING:
    from accounts.models import User


def is_member(user: User) -> bool:
    return access.can(user, access.Action.VIEW_DIRECTORY)


def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.ADMIN in access.roles_of(user)


def own_outputs(user: User) -> QuerySet[Output]:
    """What `user` recorded or is a linked author of."""
    mine = Output.objects.filter(Q(added_by=user) | Q(authors__person=user))
    return Output.objects.filter(pk__in=mine.values("pk"))


def awaiting(user: User) -> QuerySet[Output]:
    """Outputs on which someone else named `user` as an author, waiting for their answer."""
    named = Author.objects.filter(pending_person=user).values("output_id")
    return Output.objects.filter(pk__in=named)


def outputs_visible_to(user: User) -> QuerySet[Output]:
    if is_member(user):
        return Output.objects.all()
    return own_outputs(user) | awaiting(user)


def may_edit(user: User, output: Output) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user) or output.added_by_id == user.pk:
        return True
    return output.authors.filter(person=user).exists()


def get_output_for_user(user: User, pk: int, *, write: bool = False) -> Output:
    """The output if `user` may see it (404 otherwise) and, for `write`, change it (403)."""
    output = outputs_visible_to(user).filter(pk=pk).first()
    if output is None:
        raise Http404("No such output.")
    if write and not may_edit(user, output):
        raise PermissionDenied(
            "Only the person who recorded an output or its authors may change it."
        )
    return output


def get_output_awaiting(user: User, pk: int) -> Output:
    """The output if it names `user` as an author waiting for their answer; 404 otherwise."""
    output = awaiting(user).filter(pk=pk).first() if user.is_authenticated else None
    if output is None:
        raise Http404("No author link waiting for you on this output.")
    return output


def require_member(user: User) -> None:
    """Seeing another person's outputs needs a role in the network."""
    if not is_member(user):
        raise PermissionDenied("Other people's outputs are shown to members of the network.")


def get_draft_for_user(user: User, pk: int) -> OutputImport:
    """An import preview belongs to the person who uploaded it; 404 for everyone else."""
    draft = OutputImport.objects.filter(pk=pk, person=user).first()
    if draft is None:
        raise Http404("No such import.")
    return draft
