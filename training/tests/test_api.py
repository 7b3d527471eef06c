from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils.timezone import localdate

from accounts.tests.factories import PASSWORD, UserFactory
from training.selectors import add_years
from training.tests.factories import checklist, credential, output

pytestmark = pytest.mark.django_db


def test_my_credentials_come_with_status_and_expiry(client):
    me = UserFactory.create()
    completed = add_years(localdate() + dt.timedelta(days=10), -3)
    credential(me, days_ago=(localdate() - completed).days)
    client.force_login(me)
    body = client.get("/api/v1/training/credentials").json()
    assert body[0]["status"] == "due"
    assert body[0]["days_left"] == 10
    assert body[0]["expires_on"] is not None


def test_goals_report_progress(client):
    me = UserFactory.create()
    output(me)
    client.force_login(me)
    from training.services import goal_create

    goal_create(person=me, target=2, due_on=dt.date(2030, 1, 1))
    body = client.get("/api/v1/training/goals").json()
    assert (body[0]["achieved"], body[0]["target"], body[0]["done"]) == (1, 2, False)


def test_signing_through_the_api_names_the_field_at_fault(client):
    supervisor = UserFactory.create()
    started = checklist(UserFactory.create(), supervisor, days_ago=5)
    item = started.items.first()
    client.force_login(supervisor)
    url = f"/api/v1/training/checklists/{started.pk}/items/{item.pk}/sign"

    def post(**body):
        payload = {
            "password": PASSWORD,
            "evidence": "Seen",
            "signed_on": localdate().isoformat(),
        }
        return client.post(url, json.dumps(payload | body), content_type="application/json")

    wrong = post(password="nope")
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "password"]
    early = post(signed_on=(localdate() - dt.timedelta(days=6)).isoformat())
    assert early.json()["detail"][0]["loc"] == ["body", "signed_on"]
    assert post().json()["signed"] is True
    assert post().status_code == 422  # signed items are final
