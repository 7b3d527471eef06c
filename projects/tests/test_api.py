from __future__ import annotations

import datetime as dt
import json

import pytest

from core.testing.api import api_client
from people.models import Term
from projects import services, workspace
from projects.models import Project
from projects.tests.factories import NOTE, join, make_project

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
    query: dict[str, str | int] = {"q": "perfusion", "subspecialty": neuro.pk, "max_hours": 2}
    board = api_client(personas.trainee).get("/api/v1/projects", query)
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
    bad: dict[str, str | int] = {"sort": "x", "max_hours": 99}
    board = api_client(personas.trainee).get("/api/v1/projects", bad)
    assert board.status_code == 422


def test_applying_when_overcommitted_answers_with_the_load(personas):
    for n in range(3):
        join(make_project(personas.mentor, title=f"Busy {n}"), personas.trainee)
    role = make_project(personas.mentor, title="Fourth").roles.all()[0]
    client = api_client(personas.trainee)
    refused = post(client, f"/api/v1/projects/roles/{role.pk}/apply", {"note": NOTE})
    assert refused.status_code == 422
    assert "You already hold 3 active projects" in refused.json()["detail"][0]["msg"]
    accepted = post(
        client, f"/api/v1/projects/roles/{role.pk}/apply", {"note": NOTE, "accept_load": True}
    )
    assert accepted.status_code == 201


def test_a_stale_task_update_answers_409_with_the_saved_values(personas):
    project = make_project(personas.mentor)
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
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


@pytest.mark.parametrize("field", ["title", "state"])
def test_a_task_patch_that_nulls_a_required_field_is_refused_naming_it(personas, field):
    project = make_project(personas.mentor)
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    url = f"/api/v1/projects/tasks/{task.pk}"
    refused = post(api_client(personas.mentor), url, {"version": 1, field: None}, "patch")
    assert refused.status_code == 422
    error = refused.json()["detail"][0]
    assert error["loc"][-1] == field
    assert f"A task always has a {field}" in error["msg"]
    task.refresh_from_db()
    assert (task.title, task.state, task.version) == ("Collect", "todo", 1)


def test_a_task_patch_may_clear_the_due_date_and_owner(personas):
    project = make_project(personas.mentor)
    task = workspace.task_create(
        actor=personas.mentor,
        project=project,
        title="Collect",
        owner=personas.mentor,
        due_on=dt.date(2026, 5, 1),
    )
    url = f"/api/v1/projects/tasks/{task.pk}"
    body = {"version": 1, "due_on": None, "owner_id": None}
    cleared = post(api_client(personas.mentor), url, body, "patch")
    assert cleared.status_code == 200, cleared.content
    assert (cleared.json()["due_on"], cleared.json()["owner_id"]) == (None, None)


@pytest.mark.parametrize("version", [-1, 2**63, 10**22])
def test_a_delete_with_an_absurd_version_is_refused_naming_it(personas, version):
    project = make_project(personas.mentor)
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    refused = api_client(personas.mentor).delete(
        f"/api/v1/projects/tasks/{task.pk}?version={version}"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "version"]
    assert project.tasks.exists()


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
    task = workspace.task_create(actor=personas.mentor, project=project, title="Collect")
    workspace.task_update(actor=personas.mentor, task=task, version=1, state="doing")
    client = api_client(personas.mentor)
    stale = client.delete(f"/api/v1/projects/tasks/{task.pk}?version=1")
    assert stale.status_code == 409
    assert stale.json()["current"]["state"] == "In progress"
    assert client.delete(f"/api/v1/projects/tasks/{task.pk}?version=2").status_code == 204
    assert not project.tasks.exists()


def test_the_team_keeps_milestones_through_the_api(personas):
    project = make_project(personas.mentor)
    join(project, personas.trainee)
    member = api_client(personas.trainee)
    base = f"/api/v1/projects/{project.pk}/milestones"
    added = post(member, base, {"title": "Data in", "due_on": "2026-05-01"})
    assert added.status_code == 201, added.content
    milestone = added.json()
    assert (milestone["title"], milestone["version"]) == ("Data in", 1)
    url = f"/api/v1/projects/milestones/{milestone['id']}"
    moved = post(member, url, {"version": 1, "due_on": "2026-06-01"}, "patch")
    assert moved.json() == {**milestone, "due_on": "2026-06-01", "version": 2}
    stale = post(member, url, {"version": 1, "title": "All data in"}, "patch")
    assert stale.status_code == 409
    assert stale.json()["current"] == {"title": "Data in"}
    assert [m["due_on"] for m in member.get(base).json()] == ["2026-06-01"]
    assert member.delete(f"{url}?version=2").status_code == 403
    lead = api_client(personas.mentor)
    refused = lead.delete(f"{url}?version=1")
    assert refused.status_code == 409
    assert refused.json()["current"] == {
        "title": "Data in",
        "due on": "2026-06-01",
        "done on": "—",
    }
    assert lead.delete(f"{url}?version=2").status_code == 204
    assert member.get(base).json() == []


def test_the_team_records_and_corrects_meetings_through_the_api(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    project = make_project(personas.mentor)
    join(project, personas.trainee)
    member = api_client(personas.trainee)
    base = f"/api/v1/projects/{project.pk}/meetings"
    with django_capture_on_commit_callbacks(execute=True):
        recorded = post(
            member,
            base,
            {
                "held_on": "2026-03-02",
                "title": "Kick-off",
                "notes": "Agreed the proforma.",
                "actions": [{"text": "Build the form", "owner_id": personas.trainee.pk}],
            },
        )
    assert recorded.status_code == 201, recorded.content
    meeting = recorded.json()
    assert [(a["title"], a["owner"]) for a in meeting["actions"]] == [("Build the form", "Trainee")]
    assert "Build the form (Trainee)" in mailoutbox[-1].body
    url = f"/api/v1/projects/meetings/{meeting['id']}"
    corrected = post(member, url, {"version": 1, "notes": "Agreed the proforma and n."}, "patch")
    assert corrected.json()["notes"] == "Agreed the proforma and n."
    assert corrected.json()["title"] == "Kick-off"
    stale = post(member, url, {"version": 1, "notes": "Something else"}, "patch")
    assert stale.status_code == 409
    assert stale.json()["current"] == {"notes": "Agreed the proforma and n."}
    assert [m["version"] for m in member.get(base).json()] == [2]
    lead = api_client(personas.mentor)
    assert lead.delete(f"{url}?version=1").status_code == 409
    assert member.delete(f"{url}?version=2").status_code == 403
    assert lead.delete(f"{url}?version=2").status_code == 204
    assert not project.meetings.exists()
    assert project.tasks.get().title == "Build the form"


def test_patient_identifiers_in_meetings_are_refused_by_field_through_the_api(personas):
    project = make_project(personas.mentor)
    client = api_client(personas.mentor)
    base = f"/api/v1/projects/{project.pk}/meetings"
    meeting = {"held_on": "2026-03-02", "title": "Case review", "notes": "Agreed."}
    refused = post(client, base, {**meeting, "notes": "Reach her on +44 20 7946 0958"})
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "notes"]
    assert "looks like a phone number" in error["msg"]
    bad_action = {**meeting, "actions": [{"text": "Chase NHS 943 476 5919"}]}
    refused = post(client, base, bad_action)
    assert refused.json()["detail"][0]["loc"] == ["body", "actions.0.text"]
    assert not project.meetings.exists()
    assert not project.tasks.exists()
    saved = post(client, base, meeting).json()
    url = f"/api/v1/projects/meetings/{saved['id']}"
    patched = post(client, url, {"version": 1, "notes": "See a.b@nhs.net"}, "patch")
    assert patched.status_code == 422
    assert patched.json()["detail"][0]["loc"] == ["body", "notes"]
    assert client.get(base).json()[0]["notes"] == "Agreed."
    milestones = f"/api/v1/projects/{project.pk}/milestones"
    titled = post(client, milestones, {"title": "DOB 12/03/1985 case", "due_on": "2026-05-01"})
    assert titled.json()["detail"][0]["loc"] == ["body", "title"]


def test_milestone_and_meeting_routes_answer_404_off_the_team(personas):
    project = make_project(personas.mentor)
    milestone = workspace.milestone_create(
        actor=personas.mentor, project=project, title="Data in", due_on=dt.date(2026, 5, 1)
    )
    meeting = workspace.meeting_record(
        actor=personas.mentor, project=project, held_on=dt.date(2026, 3, 2), title="K", notes="N"
    )
    stranger = api_client(personas.trainee)
    base = f"/api/v1/projects/{project.pk}"
    assert stranger.get(f"{base}/milestones").status_code == 404
    assert stranger.get(f"{base}/meetings").status_code == 404
    added = post(stranger, f"{base}/milestones", {"title": "X", "due_on": "2026-05-01"})
    assert added.status_code == 404
    recorded = post(
        stranger, f"{base}/meetings", {"held_on": "2026-03-02", "title": "X", "notes": "N"}
    )
    assert recorded.status_code == 404
    for url in (
        f"/api/v1/projects/milestones/{milestone.pk}",
        f"/api/v1/projects/meetings/{meeting.pk}",
    ):
        assert post(stranger, url, {"version": 1, "title": "Mine"}, "patch").status_code == 404
        assert stranger.delete(f"{url}?version=1").status_code == 404
    milestone.refresh_from_db()
    meeting.refresh_from_db()
    assert (milestone.title, meeting.title) == ("Data in", "K")
    assert not project.milestones.exclude(pk=milestone.pk).exists()


NHS_NUMBER = "943 476 5919"  # modulus-11 valid


def test_a_project_whose_text_holds_an_identifier_answers_422_by_field(personas):
    response = post(
        api_client(personas.mentor),
        "/api/v1/projects",
        {
            "title": "Perfusion CT in stroke",
            "summary": f"Start with the scans of NHS {NHS_NUMBER}.",
            "research_type": "diagnostic",
            "roles": [
                {"kind": "collection", "hours_per_week": 2, "duration_weeks": 8},
                {
                    "kind": "reading",
                    "hours_per_week": 1,
                    "duration_weeks": 4,
                    "description": "Ring 07700 900123",
                },
            ],
        },
    )
    assert response.status_code == 422
    locs = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert set(locs) == {("body", "summary"), ("body", "roles.1.description")}
    assert "looks like an NHS number" in locs[("body", "summary")]
    assert not Project.objects.exists()


def test_status_notes_roles_applications_and_replies_are_screened_through_the_api(personas):
    project = make_project(personas.mentor)
    lead = api_client(personas.mentor)
    base = f"/api/v1/projects/{project.pk}"
    status = post(lead, f"{base}/status", {"status": "planning", "note": "See a.b@nhs.net"})
    assert status.status_code == 422
    assert status.json()["detail"][0]["loc"] == ["body", "note"]
    role = post(
        lead,
        f"{base}/roles",
        {
            "kind": "statistics",
            "hours_per_week": 1,
            "duration_weeks": 4,
            "description": "DOB 12/03/1985",
        },
    )
    assert role.status_code == 422
    assert role.json()["detail"][0]["loc"] == ["body", "description"]
    trainee = api_client(personas.trainee)
    open_role = project.roles.all()[0]
    applied = post(
        trainee, f"/api/v1/projects/roles/{open_role.pk}/apply", {"note": f"NHS {NHS_NUMBER}"}
    )
    assert applied.status_code == 422
    assert applied.json()["detail"][0]["loc"] == ["body", "note"]
    application = services.application_submit(applicant=personas.trainee, role=open_role, note=NOTE)
    url = f"/api/v1/projects/applications/{application.pk}/accept"
    replied = post(lead, url, {"reply": "Call +44 20 7946 0958"})
    assert replied.status_code == 422
    assert replied.json()["detail"][0]["loc"] == ["body", "reply"]
    project.refresh_from_db()
    application.refresh_from_db()
    assert (project.status, project.roles.count()) == ("idea", 2)
    assert list(open_role.applications.values_list("note", flat=True)) == [NOTE]
    assert application.state == "pending"
    assert post(lead, url, {"reply": "Welcome"}).json()["state"] == "accepted"
