"""The mentoring API: the committee's round, then a participant's own match to the end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.testing.api import api_client
from matching import services
from matching.models import Match, Round
from matching.tests.factories import add_mentee, add_mentor, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    made = make_round()
    for interests in (["Neuroradiology"], ["Cardiac"]):
        add_mentor(made, capacity=2, interests=interests)
    for _ in range(3):
        add_mentee(made, interests=["Neuroradiology"])
    return made


def test_the_committee_runs_forbids_reruns_and_publishes(two_factor, round_):
    api = api_client(two_factor.committee)
    base = f"/api/v1/mentoring/rounds/{round_.pk}"
    ran = api.post(f"{base}/run", content_type="application/json").json()
    assert ran["queued"] is False
    assert ran["pairs"] == 3
    pairs = api.get(f"{base}/matches").json()
    assert {p["label"] for p in pairs[0]["parts"]} >= {"Shared subspecialties"}
    first = pairs[0]
    decided = api.post(
        f"{base}/decisions",
        {"request_id": first["request_id"], "offer_id": first["offer_id"], "kind": "forbid"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    api.post(f"{base}/run", content_type="application/json")
    assert not Match.objects.filter(
        request_id=first["request_id"], offer_id=first["offer_id"]
    ).exists()
    published = api.post(f"{base}/publish", content_type="application/json").json()
    assert published["state"] == "published"


def test_a_bad_decision_names_the_field(two_factor, round_):
    api = api_client(two_factor.committee)
    request, offer = round_.requests.first(), round_.offers.first()
    answer = api.post(
        f"/api/v1/mentoring/rounds/{round_.pk}/decisions",
        {"request_id": request.pk, "offer_id": offer.pk, "kind": "maybe"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "kind"]


def test_a_mentee_sees_only_their_own_match_and_follows_it_to_the_end(two_factor, round_):
    services.round_run(actor=two_factor.committee, round_=round_)
    services.round_publish(actor=two_factor.committee, round_=round_)
    mine, theirs = Match.objects.order_by("pk")[:2]
    mentee = api_client(mine.request.mentee)
    listed = mentee.get("/api/v1/mentoring/matches").json()
    assert [m["id"] for m in listed] == [mine.pk]
    assert mentee.get(f"/api/v1/mentoring/matches/{theirs.pk}").status_code == 404
    assert mentee.get(f"/api/v1/mentoring/rounds/{round_.pk}/matches").status_code == 403
    base = f"/api/v1/mentoring/matches/{mine.pk}"
    assert mentee.post(f"{base}/accept", content_type="application/json").json()["state"] == (
        "accepted"
    )
    today = timezone.localdate().isoformat()
    agreement = {"first_met_on": today, "goals": "An audit.", "meeting_frequency": "monthly"}
    mentor = api_client(mine.offer.mentor)
    first = mentee.post(f"{base}/agreement", agreement, content_type="application/json").json()
    assert first["confirmed"] is False
    both = mentor.post(f"{base}/agreement", agreement, content_type="application/json").json()
    assert both["confirmed"] is True
    mentee.post(f"{base}/feedback", {"rating": 5}, content_type="application/json")
    done = mentor.post(f"{base}/feedback", {"rating": 4}, content_type="application/json")
    assert done.json()["state"] == "completed"


def test_a_future_first_meeting_is_refused_naming_the_field(two_factor, round_):
    services.round_run(actor=two_factor.committee, round_=round_)
    services.round_publish(actor=two_factor.committee, round_=round_)
    match = Match.objects.first()
    assert match is not None
    mentee = api_client(match.request.mentee)
    mentee.post(f"/api/v1/mentoring/matches/{match.pk}/accept", content_type="application/json")
    answer = mentee.post(
        f"/api/v1/mentoring/matches/{match.pk}/agreement",
        {"first_met_on": "2999-01-01", "goals": "x", "meeting_frequency": "monthly"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "first_met_on"]


def test_reassignment_over_the_api_says_who_is_next(two_factor, round_):
    services.round_run(actor=two_factor.committee, round_=round_)
    services.round_publish(actor=two_factor.committee, round_=round_)
    match = Match.objects.first()
    assert match is not None
    before = match.offer_id
    answer = api_client(match.request.mentee).post(
        f"/api/v1/mentoring/matches/{match.pk}/reassign",
        {"reason": "No time in common."},
        content_type="application/json",
    )
    body = answer.json()
    if body["match"] is None:
        assert "full" in body["reason"] or "did not work out" in body["reason"]
    else:
        assert body["match"]["offer_id"] != before


def test_a_large_round_runs_in_the_background(
    two_factor, round_, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_PAIRS", 1)
    api = api_client(two_factor.committee)
    with django_capture_on_commit_callbacks(execute=True):
        ran = api.post(f"/api/v1/mentoring/rounds/{round_.pk}/run").json()
    assert ran["queued"] is True
    assert ran["round"]["run_state"] == "queued"
    round_.refresh_from_db()  # the immediate task backend ran it on commit
    assert round_.state == Round.State.DRAFTED
    assert round_.run_state == ""
    assert round_.matches.count() == 3
