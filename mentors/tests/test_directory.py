from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentors.directory import (
    PAGE_SIZE,
    DirectoryQuery,
    directory_search,
    kilometres,
    text_matches,
)
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import make_mentor
from network.tests.factories import SiteFactory
from people.models import MentorProfile, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def london(personas):
    personas.site_a.latitude, personas.site_a.longitude = Decimal("51.49800"), Decimal("-0.11830")
    personas.site_a.save()
    return personas.site_a


@pytest.fixture
def mentors(personas, london):
    """Three mentors: neuro in London, neuro in Manchester, breast in London not taking."""
    manchester = SiteFactory.create(
        name="Manchester", latitude=Decimal("53.4627"), longitude=Decimal("-2.2265")
    )
    neuro_london = make_mentor(UserFactory.create(full_name="Dr Near Neuro"), site=london)
    neuro_far = make_mentor(UserFactory.create(full_name="Dr Far Neuro"), site=manchester)
    breast = make_mentor(
        UserFactory.create(full_name="Dr Breast Only"), site=london, accepting=False
    )
    breast.expertise.set(Term.objects.filter(name="Breast"))
    breast.statement = "Mammography screening audits."
    breast.save()
    mentor_stats_refresh()
    return {"near": neuro_london, "far": neuro_far, "breast": breast}


def names(page) -> list[str]:
    return [m.person.full_name for m in page.object_list]


def test_text_search_finds_words_in_expertise_and_statements(mentors):
    assert set(text_matches("neuro") or ()) == {mentors["near"].pk, mentors["far"].pk}
    assert set(text_matches("mammography screen") or ()) == {mentors["breast"].pk}
    assert text_matches("  ") is None


def test_odd_characters_in_a_search_are_words_not_syntax(mentors):
    assert text_matches('neuro" * ( ) : ^') == text_matches("neuro")


def test_filters_combine(mentors):
    neuro = Term.objects.get(name="Neuroradiology").pk
    page = directory_search(DirectoryQuery(terms=(neuro,), accepting=True))
    assert set(names(page)) == {"Dr Near Neuro", "Dr Far Neuro"}


def test_every_chosen_term_must_be_held_and_a_term_is_not_a_word(mentors):
    neuro = Term.objects.get(name="Neuroradiology").pk
    breast = Term.objects.get(name="Breast").pk
    assert names(directory_search(DirectoryQuery(terms=(neuro, breast)))) == []
    mentors["far"].expertise.add(breast)
    mentor_stats_refresh()
    assert names(directory_search(DirectoryQuery(terms=(neuro, breast)))) == ["Dr Far Neuro"]


def test_a_deactivated_mentor_leaves_the_directory_at_the_next_recount(mentors):
    person = mentors["near"].person
    person.is_active = False
    person.save()
    mentor_stats_refresh()
    assert "Dr Near Neuro" not in names(directory_search(DirectoryQuery()))


def test_a_radius_keeps_only_mentors_near_the_site(mentors, london):
    page = directory_search(DirectoryQuery(near=london, within_km=50))
    assert set(names(page)) == {"Dr Near Neuro", "Dr Breast Only"}
    assert all(m.distance_km < 1 for m in page.object_list)


def test_sorting_by_distance_puts_the_nearest_first(mentors, london):
    page = directory_search(DirectoryQuery(near=london, sort="distance"))
    assert names(page)[-1] == "Dr Far Neuro"
    assert page.object_list[-1].distance_km == pytest.approx(262, abs=5)


def test_kilometres_between_london_and_manchester(london):
    manchester = SiteFactory.create(latitude=Decimal("53.4808"), longitude=Decimal("-2.2426"))
    assert kilometres(london, manchester) == pytest.approx(262, abs=5)


def test_sorting_by_relevance_ranks_text_matches(mentors):
    page = directory_search(DirectoryQuery(text="mammography", sort="relevance"))
    assert names(page) == ["Dr Breast Only"]


def test_quick_reply_needs_enough_requests(mentors):
    assert names(directory_search(DirectoryQuery(quick_reply=True))) == []


def test_the_query_count_does_not_grow_with_results(mentors, london):
    query = DirectoryQuery(text="neuro", near=london, sort="relevance")
    with CaptureQueriesContext(connection) as few:
        directory_search(query)
    for index in range(30):
        make_mentor(UserFactory.create(full_name=f"Dr Extra Neuro {index}"), site=london)
    mentor_stats_refresh()
    with CaptureQueriesContext(connection) as many:
        page = directory_search(query)
    assert len(page.object_list) == PAGE_SIZE
    assert len(many) == len(few)


def test_the_page_filters_in_place_with_htmx(client, personas, mentors):
    client.force_login(personas.trainee)
    url = reverse("mentors:directory")
    response = client.get(url, {"q": "neuro", "within_km": "50"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Dr Near Neuro" in body
    assert "Dr Far Neuro" not in body


def test_a_bad_filter_is_named(client, personas, mentors):
    client.force_login(personas.trainee)
    response = client.get(reverse("mentors:directory"), {"within_km": "7", "sort": "loudest"})
    assert response.status_code == 400
    assert {"within_km", "sort"} <= set(response.context["form"].errors)


def test_the_api_answers_the_same_search(personas, mentors):
    from core.testing.api import api_client

    query: dict[str, str | int] = {"q": "neuro", "within_km": 50, "accepting": True}
    response = api_client(personas.trainee).get("/api/v1/mentors", query)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == "Dr Near Neuro"
    assert body["results"][0]["distance_km"] < 1


def test_the_api_names_a_bad_filter(personas, mentors):
    from core.testing.api import api_client

    response = api_client(personas.trainee).get("/api/v1/mentors", {"sort": "loudest"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "sort"]


def test_only_mentors_with_a_profile_are_listed(personas, mentors):
    assert MentorProfile.objects.count() == 3
    assert directory_search(DirectoryQuery()).paginator.count == 3


def test_counts_come_with_the_page_and_a_page_too_far_gives_the_last(personas, london):
    for index in range(25):
        make_mentor(UserFactory.create(full_name=f"Dr Many {index}"), site=london)
    mentor_stats_refresh()
    first = directory_search(DirectoryQuery())
    assert first.paginator.count == 25
    assert len(first.object_list) == PAGE_SIZE == 10
    beyond = directory_search(DirectoryQuery(page=9))
    assert beyond.number == 3
    assert len(beyond.object_list) == 5


def test_mentors_without_a_site_stay_unless_a_radius_is_asked(personas, london):
    make_mentor(UserFactory.create(full_name="Dr Nowhere"))
    mentor_stats_refresh()
    assert names(directory_search(DirectoryQuery(near=london))) == ["Dr Nowhere"]
    assert names(directory_search(DirectoryQuery(near=london, within_km=50))) == []


@pytest.mark.parametrize("sort", ["track_record", "reply"])
def test_the_order_is_the_same_whether_few_or_many_match(mentors, sort):
    from mentors.directory import _filtered, _sorted_ids

    query = DirectoryQuery(sort=sort)
    found = _filtered(query)
    assert list(_sorted_ids(found, query, few=True)) == list(_sorted_ids(found, query, few=False))


@pytest.mark.parametrize("page", [str(2**63), str(10**22), "0"])
def test_an_absurd_page_number_is_refused_not_crashed(client, personas, page):
    client.force_login(personas.trainee)
    assert client.get(reverse("mentors:directory"), {"page": page}).status_code == 400


def test_the_directory_page_shows_ten_compact_cards_and_numbered_pages(client, personas, london):
    for index in range(25):
        make_mentor(UserFactory.create(full_name=f"Dr Paged {index:02}"), site=london)
    mentor_stats_refresh()
    client.force_login(personas.trainee)
    page = client.get(reverse("mentors:directory"), {"page": 2})
    html = page.content.decode()
    assert html.count('class="mentor-card"') == PAGE_SIZE
    assert "Showing 11\u201320, page 2 of 3." in html
    assert 'aria-current="page">2<' in html
    assert 'rel="next"' in html
    assert 'rel="prev"' in html
