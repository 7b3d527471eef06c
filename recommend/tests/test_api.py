"""'For you' through the API: the caller's own list with reasons, "not for me" and its undo."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from core.testing.api import api_client
from recommend import services
from recommend.models import Dismissal
from recommend.tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def test_a_trainee_reads_the_stored_list_with_reasons(world):
    services.recommendations_refresh(person_id=world.trainee.pk)
    body = api_client(world.trainee).get("/api/v1/for-you").json()
    assert body["trainee"] is True
    assert body["computed_at"] is not None
    project = next(i for i in body["items"] if i["key"] == f"project:{world.project.pk}")
    assert project["kind"] == "project"
    assert {"interests", "hours"} <= {r["code"] for r in project["reasons"]}
    assert all(r["text"] for r in project["reasons"])


def test_a_member_without_a_trainee_profile_is_told_so(world, personas):
    body = api_client(personas.site_lead_a).get("/api/v1/for-you").json()
    assert body == {"trainee": False, "computed_at": None, "items": [], "dismissed": []}


def test_not_for_me_then_undo(world):
    api = api_client(world.trainee)
    key = f"project:{world.project.pk}"
    made = api.post("/api/v1/for-you/dismissals", {"item": key}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["key"] == key
    body = api.get("/api/v1/for-you").json()
    assert key not in {i["key"] for i in body["items"]}
    assert [d["key"] for d in body["dismissed"]] == [key]
    assert AuditEvent.objects.filter(action="recommendation.dismiss").count() == 1

    undone = api.delete(f"/api/v1/for-you/dismissals/{made.json()['id']}")
    assert undone.status_code == 204
    assert not Dismissal.objects.filter(person=world.trainee).exists()


def test_a_malformed_or_foreign_item_is_refused_naming_the_field(world):
    api = api_client(world.trainee)
    for item in ("project:abc", f"opportunity:{world.closed.pk}"):
        refused = api.post(
            "/api/v1/for-you/dismissals", {"item": item}, content_type="application/json"
        )
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "item"]
    assert not Dismissal.objects.exists()
