"""The board tells the truth: distance in the fit, no Apply on one's own projects, an
effort estimate for every research type, and design words only where they apply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from network.models import Site
from network.tests.factories import RegionFactory, SiteFactory
from people.models import Term
from people.tests.test_services import save_trainee
from projects import selectors
from projects.board import BoardQuery, board_search
from projects.estimates import FIT_WEIGHTS, Home, Located, Trainee, effort_estimate, fit, kilometres
from projects.models import Project, ResearchType
from projects.tests.factories import join, make_project

pytestmark = pytest.mark.django_db

LONDON = (51.49800, -0.11830)  # St Thomas' Hospital
HOUSTON = (29.71010, -95.39980)  # Houston Methodist Hospital
KINGS = (51.46820, -0.09400)  # King's College Hospital
LEEDS = (53.80210, -1.55190)  # Leeds General Infirmary


def place(site: Site, lat_lon: tuple[float, float]) -> Site:
    site.latitude, site.longitude = (Decimal(str(v)) for v in lat_lon)
    site.save(update_fields=["latitude", "longitude"])
    return site


@pytest.fixture
def london_trainee(personas):
    """The trainee persona works at St Thomas' and shares the Neuroradiology interest."""
    place(personas.site_a, LONDON)
    profile = save_trainee(personas.trainee, hours_per_week=4)
    profile.interests.set(Term.objects.filter(name__in=["Neuroradiology", "MRI"]))
    return personas.trainee


def neuro(personas, title, site, **fields):
    terms = {
        "subspecialty": Term.objects.get(name="Neuroradiology"),
        "modality": Term.objects.get(name="MRI", kind="modality"),
    }
    return make_project(personas.mentor, title=title, sites=[site], **{**terms, **fields})


def test_great_circle_distances_match_published_figures():
    # London to Houston is about 7,800 km; London to Leeds about 270 km.
    assert 7_750 < kilometres(*LONDON, *HOUSTON) < 7_850
    assert 260 < kilometres(*LONDON, *LEEDS) < 285
    assert kilometres(*LONDON, *LONDON) == 0


def test_a_far_project_loses_points_and_says_why_first(personas):
    home = Home("St Thomas' Hospital", *LONDON)
    trainee = Trainee(frozenset(), frozenset(), None, home)
    project = make_project(personas.mentor)
    far = fit(project, trainee, [Located("Houston Methodist Hospital", *HOUSTON)])
    assert far.score == FIT_WEIGHTS["far"]
    assert far.reasons[0].startswith("Far from you: the nearest site, Houston Methodist Hospital")
    assert "km from St Thomas' Hospital" in far.reasons[0]
    near = fit(project, trainee, [Located("King's College Hospital", *KINGS)])
    assert near.score == FIT_WEIGHTS["near"]
    assert near.reasons[0] == "Near you: King's College Hospital is 4 km from St Thomas' Hospital"
    here = fit(project, trainee, [Located("St Thomas' Hospital", *LONDON)])
    assert here.score == FIT_WEIGHTS["near"]
    assert here.reasons[0] == "At your hospital, St Thomas' Hospital"
    # The nearest of several sites counts; a site without coordinates is not judged.
    both = fit(project, trainee, [Located("Houston", *HOUSTON), Located("Leeds", *LEEDS)])
    assert both.score == FIT_WEIGHTS["far"]
    assert fit(project, trainee, [Located("Nowhere", None, None)]).reasons == ()


def test_a_systematic_review_can_be_done_from_anywhere(personas):
    review = make_project(personas.mentor, research_type=ResearchType.REVIEW)
    trainee = Trainee(frozenset(), frozenset(), None, Home("Here", *LONDON))
    result = fit(review, trainee, [Located("Houston", *HOUSTON)])
    assert result.score == FIT_WEIGHTS["anywhere"]
    assert result.reasons == ("A systematic review can be done from anywhere",)


def test_a_london_trainee_sees_a_houston_project_below_a_london_one_with_the_reason(
    personas, london_trainee
):
    houston = place(
        SiteFactory.create(name="Houston Methodist Hospital", region=RegionFactory.create()),
        HOUSTON,
    )
    kings = place(
        SiteFactory.create(name="King's College Hospital", region=personas.site_a.region), KINGS
    )
    far = neuro(personas, "Stroke MRI in Houston", houston)
    # Nearby, but sharing only the modality: fewer interests, still first.
    close = neuro(personas, "MRI audit at King's", kings, subspecialty=None)
    trainee = selectors.trainee_of(london_trainee)
    page = board_search(BoardQuery(sort="fit"), trainee)
    items = list(page.object_list)
    assert [item.project for item in items] == [close, far]
    # The SQL sort and the reasons shown agree on the scores.
    assert items[0].fit.score > items[1].fit.score
    assert items[1].fit.reasons[0].startswith("Far from you")


def test_the_board_page_shows_the_distance_reason(client, personas, london_trainee):
    houston = place(
        SiteFactory.create(name="Houston Methodist Hospital", region=RegionFactory.create()),
        HOUSTON,
    )
    neuro(personas, "Stroke MRI in Houston", houston)
    client.force_login(london_trainee)
    page = client.get(reverse("projects:board")).content.decode()
    assert "Far from you: the nearest site, Houston Methodist Hospital, is 7,8" in page


def test_the_sql_fit_agrees_with_the_reasons_for_every_distance(personas, london_trainee):
    sites = {
        "near": place(SiteFactory.create(region=personas.site_a.region), KINGS),
        "reach": place(
            SiteFactory.create(region=personas.site_a.region), (52.2053, 0.1218)
        ),  # Cambridge
        "far": place(SiteFactory.create(region=RegionFactory.create()), HOUSTON),
    }
    for label, site in sites.items():
        neuro(personas, f"Project {label}", site)
    make_project(personas.mentor, title="Review", research_type="review")
    trainee = selectors.trainee_of(london_trainee)
    items = list(board_search(BoardQuery(sort="fit"), trainee).object_list)
    scores = [item.fit.score for item in items]
    assert scores == sorted(scores, reverse=True)
    titles = [i.project.title for i in items]
    assert (titles[0], titles[-1]) == ("Project near", "Project far")


def test_effort_falls_back_to_the_roles_when_a_project_gives_no_counts(personas):
    review = make_project(
        personas.mentor,
        research_type=ResearchType.REVIEW,
        cases=0,
        minutes_collection=0,
        minutes_reading=0,
    )
    effort = effort_estimate(review, 4, review.roles.all())
    # Roles: 3 h a week for 12 weeks and 2 h a week for 8 weeks.
    assert effort.basis == "roles"
    assert effort.work_hours == 52
    assert effort.work_weeks == 13
    assert str(effort).startswith("about 52 hours across the roles wanted")
    nothing = effort_estimate(review, 4, [])
    assert not nothing.known
    assert "0 hours" not in str(nothing)
    assert str(nothing).startswith("not estimated yet")


@pytest.mark.parametrize("research_type", ResearchType.values)
def test_every_research_type_gets_an_estimate_in_its_own_words(personas, research_type):
    project = make_project(
        personas.mentor, research_type=research_type, cases=100, minutes_collection=3
    )
    effort = effort_estimate(project, 5, project.roles.all())
    assert effort.work_hours > 0
    if research_type == "review":
        assert "screening and data extraction" in str(effort)
        assert project.design_summary == ""
    else:
        assert project.design_summary.startswith(project.get_timing_display())


def test_a_review_page_says_where_its_estimate_comes_from_and_no_design_words(client, personas):
    review = make_project(
        personas.mentor,
        research_type="review",
        cases=0,
        minutes_collection=0,
        minutes_reading=0,
    )
    client.force_login(personas.trainee)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "estimated from the roles wanted" in page
    assert "about <strong>0 hours" not in page
    assert "Retrospective, single-centre" not in page


def test_ones_own_projects_are_marked_and_offer_no_apply(client, personas):
    project = make_project(personas.mentor, title="My own study")
    join(project, personas.trainee)
    other = make_project(personas.mentor, title="Someone else's study")
    assert selectors.own_project_ids(personas.trainee) == frozenset({project.pk})
    items = board_search(BoardQuery(), None, selectors.own_project_ids(personas.trainee))
    own = {item.project.pk: item.own for item in items.object_list}
    assert own == {project.pk: True, other.pk: False}
    client.force_login(personas.trainee)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Your project" in page
    open_role = project.roles.filter(state="open").first()
    assert open_role is not None
    assert reverse("projects:apply", args=[open_role.pk]) not in page
    board = client.get(reverse("projects:board")).content.decode()
    assert "Your project" in board
    other_page = client.get(other.get_absolute_url()).content.decode()
    assert reverse("projects:apply", args=[other.roles.all()[0].pk]) in other_page
    assert Project.objects.count() == 2
