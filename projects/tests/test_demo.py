"""The demo shows the projects capability to every role, and a second run adds nothing."""

from __future__ import annotations

import pytest

from accounts.models import User
from core.extensions import demo_seeders
from mentors.demo import seed_track_records
from network.demo import DEMO_DOMAIN, seed_network
from people.demo import seed_people
from projects.demo import seed
from projects.models import Meeting, Project, Task
from projects.selectors import dashboard_of

pytestmark = pytest.mark.django_db


def person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def test_seed_demo_runs_the_projects_seeder():
    assert seed in demo_seeders()


def test_every_role_sees_its_projects_on_the_dashboard_and_a_second_run_adds_nothing(
    django_capture_on_commit_callbacks,
):
    seed_network()
    seed_people()
    seed_track_records()
    with django_capture_on_commit_callbacks(execute=True) as sent:
        seed()
    counts = (Project.objects.count(), Task.objects.count(), Meeting.objects.count())
    seed()
    assert counts == (Project.objects.count(), Task.objects.count(), Meeting.objects.count())
    # Each recorded meeting queues its summary for the team.
    assert len(sent) >= 2

    trainee = dashboard_of(person("trainee"))
    assert trainee.projects
    assert trainee.projects[0].next_milestone is not None
    assert [t.title for t in trainee.overdue] == ["Extract follow-up for cases 1 to 100"]
    assert trainee.mine_pending
    mentor = dashboard_of(person("mentor"))
    assert mentor.to_decide
    assert mentor.overdue
    site_a, site_b = dashboard_of(person("sitelead.a")), dashboard_of(person("sitelead.b"))
    assert [t.title for t in site_b.overdue] == ["Pull March request and report times from RIS"]
    next_milestone = site_a.projects[0].next_milestone
    assert next_milestone is not None
    assert next_milestone.title == "First cycle collected"
    assert dashboard_of(person("committee")).to_decide
    assert dashboard_of(person("statistician")).projects
