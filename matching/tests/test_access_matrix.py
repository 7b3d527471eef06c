"""Members take part; only the committee runs, decides and publishes; a match is its
mentee's alone (404 for anyone else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, TWO_FACTOR, Route, check_matrix, expect
from matching.models import Agreement, Feedback, Match, Round
from matching.tests.factories import add_mentee, add_mentor, make_round

pytestmark = pytest.mark.django_db


def a_round(personas, who, place):
    return make_round(name=f"Scheme {who} {place}")


def round_url(name):
    return lambda p, w, pl: reverse(name, args=[a_round(p, w, pl).pk])


def a_match(personas, who, place, state=Match.State.PUBLISHED) -> Match:
    """Own: a published match whose mentee is the persona. Other: someone else's."""
    round_ = a_round(personas, who, place)
    Round.objects.filter(pk=round_.pk).update(
        state=Round.State.PUBLISHED, published_at=timezone.now() - dt.timedelta(days=30)
    )
    round_.refresh_from_db()
    mine = place == "own" and who != ANONYMOUS
    request = add_mentee(round_, person=personas.people[who] if mine else UserFactory.create())
    offer = add_mentor(round_)
    return Match.objects.create(
        round=round_, request=request, offer=offer, score=10, state=state, parts=[]
    )


def agreed(personas, who, place, *, feedback: int = 0) -> Match:
    """An accepted match with a confirmed agreement (and `feedback` sides' feedback)."""
    match = a_match(personas, who, place, state=Match.State.ACCEPTED)
    now = timezone.now()
    Agreement.objects.create(
        match=match,
        first_met_on=timezone.localdate(),
        goals="A first paper.",
        meeting_frequency="monthly",
        mentee_agreed_at=now,
        mentor_agreed_at=now,
    )
    for side in ["mentor", "mentee"][:feedback]:
        Feedback.objects.create(match=match, side=side, rating=4)
    if feedback == 2:
        Match.objects.filter(pk=match.pk).update(state=Match.State.COMPLETED, completed_at=now)
    return match


def a_drafted_round(personas, who, place) -> Round:
    round_ = a_round(personas, who, place)
    Round.objects.filter(pk=round_.pk).update(state=Round.State.DRAFTED)
    return round_


def match_url(name, build=a_match):
    return lambda p, w, pl: reverse(name, args=[build(p, w, pl).pk])


def api(path):
    return lambda p, w, pl: f"/api/v1/mentoring{path}"


def api_round(path, build=a_round):
    return lambda p, w, pl: f"/api/v1/mentoring/rounds/{build(p, w, pl).pk}{path}"


def api_match(path, build=a_match):
    return lambda p, w, pl: f"/api/v1/mentoring/matches/{build(p, w, pl).pk}{path}"


def NO_BODY(p, w, pl):
    return {}


def latest_pair(p, w, pl):
    match = Match.objects.latest("pk")
    return {"request_id": match.request_id, "offer_id": match.offer_id, "kind": "forbid"}


def agreement_data(p, w, pl):
    return {
        "first_met_on": timezone.localdate().isoformat(),
        "goals": "Stroke MRI.",
        "meeting_frequency": "monthly",
    }


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
            "change a scheme",
            lambda p, w, pl: reverse("matching:scheme_edit", args=[a_round(p, w, pl).scheme_id]),
        ),
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
    (
        Route(
            "ask for another mentor",
            match_url("matching:reassign"),
            method="post",
            data=lambda p, w, pl: {"reason": "We could not find a time."},
        ),
        expect((302, 404)),
    ),
    (
        Route(
            "record the agreement",
            match_url("matching:agreement", lambda p, w, pl: a_match(p, w, pl, "accepted")),
            method="post",
            data=agreement_data,
        ),
        expect((302, 404)),
    ),
    (
        Route(
            "give feedback",
            match_url("matching:feedback", agreed),
            method="post",
            data=lambda p, w, pl: {"rating": "5", "comments": "Useful."},
        ),
        expect((302, 404)),
    ),
    (
        Route(
            "certificate",
            match_url("matching:certificate", lambda p, w, pl: agreed(p, w, pl, feedback=2)),
        ),
        OWN_ONLY,
    ),
]

# The API: the same rules, a token instead of a session.
API_MEMBERS = expect((200, 200), outsider=(403, 403), pending=(403, 403))
API_COMMITTEE = expect((403, 403), committee=(200, 200), admin=(200, 200))
API_ROUTES = [
    (Route("api rounds", api("/rounds"), api=True), API_MEMBERS),
    (Route("api round", api_round(""), api=True), API_MEMBERS),
    (Route("api round pairs", api_round("/matches"), api=True), API_COMMITTEE),
    (Route("api run", api_round("/run"), method="post", data=NO_BODY, api=True), API_COMMITTEE),
    (
        Route(
            "api pin or forbid",
            lambda p, w, pl: f"/api/v1/mentoring/rounds/{a_match(p, w, pl).round_id}/decisions",
            method="post",
            data=latest_pair,
            api=True,
        ),
        # The pair's round is published by the fixture: the committee is refused in words.
        expect((403, 403), committee=(422, 422), admin=(422, 422)),
    ),
    (
        Route(
            "api publish",
            api_round("/publish", a_drafted_round),
            method="post",
            data=NO_BODY,
            api=True,
        ),
        API_COMMITTEE,
    ),
    (Route("api my matches", api("/matches"), api=True), expect((200, 200))),
    (Route("api my match", api_match(""), api=True), expect((200, 404))),
    (
        Route("api accept", api_match("/accept"), method="post", data=NO_BODY, api=True),
        expect((200, 404)),
    ),
    (
        Route(
            "api reassign",
            api_match("/reassign"),
            method="post",
            data=lambda p, w, pl: {"reason": "No time in common."},
            api=True,
        ),
        expect((200, 404)),
    ),
    (
        Route(
            "api agreement",
            api_match("/agreement", lambda p, w, pl: a_match(p, w, pl, "accepted")),
            method="post",
            data=agreement_data,
            api=True,
        ),
        expect((200, 404)),
    ),
    (
        Route(
            "api feedback",
            api_match("/feedback", agreed),
            method="post",
            data=lambda p, w, pl: {"rating": 5, "comments": ""},
            api=True,
        ),
        expect((200, 404)),
    ),
]


@pytest.mark.parametrize(
    ("route", "expected"), ROUTES + API_ROUTES, ids=lambda x: getattr(x, "label", "")
)
def test_matching_access_matrix(two_factor, route, expected):
    check_matrix(two_factor, route, expected)


def test_the_committee_needs_two_factor_to_run_a_match(personas):
    wanted = expect((403, 403), committee=(TWO_FACTOR, TWO_FACTOR), admin=(TWO_FACTOR, TWO_FACTOR))
    check_matrix(personas, Route("run", round_url("matching:run"), method="post"), wanted)


def test_the_api_asks_the_committee_for_two_factor(personas):
    wanted = expect((403, 403), committee=(TWO_FACTOR, TWO_FACTOR), admin=(TWO_FACTOR, TWO_FACTOR))
    route = Route("api run", api_round("/run"), method="post", data=NO_BODY, api=True)
    check_matrix(personas, route, wanted)
