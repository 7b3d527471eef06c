from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import make_mentor
from network.tests.factories import RegionFactory, SiteFactory
from people.models import Term
from people.tests.test_services import save_trainee
from projects import selectors, services, workspace
from projects.board import BoardQuery, board_search
from projects.estimates import Trainee, effort_estimate, fit, quick_win
from projects.models import Project
from projects.tests.factories import NOTE, join, make_project

pytestmark = pytest.mark.django_db


def term(name):
    return Term.objects.get(name=name, kind__in=["subspecialty", "modality"])


def test_effort_is_cases_times_minutes_at_the_hours_given_after_approvals(personas):
    project = make_project(personas.mentor, cases=120, minutes_collection=10, minutes_reading=5)
    effort = effort_estimate(project, 3)
    assert effort.work_hours == 30
    assert effort.work_weeks == 10
    # ethics and data protection still to apply for: the longest (ethics, 12 weeks) sets the wait
    assert effort.approval_weeks == 12
    assert effort.waiting_for == ("ethics / IRB", "data protection")
    assert effort.total_weeks == 22
    assert "after about 12 weeks for ethics / IRB, data protection" in str(effort)


def test_quick_win_needs_all_four_facts_and_says_why_for_each(personas):
    supervised = UserFactory.create(full_name="Dr Record")
    make_mentor(supervised)
    from mentors.models import Supervision

    Supervision.objects.create(
        mentor=supervised,
        trainee=personas.trainee,
        topic="T",
        started_on="2024-01-01",
        ended_on="2024-06-01",
        state="completed",
    )
    mentor_stats_refresh()
    project = make_project(
        personas.mentor, mentor=supervised, ethics="granted", data_protection="not_needed"
    )
    project = selectors.project_page(project)
    win = quick_win(project)
    assert win.met, [p.reason for p in win.points]
    assert "Dr Record has seen 1 supervision through" in win.points[3].reason
    services.project_update(
        actor=personas.mentor,
        project=project,
        version=project.version,
        sites=[],
        timing="prospective",
        primary_outcome="",
        **{f: getattr(project, f) for f in ("title", "summary", "research_type", "mentor")},
    )
    win = quick_win(selectors.project_page(project))
    assert win.score == 2
    assert win.points[0].reason == "Prospective: cases must be recruited first."
    assert win.points[2].reason == "No primary outcome stated yet."
    page = board_search(BoardQuery(quick_win=True), None)
    assert page.paginator.count == 0


def test_fit_counts_interests_and_hours_with_a_reason_for_each(personas):
    project = make_project(
        personas.mentor, subspecialty=term("Neuroradiology"), modality=term("MRI")
    )
    profile = save_trainee(personas.trainee, hours_per_week=2)
    profile.interests.set(Term.objects.filter(name__in=["Neuroradiology", "Diagnostic accuracy"]))
    result = fit(project, Trainee.of(profile))
    assert result.score == 3 + 2 + 3
    assert result.reasons == (
        "Neuroradiology is one of your interests",
        "Diagnostic accuracy is a method you named",
        "A role needs 2 h a week; you have 2",
    )


def test_the_board_sorts_by_fit_and_filters(personas):
    region = RegionFactory.create(name="North")
    north = SiteFactory.create(name="North Hospital", region=region)
    neuro = make_project(
        personas.mentor,
        title="Neuro MRI audit",
        subspecialty=term("Neuroradiology"),
        sites=[north],
    )
    breast = make_project(
        personas.mentor,
        title="Breast screening study",
        subspecialty=term("Breast"),
        research_type="qi",
        sites=[personas.site_a],
    )
    profile = save_trainee(personas.trainee, hours_per_week=4)
    profile.interests.set(Term.objects.filter(name="Neuroradiology"))
    trainee = selectors.trainee_of(personas.trainee)
    page = board_search(BoardQuery(sort="fit"), trainee)
    assert [item.project for item in page.object_list] == [neuro, breast]
    assert "Neuroradiology is one of your interests" in page.object_list[0].fit.reasons
    assert [i.project for i in board_search(BoardQuery(region=region.pk), trainee)] == [neuro]
    assert [i.project for i in board_search(BoardQuery(site=personas.site_a.pk), None)] == [breast]
    assert [i.project for i in board_search(BoardQuery(research_type="qi"), None)] == [breast]
    assert [i.project for i in board_search(BoardQuery(text="screen"), None)] == [breast]
    assert [i.project for i in board_search(BoardQuery(text="neuro audit"), None)] == [neuro]
    assert board_search(BoardQuery(max_hours=1), None).paginator.count == 0


def test_the_board_shows_only_projects_open_for_help(personas):
    closed = make_project(personas.mentor, title="Closed")
    services.project_status_change(actor=personas.mentor, project=closed, status="closed")
    make_project(personas.mentor, title="No roles", roles=[])
    make_project(personas.mentor, title="Open")
    titles = [i.project.title for i in board_search(BoardQuery(), None)]
    assert titles == ["Open"]


def test_the_search_index_follows_title_changes(personas):
    project = make_project(personas.mentor, title="Liver elastography")
    Project.objects.filter(pk=project.pk).update(title="Renal elastography")
    assert board_search(BoardQuery(text="liver"), None).paginator.count == 0
    assert board_search(BoardQuery(text="renal"), None).paginator.count == 1


def _board_queries(client, count: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/projects", {"sort": "fit"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_board_runs_the_same_number_of_queries_for_2_and_20_results(client, personas):
    mentor = UserFactory.create(full_name="Dr Stats")
    make_mentor(mentor, site=personas.site_a)
    mentor_stats_refresh()
    profile = save_trainee(personas.trainee, hours_per_week=4)
    profile.interests.set(Term.objects.filter(name="Neuroradiology"))
    client.force_login(personas.trainee)
    for n in range(2):
        make_project(personas.mentor, title=f"P{n}", mentor=mentor, sites=[personas.site_a])
    # A first request fills what the process keeps (the taxonomy, the caches in front
    # of the session and the navigation); the count compared is the steady one.
    _board_queries(client, 2)
    few = _board_queries(client, 2)
    for n in range(2, 20):
        make_project(personas.mentor, title=f"P{n}", mentor=mentor, sites=[personas.site_a])
    assert _board_queries(client, 20) == few


def test_selectors_for_other_apps(personas):
    led = make_project(personas.mentor, title="Led", sites=[personas.site_a])
    supervised = make_project(personas.site_lead_a, title="Supervised", mentor=personas.mentor)
    done = make_project(personas.mentor, title="Done")
    services.project_status_change(actor=personas.mentor, project=done, status="published")
    assert {p.title for p in selectors.current_projects_for_mentor(personas.mentor)} == {
        led.title,
        supervised.title,
    }
    assert selectors.open_project_counts_by_site() == {personas.site_a.pk: 1}
    join(led, personas.trainee)
    assert [p.title for p in selectors.projects_of(personas.trainee)] == ["Led"]


def test_the_dashboard_lists_overdue_tasks_and_pending_applications(personas):
    project = make_project(personas.mentor)
    join(project, personas.trainee)
    workspace.task_create(
        actor=personas.mentor,
        project=project,
        title="Late",
        owner=personas.trainee,
        due_on=date(2020, 1, 1),
    )
    other = make_project(personas.mentor, title="Other")
    services.application_submit(applicant=personas.trainee, role=other.roles.all()[0], note=NOTE)
    mine = selectors.dashboard_of(personas.trainee)
    assert [t.title for t in mine.overdue] == ["Late"]
    assert len(mine.mine_pending) == 1
    assert len(selectors.dashboard_of(personas.mentor).to_decide) == 1


def test_the_services_keep_the_facets_the_index_finds_combined_filters_by(personas):
    region = RegionFactory.create(name="North")
    north = SiteFactory.create(name="North Hospital", region=region)
    neuro = make_project(
        personas.mentor,
        title="Neuro MRI audit",
        subspecialty=term("Neuroradiology"),
        modality=term("MRI"),
        sites=[north],
    )
    assert neuro.facets.split() == [
        "tydiagnostic",
        f"sub{term('Neuroradiology').pk}",
        f"mod{term('MRI').pk}",
        f"site{north.pk}",
        f"reg{region.pk}",
    ]
    make_project(personas.mentor, title="Neuro CT audit", subspecialty=term("Neuroradiology"))

    def found(**filters):
        return [i.project.title for i in board_search(BoardQuery(**filters), None)]

    two = {"subspecialty": term("Neuroradiology").pk, "region": region.pk}
    assert found(**two) == ["Neuro MRI audit"]
    assert found(text="audit", **two) == ["Neuro MRI audit"]
    assert found(text="audit", research_type="qi") == []
    assert found(research_type="diagnostic", modality=term("MRI").pk) == ["Neuro MRI audit"]
    # Moving the project to another site moves its words with it.
    services.project_update(
        actor=personas.mentor,
        project=neuro,
        version=neuro.version,
        sites=[personas.site_a],
        **{f: getattr(neuro, f) for f in ("title", "summary", "research_type", "subspecialty")},
        modality=term("MRI"),
    )
    assert found(**two) == []
    assert found(subspecialty=term("Neuroradiology").pk, site=personas.site_a.pk) == [
        "Neuro MRI audit"
    ]


@pytest.mark.parametrize("page", [str(2**63), str(10**22), "0"])
def test_an_absurd_page_number_is_refused_not_crashed(client, personas, page):
    client.force_login(personas.trainee)
    assert client.get(reverse("projects:board"), {"page": page}).status_code == 400
