"""Members take part; only the committee runs, decides and publishes; a match is its
mentee's alone (404 for anyone else)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, TWO_FACTOR, Route, check_matrix, expect
from matching.models import Match
from matching.tests.factories import add_mentee, add_mentor, make_round

pytestmark = pytest.mark.django_db


def a_round(personas, who, place):
    return make_round(name=f"Scheme {who} {place}")


def round_url(name):
    return lambda p, w, pl: reverse(name, args=[a_round(p, w, pl).pk])


def a_match(personas, who, place) -> Match:
    """Own: a published match whose mentee is the persona. Other: someone else's."""
    round_ = a_round(personas, who, place)
    mine = place == "own" and who != ANONYMOUS
    request = add_mentee(round_, person=personas.people[who] if mine else UserFactory())
    offer = add_mentor(round_)
    return Match.objects.create(
        round=round_, request=request, offer=offer, score=10, state=Match.State.PUBLISHED
    )


# A pending member (network.access: waiting for the site lead) takes part once approved:
# a round shares mentors' answers and the scheme's people, which wait for an active role.
MEMBERS = expect((200, 200), outsider=(403, 403), pending=(403, 403))
COMMITTEE = expect((403, 403), committee=(302, 302), admin=(302, 302))
OWN_ONLY = expect((200, 404))
ROUTES = [
    (Route("schemes", lambda p, w, pl: reverse("matching:index")), MEMBERS),
    (Route("round page", round_url("matching:round")), MEMBERS),
    (
        Route("new scheme", lambda p, w, pl: reverse("matching:scheme_new")),
        expect((403, 403), committee=(200, 200), admin=(200, 200)),
    ),
    (
        Route(
            "new round",
            lambda p, w, pl: reverse("matching:round_new", args=[a_round(p, w, pl).scheme_id]),
            method="post",
            data=lambda p, w, pl: {"name": "Autumn"},
        ),
        COMMITTEE,
    ),
    (Route("call for mentors", round_url("matching:offer")), MEMBERS),
    (Route("call for mentees", round_url("matching:request")), MEMBERS),
    (Route("run", round_url("matching:run"), method="post"), COMMITTEE),
    (Route("publish", round_url("matching:publish"), method="post"), COMMITTEE),
    (
        Route(
            "pin or forbid",
            lambda p, w, pl: reverse("matching:decide", args=[a_match(p, w, pl).round_id]),
            method="post",
            data=lambda p, w, pl: {
                "request": Match.objects.latest("pk").request_id,
                "offer": Match.objects.latest("pk").offer_id,
                "kind": "forbid",
            },
        ),
        COMMITTEE,
    ),
    (
        Route(
            "my match", lambda p, w, pl: reverse("matching:my_match", args=[a_match(p, w, pl).pk])
        ),
        OWN_ONLY,
    ),
    (
        Route(
            "accept",
            lambda p, w, pl: reverse("matching:accept", args=[a_match(p, w, pl).pk]),
            method="post",
        ),
        expect((302, 404)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_matching_access_matrix(two_factor, route, expected):
    check_matrix(two_factor, route, expected)


def test_the_committee_needs_two_factor_to_run_a_match(personas):
    wanted = expect((403, 403), committee=(TWO_FACTOR, TWO_FACTOR), admin=(TWO_FACTOR, TWO_FACTOR))
    check_matrix(personas, Route("run", round_url("matching:run"), method="post"), wanted)
