from __future__ import annotations

import json

import pytest

from network.tests.test_api import api_client
from people.models import Term
from projects import services
from projects.models import Project
from projects.tests.factories import join, make_project

pytestmark = pytest.mark.django_db


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_a_project_is_posted_with_roles_and_found_on_the_board(personas):
    mentor = api_client(personas.mentor)
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    created = post(
        mentor,
        "/api/v1/projects",
        {
            "title": "Perfusion CT in stroke",
            "summary": "Retrospective accuracy study.",
            "research_type": "diagnostic",
            "subspecialty_id": neuro.pk,
            "site_ids": [personas.site_a.pk],
            "roles": [
                {"kind": "collection", "hours_per_week": 2, "duration_weeks": 8},
                {"kind": "statistics", "hours_per_week": 1, "duration_weeks": 4},
            ],
        },
    )
    assert created.status_code == 201, created.content
    assert [r["kind"] for r in created.json()["roles"]] == ["collection", "statistics"]
    board = api_client(personas.trainee).get(
        "/api/v1/projects", {"q": "perfusion", "subspecialty": neuro.pk, "max_hours": 2}
    )
    result = board.json()["results"][0]
    assert result["title"] == "Perfusion CT in stroke"
    assert result["effort"]["approval_weeks"] == 12
    assert result["quick_win_points"][0]["label"] == "Retrospective"


def test_bad_input_names_the_field(personas):
    response = post(
        api_client(personas.mentor),
        "/api/v1/projects",
        {"title": "T", "summary": "S", "research_type": "astrology"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "research_type"]
    assert not Project.objects.exists()
    board = api_client(personas.trainee).get("/api/v1/projects", {"sort": "x", "max_hours": 99})
    assert board.status_code == 422


def test_applying_when_overcommitted_answers_with_the_load(personas):
    for n in range(3):
        join(make_project(personas.mentor, title=f"Busy {n}"), personas.trainee)
    role = make_project(personas.mentor, title="Fourth").roles.first()
    client = api_client(personas.trainee)
    refused = post(client, f"/api/v1/projects/roles/{role.pk}/apply", {"note": "Keen"})
    assert refused.status_code == 422
    assert "You already hold 3 active projects" in refused.json()["detail"][0]["msg"]
    accepted = post(
        client, f"/api/v1/projects/roles/{role.pk}/apply", {"note": "Keen", "accept_load": True}
    )
    assert accepted.status_code == 201


def test_a_stale_task_update_answers_409_with_the_saved_values(personas):
    project = make_project(personas.mentor)
    task = services.task_create(actor=personas.mentor, project=project, title="Collect")
    client = api_client(personas.mentor)
    first = post(
        client, f"/api/v1/projects/tasks/{task.pk}", {"version": 1, "state": "doing"}, "patch"
    )
    assert first.json()["version"] == 2
    stale = post(
        client, f"/api/v1/projects/tasks/{task.pk}", {"version": 1, "state": "done"}, "patch"
    )
    assert stale.status_code == 409
    assert stale.json()["current"] == {"state": "In progress"}


def test_confirming_a_changed_agreement_answers_409(personas):
    project = make_project(personas.mentor)
    join(project, personas.trainee)
    lead = project.members.get(person=personas.mentor)
    line = services.AgreementLine(lead.pk, 1, {"supervision": "lead"})
    services.agreement_save(actor=personas.mentor, project=project, version=0, lines=[line])
    services.agreement_save(actor=personas.mentor, project=project, version=1, lines=[line])
    client = api_client(personas.trainee)
    stale = post(client, f"/api/v1/projects/{project.pk}/agreement/confirm", {"version": 1})
    assert stale.status_code == 409
    ok = post(client, f"/api/v1/projects/{project.pk}/agreement/confirm", {"version": 2})
    assert ok.json()["agreed"] is True


def test_the_lead_deletes_a_task_through_the_api_unless_it_changed(personas):
    project = make_project(personas.mentor)
    task = services.task_create(actor=personas.mentor, project=project, title="Collect")
    services.task_update(actor=personas.mentor, task=task, version=1, state="doing")
    client = api_client(personas.mentor)
    stale = client.delete(f"/api/v1/projects/tasks/{task.pk}?version=1")
    assert stale.status_code == 409
    assert stale.json()["current"]["state"] == "In progress"
    assert client.delete(f"/api/v1/projects/tasks/{task.pk}?version=2").status_code == 204
    assert not project.tasks.exists()
