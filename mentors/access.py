"""Who may see a contact request: its trainee and its mentor, nobody else."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from mentors.models import ContactRequest


def requests_visible_to(user: User) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(Q(trainee=user) | Q(mentor=user)).select_related(
        "trainee", "mentor"
    )


def get_request_for_user(user: User, pk: int) -> ContactRequest:
    """The request if `user` is one of its two sides; 404 otherwise, so ids leak nothing."""
    return get_object_or_404(requests_visible_to(user), pk=pk)
