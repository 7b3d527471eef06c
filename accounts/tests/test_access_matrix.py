from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import api_token_create
from core.testing.matrix import ANONYMOUS, Route, asks_two_factor, check_matrix, expect

pytestmark = pytest.mark.django_db

EVERYONE_SIGNED_IN = expect((200, 200))
# Own token: revoked (302). Someone else's token: not found (404).
OWN_THINGS_ONLY = expect((302, 404))
INVITERS = expect(
    (403, 403),
    site_lead_a=(200, 200),
    site_lead_b=(200, 200),
    committee=(200, 200),
    admin=(200, 200),
)


def revoke_url(personas, who, place):
    owner = personas.people["outsider" if who in ("trainee", ANONYMOUS) else "trainee"]
    if place == "own" and who != ANONYMOUS:
        owner = personas.people[who]
    token = api_token_create(user=owner, name="matrix-target").token
    return reverse("accounts:token_revoke", args=[token.pk])


def invitation_url(personas, who, place):
    """Own: the link of an invitation sent to a new address. Other: a token nobody was sent.
    The link is the capability: whoever holds it may open it (the sign-up it leads to is
    for the invited address); someone signed in is sent to their dashboard."""
    if place == "other":
        return reverse("accounts:invitation", args=["not-a-token-anyone-was-sent"])
    sent = Invitation.objects.create(
        email=f"new-{who}@example.org",
        token=secrets.token_urlsafe(32),
        invited_by=personas.admin,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return reverse("accounts:invitation", args=[sent.token])


ROUTES = [
    (
        Route("invitation link", invitation_url),
        expect((302, 404), anonymous=(302, 404)),
    ),
    (Route("tokens page", lambda p, w, pl: reverse("accounts:tokens")), EVERYONE_SIGNED_IN),
    (Route("profile page", lambda p, w, pl: reverse("accounts:profile")), EVERYONE_SIGNED_IN),
    (Route("revoke a token", revoke_url, method="post"), OWN_THINGS_ONLY),
    (Route("API me", lambda p, w, pl: "/api/v1/accounts/me", api=True), EVERYONE_SIGNED_IN),
]

# Inviting gives a role: a privileged action, asked for two-factor after the role.
INVITATIONS = Route("invitations page", lambda p, w, pl: reverse("accounts:invitations"))


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_accounts_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)


def test_inviting_needs_the_role_and_then_two_factor(personas):
    check_matrix(personas, INVITATIONS, asks_two_factor(INVITERS))
    check_matrix(personas.with_two_factor(), INVITATIONS, INVITERS)
