"""Every projects route against every persona, on their own project and on someone else's.

"own" is a project the persona leads (or, for the member routes, is on the team of);
"other" is a stranger's project, open for help, at the persona's other site.
Workspace routes answer 404 to anyone off the team, administrators included.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, Route, check_matrix, expect, site_for
from projects import workspace
from projects.models import Application, Member, Project
from projects.tests.factories import NOTE, make_project, text_file

pytestmark = pytest.mark.django_db


def a_project(personas, who, place) -> Project:
    """Own: led by the persona. Other: led by a stranger (anonymous always gets this one)."""
    site = site_for(personas, who, place)
    if place == "own" and who != ANONYMOUS:
        return make_project(personas.people[who], sites=[site])
    return make_project(UserFactory.create(), sites=[site])


def a_team_project(personas, who, place) -> Project:
    """Own: the persona is on the team but does not lead it."""
    project = make_project(UserFactory.create(), sites=[site_for(personas, who, place)])
    if place == "own" and who != ANONYMOUS:
        Member.objects.create(project=project, person=personas.people[who], responsibility="Help")
    return project


def page(name):
    return lambda p, w, pl: reverse(name, args=[a_project(p, w, pl).pk])


def member_page(name):
    return lambda p, w, pl: reverse(name, args=[a_team_project(p, w, pl).pk])


def a_task(p, w, pl):
    project = a_project(p, w, pl)
    return workspace.task_create(actor=project.lead, project=project, title="Collect")


def a_version(p, w, pl):
    project = a_project(p, w, pl)
    return workspace.document_upload(
        actor=project.lead, project=project, folder="data", upload=text_file()
    )


def a_milestone(project_of):
    def make(p, w, pl):
        project = project_of(p, w, pl)
        return workspace.milestone_create(
            actor=project.lead, project=project, title="Approvals in", due_on=date(2030, 1, 1)
        )

    return make


def a_team_task(p, w, pl):
    project = a_team_project(p, w, pl)
    return workspace.task_create(actor=project.lead, project=project, title="Collect")


def a_meeting(project_of):
    def make(p, w, pl):
        project = project_of(p, w, pl)
        return workspace.meeting_record(
            actor=project.lead,
            project=project,
            held_on=date(2026, 1, 5),
            title="Kick-off",
            notes="N",
        )

    return make


def a_document(project_of):
    def make(p, w, pl):
        project = project_of(p, w, pl)
        version = workspace.document_upload(
            actor=project.lead, project=project, folder="data", upload=text_file()
        )
        return version.document

    return make


def item(name, make):
    """The URL of route `name` for an item (milestone, task, meeting, document) `make` builds."""
    return lambda p, w, pl: reverse(name, args=[make(p, w, pl).pk])


def apply_url(p, w, pl):
    return reverse("projects:apply", args=[a_project(p, w, pl).roles.all()[0].pk])


def an_application(p, w, pl) -> Application:
    """Own: the persona applied to a stranger's project. Other: between strangers."""
    project = make_project(UserFactory.create(), sites=[p.site_a])
    applicant = p.people[w] if pl == "own" and w != ANONYMOUS else UserFactory.create()
    return Application.objects.create(role=project.roles.all()[0], applicant=applicant, note=NOTE)


def an_application_to(p, w, pl) -> Application:
    """Own: a stranger applied to the persona's project. Other: between strangers."""
    project = a_project(p, w, pl)
    return Application.objects.create(
        role=project.roles.all()[0], applicant=UserFactory.create(), note=NOTE
    )


def a_role(project_of):
    return lambda p, w, pl: project_of(p, w, pl).roles.all()[0]


def asking(p, w, pl) -> Project:
    """Own: a stranger's project naming the persona its supervising mentor, waiting for
    their answer. Other: one naming another stranger. Neither is open for help, so only
    the team and the mentor asked may read it."""
    named = p.people[w] if pl == "own" and w != ANONYMOUS else UserFactory.create()
    return make_project(UserFactory.create(), mentor=named, roles=[], mentor_confirms=False)


def on_asking(name):
    return lambda p, w, pl: reverse(name, args=[asking(p, w, pl).pk])


def api_asking(action):
    return lambda p, w, pl: f"/api/v1/projects/{asking(p, w, pl).pk}/mentor/{action}"


def url(name):
    return lambda p, w, pl: reverse(name)


NETWORK = expect((200, 200), outsider=(403, 403))
TEAM_ONLY = expect((200, 404))
POST_TEAM = expect((302, 404))
ROUTES = [
    (Route("board", url("projects:board")), NETWORK),
    (Route("new project form", url("projects:new")), NETWORK),
    (Route("my projects", url("projects:mine")), expect((200, 200))),
    (Route("project page", page("projects:project")), expect((200, 200), outsider=(200, 403))),
    (Route("edit project", page("projects:edit")), TEAM_ONLY),
    (
        Route("change status", page("projects:status"), "post", lambda *a: {"status": "planning"}),
        POST_TEAM,
    ),
    (
        Route("status as a member", member_page("projects:status"), "post"),
        expect((403, 404)),
    ),
    (
        Route("edit as a member", member_page("projects:edit")),
        expect((403, 404)),
    ),
    (
        Route(
            "add role",
            page("projects:role_add"),
            "post",
            lambda *a: {"kind": "statistics", "hours_per_week": 1, "duration_weeks": 2},
        ),
        POST_TEAM,
    ),
    (Route("apply form", apply_url), NETWORK),
    (
        Route(
            "withdraw application",
            lambda p, w, pl: reverse(
                "projects:application", args=[an_application(p, w, pl).pk, "withdraw"]
            ),
            "post",
            data=lambda *a: {"confirmed": "yes"},
        ),
        expect((302, 404)),
    ),
    (
        Route(
            "confirm withdrawing an application",
            lambda p, w, pl: reverse(
                "projects:application", args=[an_application(p, w, pl).pk, "withdraw"]
            ),
            "post",
        ),
        expect((200, 404)),
    ),
    (Route("team and authorship", page("projects:team")), TEAM_ONLY),
    (Route("team as a member", member_page("projects:team")), TEAM_ONLY),
    (
        Route("save agreement as a member", member_page("projects:agreement"), "post"),
        expect((403, 404)),
    ),
    (Route("confirm agreement", member_page("projects:confirm"), "post"), POST_TEAM),
    (Route("declare contribution", member_page("projects:declare"), "post"), POST_TEAM),
    (Route("tasks", page("projects:tasks")), TEAM_ONLY),
    (Route("meetings", member_page("projects:meetings")), TEAM_ONLY),
    (Route("documents", member_page("projects:documents")), TEAM_ONLY),
    (
        Route("task page", lambda p, w, pl: reverse("projects:task", args=[a_task(p, w, pl).pk])),
        TEAM_ONLY,
    ),
    (
        Route(
            "move task",
            lambda p, w, pl: reverse("projects:task_move", args=[a_task(p, w, pl).pk]),
            "post",
            lambda *a: {"state": "done", "version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "download", lambda p, w, pl: reverse("projects:download", args=[a_version(p, w, pl).pk])
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "add milestone",
            member_page("projects:milestone_add"),
            "post",
            lambda *a: {"milestone-title": "Data in", "milestone-due_on": "2030-01-01"},
        ),
        POST_TEAM,
    ),
    (Route("close role", item("projects:role_withdraw", a_role(a_project)), "post"), POST_TEAM),
    (
        Route(
            "close role as a member", item("projects:role_withdraw", a_role(a_team_project)), "post"
        ),
        expect((403, 404)),
    ),
    (
        Route(
            "accept application",
            lambda p, w, pl: reverse(
                "projects:application", args=[an_application_to(p, w, pl).pk, "accept"]
            ),
            "post",
        ),
        POST_TEAM,
    ),
    (
        Route(
            "decline application",
            lambda p, w, pl: reverse(
                "projects:application", args=[an_application_to(p, w, pl).pk, "decline"]
            ),
            "post",
            data=lambda *a: {"confirmed": "yes"},
        ),
        POST_TEAM,
    ),
    (Route("milestone page", item("projects:milestone", a_milestone(a_project))), TEAM_ONLY),
    (
        Route(
            "milestone page as a member", item("projects:milestone", a_milestone(a_team_project))
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "save milestone as a member",
            item("projects:milestone", a_milestone(a_team_project)),
            "post",
            lambda *a: {"title": "Renamed", "due_on": "2030-02-01", "version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "mark milestone reached",
            item("projects:milestone_done", a_milestone(a_team_project)),
            "post",
            lambda *a: {"version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete milestone",
            item("projects:milestone_delete", a_milestone(a_project)),
            "post",
            lambda *a: {"version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete milestone as a member",
            item("projects:milestone_delete", a_milestone(a_team_project)),
            "post",
            lambda *a: {"version": 1},
        ),
        expect((403, 404)),
    ),
    (
        Route("task page as a member", item("projects:task", a_team_task)),
        TEAM_ONLY,
    ),
    (
        Route(
            "move task as a member",
            item("projects:task_move", a_team_task),
            "post",
            lambda *a: {"state": "doing", "version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete task",
            item("projects:task_delete", a_task),
            "post",
            lambda *a: {"version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete task as a member",
            item("projects:task_delete", a_team_task),
            "post",
            lambda *a: {"version": 1},
        ),
        expect((403, 404)),
    ),
    (Route("meeting page", item("projects:meeting", a_meeting(a_team_project))), TEAM_ONLY),
    (
        Route(
            "save meeting as a member",
            item("projects:meeting", a_meeting(a_team_project)),
            "post",
            lambda *a: {"held_on": "2026-01-05", "title": "K", "notes": "M", "version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete meeting",
            item("projects:meeting_delete", a_meeting(a_project)),
            "post",
            lambda *a: {"version": 1},
        ),
        POST_TEAM,
    ),
    (
        Route(
            "delete meeting as a member",
            item("projects:meeting_delete", a_meeting(a_team_project)),
            "post",
            lambda *a: {"version": 1},
        ),
        expect((403, 404)),
    ),
    (Route("document page", item("projects:document", a_document(a_team_project))), TEAM_ONLY),
    (
        Route(
            "rename document as a member",
            item("projects:document", a_document(a_team_project)),
            "post",
            lambda *a: {"folder": "analysis", "name": "Renamed"},
        ),
        POST_TEAM,
    ),
    (
        Route("archive document", item("projects:document_archive", a_document(a_project)), "post"),
        POST_TEAM,
    ),
    (
        Route(
            "archive document as a member",
            item("projects:document_archive", a_document(a_team_project)),
            "post",
        ),
        expect((403, 404)),
    ),
    (Route("API board", lambda *a: "/api/v1/projects", api=True), NETWORK),
    (Route("API my projects", lambda *a: "/api/v1/projects/mine", api=True), expect((200, 200))),
    (
        Route(
            "API project", lambda p, w, pl: f"/api/v1/projects/{a_project(p, w, pl).pk}", api=True
        ),
        expect((200, 200), outsider=(200, 403)),
    ),
    (
        Route(
            "API post project",
            lambda *a: "/api/v1/projects",
            "post",
            lambda *a: {"title": "T", "summary": "S", "research_type": "qi"},
            api=True,
        ),
        expect((201, 201), outsider=(403, 403)),
    ),
    (
        Route(
            "API status",
            lambda p, w, pl: f"/api/v1/projects/{a_project(p, w, pl).pk}/status",
            "post",
            lambda *a: {"status": "planning"},
            api=True,
        ),
        expect((200, 404)),
    ),
    (
        Route(
            "API status as a member",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/status",
            "post",
            lambda *a: {"status": "planning"},
            api=True,
        ),
        expect((403, 404)),
    ),
    (
        Route(
            "API add role",
            lambda p, w, pl: f"/api/v1/projects/{a_project(p, w, pl).pk}/roles",
            "post",
            lambda *a: {"kind": "writing", "hours_per_week": 1, "duration_weeks": 2},
            api=True,
        ),
        expect((201, 404)),
    ),
    (
        Route(
            "API apply",
            lambda p, w, pl: (
                f"/api/v1/projects/roles/{a_project(p, w, pl).roles.all()[0].pk}/apply"
            ),
            "post",
            lambda *a: {"note": NOTE},
            api=True,
        ),
        # The lead cannot apply to their own project (422); outsiders are not in the network.
        expect((422, 201), outsider=(403, 403)),
    ),
    (
        Route(
            "API withdraw application",
            lambda p, w, pl: (
                f"/api/v1/projects/applications/{an_application(p, w, pl).pk}/withdraw"
            ),
            "post",
            api=True,
        ),
        expect((200, 404)),
    ),
    (
        Route(
            "API tasks",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/tasks",
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API add task",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/tasks",
            "post",
            lambda *a: {"title": "New"},
            api=True,
        ),
        expect((201, 404)),
    ),
    (
        Route(
            "API update task",
            lambda p, w, pl: f"/api/v1/projects/tasks/{a_task(p, w, pl).pk}",
            "patch",
            lambda *a: {"version": 1, "state": "done"},
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API delete task",
            lambda p, w, pl: f"/api/v1/projects/tasks/{a_task(p, w, pl).pk}?version=1",
            "delete",
            api=True,
        ),
        expect((204, 404)),
    ),
    (
        Route(
            "API delete task as a member",
            lambda p, w, pl: f"/api/v1/projects/tasks/{a_team_task(p, w, pl).pk}?version=1",
            "delete",
            api=True,
        ),
        expect((403, 404)),
    ),
    (
        Route(
            "API milestones",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/milestones",
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API add milestone",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/milestones",
            "post",
            lambda *a: {"title": "Data in", "due_on": "2030-01-01"},
            api=True,
        ),
        expect((201, 404)),
    ),
    (
        Route(
            "API update milestone",
            lambda p, w, pl: f"/api/v1/projects/milestones/{a_milestone(a_project)(p, w, pl).pk}",
            "patch",
            lambda *a: {"version": 1, "title": "Renamed"},
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API update milestone as a member",
            lambda p, w, pl: (
                f"/api/v1/projects/milestones/{a_milestone(a_team_project)(p, w, pl).pk}"
            ),
            "patch",
            lambda *a: {"version": 1, "due_on": "2030-02-01"},
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API delete milestone",
            lambda p, w, pl: (
                f"/api/v1/projects/milestones/{a_milestone(a_project)(p, w, pl).pk}?version=1"
            ),
            "delete",
            api=True,
        ),
        expect((204, 404)),
    ),
    (
        Route(
            "API delete milestone as a member",
            lambda p, w, pl: (
                f"/api/v1/projects/milestones/{a_milestone(a_team_project)(p, w, pl).pk}?version=1"
            ),
            "delete",
            api=True,
        ),
        expect((403, 404)),
    ),
    (
        Route(
            "API meetings",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/meetings",
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API record meeting",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/meetings",
            "post",
            lambda *a: {
                "held_on": "2026-01-05",
                "title": "Kick-off",
                "notes": "N",
                "actions": [{"text": "Build the form"}],
            },
            api=True,
        ),
        expect((201, 404)),
    ),
    (
        Route(
            "API update meeting",
            lambda p, w, pl: f"/api/v1/projects/meetings/{a_meeting(a_project)(p, w, pl).pk}",
            "patch",
            lambda *a: {"version": 1, "notes": "M"},
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API update meeting as a member",
            lambda p, w, pl: f"/api/v1/projects/meetings/{a_meeting(a_team_project)(p, w, pl).pk}",
            "patch",
            lambda *a: {"version": 1, "notes": "M"},
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API delete meeting",
            lambda p, w, pl: (
                f"/api/v1/projects/meetings/{a_meeting(a_project)(p, w, pl).pk}?version=1"
            ),
            "delete",
            api=True,
        ),
        expect((204, 404)),
    ),
    (
        Route(
            "API delete meeting as a member",
            lambda p, w, pl: (
                f"/api/v1/projects/meetings/{a_meeting(a_team_project)(p, w, pl).pk}?version=1"
            ),
            "delete",
            api=True,
        ),
        expect((403, 404)),
    ),
    (
        Route(
            "API agreement",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/agreement",
            api=True,
        ),
        TEAM_ONLY,
    ),
    (
        Route(
            "API confirm agreement",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/agreement/confirm",
            "post",
            lambda *a: {"version": 0},
            api=True,
        ),
        # On the team, there is nothing to confirm yet: a clear 422, not a leak.
        expect((422, 404)),
    ),
    (
        Route(
            "API documents",
            lambda p, w, pl: f"/api/v1/projects/{a_team_project(p, w, pl).pk}/documents",
            api=True,
        ),
        TEAM_ONLY,
    ),
    # Only the mentor the lead named answers; anyone else, administrators included, gets 404.
    (Route("project page asking me", on_asking("projects:project")), expect((200, 404))),
    (Route("confirm supervising", on_asking("projects:mentor_confirm"), "post"), POST_TEAM),
    (Route("decline supervising", on_asking("projects:mentor_decline"), "post"), POST_TEAM),
    (
        Route("API projects asking me", lambda *a: "/api/v1/projects/mentor-requests", api=True),
        expect((200, 200)),
    ),
    (Route("API confirm supervising", api_asking("confirm"), "post", api=True), expect((200, 404))),
    (Route("API decline supervising", api_asking("decline"), "post", api=True), expect((204, 404))),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_projects_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
