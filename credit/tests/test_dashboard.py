"""The network dashboard's figures, each with its small-cell rule, and its pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from capture.models import DataQuery, Record
from credit import dashboard, portfolio, services
from credit.models import DashboardSetting
from credit.tests.factories import make_world, record
from network.models import Role
from network.tests.factories import MembershipFactory, RegionFactory, SiteFactory
from people.models import TraineeProfile
from projects.tests.factories import join, make_project
from training.tests.factories import credential, output, person_at, tracker

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def rows(fig: dashboard.Figure | None) -> dict[str, list]:
    assert fig is not None, "no such figure"
    return dict(fig.rows)


def test_small_counts_are_suppressed_but_zero_and_five_are_shown():
    assert [dashboard.suppress(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]


def test_members_by_region_counts_each_person_once_per_region(personas):
    north = RegionFactory.create(name="North")
    site = SiteFactory.create(name="North General", region=north)
    trainee = person_at(site)
    MembershipFactory.create(person=trainee, role=Role.MENTOR, site=site)
    regions = dashboard.person_regions()
    fig = dashboard.members_by_region(regions)
    assert rows(fig)["North"] == [1, 1, 0, 1]
    # Personas: trainee, mentor, two site leads at sites A and B (one region).
    persona = rows(fig)["Persona region"]
    assert persona[0] == 1
    assert persona[2] == 2
    assert fig.columns[-1] == "All members"


def test_members_by_grade_and_scheme(personas):
    TraineeProfile.objects.create(person=personas.trainee, grade="st3")
    fig = dashboard.members_by_grade(dashboard.person_regions())
    assert fig.columns == ["ST3"]
    assert rows(fig) == {"Persona region": [1]}
    from network.tests.factories import TrainingSchemeFactory

    scheme = TrainingSchemeFactory.create(name="Persona scheme", region=personas.site_a.region)
    TraineeProfile.objects.filter(person=personas.trainee).update(scheme=scheme)
    assert rows(dashboard.members_by_scheme()) == {"Persona scheme": [1, "Persona region"]}


def test_new_members_per_year_by_region(personas):
    span = dashboard.years()
    fig = dashboard.members_over_time(dashboard.person_regions(), span)
    # Everyone active joined this year; the pending newcomer and the outsider do not count.
    assert rows(fig)["Persona region"][-2] == 4
    assert fig.columns == [*map(str, span), "All"]


def test_share_of_trainees_with_an_active_project(personas):
    other = person_at(personas.site_b)
    make_project(personas.trainee)
    fig = dashboard.active_share(dashboard.person_regions())
    assert rows(fig)["Persona region"] == [2, 1, 50]
    assert rows(fig)["All regions"] == [2, 1, 50]
    assert other.pk  # the second trainee has no project


def test_a_team_member_counts_and_a_closed_project_does_not(personas):
    project = make_project(personas.mentor)
    join(project, personas.trainee)
    fig = dashboard.active_share(dashboard.person_regions())
    assert rows(fig)["Persona region"] == [1, 1, 100]
    project.status = "closed"
    project.save()
    fig = dashboard.active_share(dashboard.person_regions())
    assert rows(fig)["Persona region"] == [1, 0, 0]


def test_projects_by_type_and_status(personas):
    make_project(personas.trainee)
    make_project(personas.mentor, research_type="qi")
    fig = dashboard.projects_by_type_and_status()
    assert rows(fig)["Diagnostic accuracy"][-1] == 1
    assert rows(fig)["Quality improvement / audit"][-1] == 1
    assert fig.columns[-1] == "All"


def test_records_per_site_suppress_one_to_four(personas):
    world = make_world(personas)
    for _ in range(2):
        record(personas.trainee, world.study, world.site_a, complete=True)
    at_a = Record.objects.filter(study_site=world.site_a).count()
    assert at_a >= 5
    span = dashboard.years()
    data = dashboard.records_by_site_and_year(span)
    fig = dashboard.records_per_site(span, data)
    got = rows(fig)
    assert got["Site A Hospital (Persona region)"] == [1, 0, 0, 0, 0, at_a]
    assert got["Site B Hospital (Persona region)"] == [1, 0, 0, 0, 0, "<5"]
    assert fig.suppressed
    region = rows(dashboard.records_by_region(span, data))["Persona region"]
    assert region[-1] == at_a + 1


def test_records_of_an_earlier_year_stay_suppressed(personas):
    world = make_world(personas)
    Record.objects.filter(study_site=world.site_b).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    span = dashboard.years(timezone.localdate())
    data = dashboard.records_by_site_and_year(span)
    got = rows(dashboard.records_per_site(span, data))["Site B Hospital (Persona region)"]
    year_index = 1 + span.index((timezone.now() - dt.timedelta(days=400)).year)
    assert got[year_index] == "<5"


def test_open_queries_by_region(personas):
    make_world(personas)  # the mentor raised one query and closed it
    assert rows(dashboard.open_queries()) == {}
    DataQuery.objects.update(state=DataQuery.State.OPEN)
    assert rows(dashboard.open_queries()) == {"Persona region": [1]}


def test_outputs_per_year_and_by_region(personas):
    output(personas.trainee, kind="article")
    output(personas.trainee, kind="poster")
    output(personas.mentor, kind="oral")
    regions = dashboard.person_regions()
    pubs = dashboard.outputs_per_year(
        dashboard.PUBLICATION_KINDS, dashboard.years(), "p", "Publications"
    )
    assert rows(pubs)[str(THIS_YEAR)] == [1, 0, 0, 1]
    meetings = dashboard.outputs_per_year(dashboard.MEETING_KINDS, dashboard.years(), "m", "M")
    assert rows(meetings)[str(THIS_YEAR)] == [0, 1, 1, 2]
    by_region = dashboard.outputs_by_region(dashboard.MEETING_KINDS, regions, "mr", "M")
    assert rows(by_region) == {"Persona region": [2]}


def test_training_by_region_and_per_year(personas):
    credential(personas.trainee)
    credential(personas.mentor, kind="data_protection")
    tracker(personas.trainee)
    fig = dashboard.training_by_region(dashboard.person_regions())
    assert rows(fig)["Persona region"] == [4, 1, 2, 1]
    yearly = rows(dashboard.training_per_year(dashboard.years()))
    assert sum(yearly[str(y)][0] for y in dashboard.years()) == 1
    assert sum(yearly[str(y)][2] for y in dashboard.years()) == 1


def test_portfolio_totals_by_region(personas):
    study = portfolio.study_save(
        actor=personas.site_lead_a, site=personas.site_a, title="PROTECT", reference="1", target=40
    )
    portfolio.month_record(
        actor=personas.site_lead_a, study=study, month=dt.date(2026, 1, 9), recruited=3
    )
    portfolio.month_record(
        actor=personas.site_lead_a, study=study, month=dt.date(2026, 1, 1), recruited=7
    )
    portfolio.trainee_add(
        actor=personas.site_lead_a, study=study, person=personas.trainee, part="associate_pi"
    )
    totals, yearly = portfolio.figures()
    assert rows(totals) == {"Persona region": [1, 40, 7, 1]}
    assert rows(yearly)["Persona region"][-1] == 7


def test_the_four_aims_head_the_dashboard(personas):
    aims = dashboard.aims()
    assert [a.key for a in aims] == ["research", "meetings", "publications", "training"]
    assert dashboard.find(aims, "portfolio-region") is not None


def test_the_public_summary_has_no_site_rows_and_suppresses_every_small_count(personas):
    make_world(personas)
    make_project(personas.trainee)
    figures = dashboard.public_summary()
    keys = {f.key for f in figures}
    assert "records-site" not in keys
    assert "members-scheme" not in keys
    members = next(f for f in figures if f.key == "members-region")
    assert rows(members)["Persona region"][0] == "<5"
    share = next(f for f in figures if f.key == "active-share")
    assert rows(share)["Persona region"] == ["<5", "<5", "not shown"]


def test_bar_chart_is_inline_svg_and_draws_no_length_for_a_suppressed_cell():
    fig = dashboard.Figure("k", "T", "", ["n"], [("Big", [10]), ("Small", ["<5"])])
    svg = dashboard.bar_svg(fig)
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'width="320"' in svg
    assert 'width="8" height="15" fill="none"' in svg
    assert dashboard.bar_svg(dashboard.Figure("k", "T", "", ["n"])) == ""


def test_the_setting_is_off_by_default_and_switching_is_audited(personas):
    from audit.models import AuditEvent

    assert not DashboardSetting.current().public_summary
    services.dashboard_setting_save(actor=personas.committee, public_summary=True)
    assert DashboardSetting.current().public_summary
    assert AuditEvent.objects.filter(action="credit.dashboard.settings").exists()


# --- Views ------------------------------------------------------------------------------


@pytest.fixture
def committee(client, personas):
    personas.with_two_factor("committee")
    client.force_login(personas.committee)
    return client


def test_dashboard_page_shows_the_four_aims_charts_and_tables(committee, personas):
    make_world(personas)
    response = committee.get(reverse("credit:network"))
    body = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Engagement in audit and research",
        "national and international meetings",
        "Engagement in publications",
        "Engagement in research training",
    ):
        assert title in body
    assert "<svg" in body
    assert "<table>" in body
    assert "&lt;5" in body


def test_dashboard_csv_is_one_figure_and_spreadsheet_safe(committee, personas):
    from network.models import Region

    Region.objects.filter(name="Persona region").update(name="=SUM(A1)")
    response = committee.get(reverse("credit:network_csv", args=["members-region"]))
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][1:] == ["Trainees", "Mentors", "Site leads", "All members"]
    assert table[1][0] == "'=SUM(A1)"
    assert committee.get(reverse("credit:network_csv", args=["nothing"])).status_code == 404


def test_public_summary_is_404_until_switched_on(client, committee, personas):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(reverse("credit:summary")).status_code == 404
    response = committee.post(reverse("credit:network_settings"), {"public_summary": "on"})
    assert response.status_code == 302
    page = anonymous.get(reverse("credit:summary"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Persona region" in body
    assert "&lt;5" in body
    for person in personas.people.values():
        assert person.email not in body
    csv_response = anonymous.get(reverse("credit:summary_csv", args=["members-region"]))
    assert csv_response.status_code == 200
    assert anonymous.get(reverse("credit:summary_csv", args=["records-site"])).status_code == 404
    committee.post(reverse("credit:network_settings"), {})
    assert anonymous.get(reverse("credit:summary")).status_code == 404


def test_the_page_counts_at_most_a_minute_ago_and_the_summary_does_not_alter_it(personas):
    first_time, _ = dashboard.cached_aims()
    make_project(personas.trainee)
    again_time, again = dashboard.cached_aims()
    assert again_time == first_time
    dashboard.public_summary(again)
    share = rows(dashboard.find(dashboard.cached_aims()[1], "members-region"))
    assert share["Persona region"][0] == 1  # not turned into "<5" by the public summary
