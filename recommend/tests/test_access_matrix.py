"""Every persona against every "for you" route, at their own item and at someone else's.

Only the trainee persona has a trainee profile. `own` is an item of their own list (or
their own "not for me" choice); `other` is one that is not theirs: a closed call their
list never offers, or another trainee's choice.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.matrix import Route, check_matrix, expect
from recommend.models import Dismissal
from recommend.tests.world import build_world, make_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    built = build_world(personas)
    # Another trainee (not a persona) with a choice of their own.
    from accounts.tests.factories import UserFactory
    from network.tests.factories import MembershipFactory

    other = UserFactory.create(email="other.trainee@personas.test")
    MembershipFactory.create(person=other, site=personas.site_b)
    make_trainee(other)
    built.other_choice = Dismissal.objects.create(
        person=other, item_key=f"project:{built.project.pk}", title=built.project.title
    )
    return built


def item_data(world):
    def data(p, who, place):
        key = f"project:{world.project.pk}" if place == "own" else f"opportunity:{world.closed.pk}"
        return {"item": key}

    return data


def undo_url(world):
    def url(p, who, place):
        if place == "other":
            return reverse("recommend:undo", args=[world.other_choice.pk])
        person = p.people.get(who, p.trainee)  # anonymous: someone's real choice
        mine = Dismissal.objects.create(person=person, item_key="mentor:1", title="A mentor")
        return reverse("recommend:undo", args=[mine.pk])

    return url


def test_the_page(personas, world):
    # Everyone who may use the shared pages opens it (without a trainee profile it says
    # how to get one); an outsider without a role is refused, as on the project board.
    route = Route("for you", lambda p, w, pl: reverse("recommend:for_you"))
    check_matrix(personas, route, expect((200, 200), outsider=(403, 403)))


def test_not_for_me(personas, world):
    # A trainee's change goes back to the page (with an error for an item not theirs);
    # nobody else has a list to change.
    route = Route(
        "not for me",
        lambda p, w, pl: reverse("recommend:not_for_me"),
        method="post",
        data=item_data(world),
    )
    check_matrix(personas, route, expect((403, 403), trainee=(302, 302)))


def test_not_for_me_leaves_nothing_for_an_item_not_on_the_list(personas, world, client):
    client.force_login(personas.trainee)
    response = client.post(
        reverse("recommend:not_for_me"), {"item": f"opportunity:{world.closed.pk}"}
    )
    assert response.status_code == 302
    assert not Dismissal.objects.filter(person=personas.trainee).exists()


def test_undo(personas, world):
    route = Route("undo", undo_url(world), method="post")
    check_matrix(personas, route, expect((403, 403), trainee=(302, 404)))


def test_get_is_not_a_way_to_change_anything(personas, world, client):
    client.force_login(personas.trainee)
    assert client.get(reverse("recommend:not_for_me")).status_code == 405
    assert client.get(reverse("recommend:undo", args=[world.other_choice.pk])).status_code == 405


def api_undo_url(world):
    def url(p, who, place):
        if place == "other":
            return f"/api/v1/for-you/dismissals/{world.other_choice.pk}"
        person = p.people.get(who, p.trainee)
        mine = Dismissal.objects.create(person=person, item_key="mentor:1", title="A mentor")
        return f"/api/v1/for-you/dismissals/{mine.pk}"

    return url


def test_the_api_list(personas, world):
    # As the page: a member without a trainee profile gets an empty list that says so.
    route = Route("api for you", lambda p, w, pl: "/api/v1/for-you", api=True)
    check_matrix(personas, route, expect((200, 200), outsider=(403, 403)))


def test_the_api_not_for_me(personas, world):
    # Trainees only; an item not on their list is refused with the reason (422).
    route = Route(
        "api not for me",
        lambda p, w, pl: "/api/v1/for-you/dismissals",
        method="post",
        data=item_data(world),
        api=True,
    )
    check_matrix(personas, route, expect((403, 403), trainee=(201, 422)))


def test_the_api_undo(personas, world):
    # The trainee's own choice only; another trainee's is not found.
    route = Route("api undo", api_undo_url(world), method="delete", api=True)
    check_matrix(personas, route, expect((403, 403), trainee=(204, 404)))
