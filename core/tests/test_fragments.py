"""Cached page content (core.fragments): kept per person, query and data version.

The rest of the suite runs with the cache of content off (pyproject's
RADCOLLAB_FRAGMENT_SECONDS=0: a test's transaction never commits, so no change would be
counted); these tests turn it on and run the commit callbacks that count the changes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from core import fragments
from core.models import ContentGeneration
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import make_mentor
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_cache_on(settings: Any) -> None:
    settings.RADCOLLAB_FRAGMENT_SECONDS = 300


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content templates drawn afresh (not taken from the cache), in order."""
    names: list[str] = []
    draw = fragments.render_to_string

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        names.append(name)
        return draw(name, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    return names


def get(client: Client, path: str, **headers: str) -> str:
    """The page's HTML without its per-request CSRF token."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


CSRF = re.compile(r'"X-CSRFToken": "[^"]+"')


def test_two_people_see_their_own_board_never_the_others_cached_one(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_project(personas.mentor, title="Stroke mimics on MRI")
    lead, trainee = client_of(personas.mentor), client_of(personas.trainee)
    mine = get(lead, "/projects/")
    again = get(lead, "/projects/")
    theirs = get(trainee, "/projects/")
    assert "Stroke mimics on MRI" in mine
    assert "Your project" in mine
    assert again == mine
    assert "Stroke mimics on MRI" in theirs
    assert "Your project" not in theirs  # the lead's view was not served to the trainee


def test_the_curator_and_a_trainee_see_different_calendars(two_factor):
    curator, trainee = client_of(two_factor.committee), client_of(two_factor.trainee)
    for _ in range(2):  # the second time from the cache
        theirs = get(curator, "/events/")
        mine = get(trainee, "/events/")
        assert "Add an event" in theirs
        assert "Add an event" not in mine


def test_a_repeated_request_is_drawn_from_the_cache(personas, drawn):
    client = client_of(personas.trainee)
    for path in ("/projects/", "/mentors/directory/", "/events/"):
        first = get(client, path)
        second = get(client, path)
        assert second == first
    assert drawn == ["projects/_board.html", "mentors/_directory.html", "events/_calendar.html"]


def test_filters_the_fragment_and_the_page_are_kept_apart(
    personas, django_capture_on_commit_callbacks, drawn
):
    with django_capture_on_commit_callbacks(execute=True):
        make_project(personas.mentor, title="Stroke mimics on MRI")
        make_project(personas.mentor, title="Lung nodules on CT", research_type="qi")
    client = client_of(personas.trainee)
    audits = get(client, "/projects/?research_type=qi")
    everything = get(client, "/projects/")
    fragment = get(client, "/projects/", **{"HX-Request": "true"})
    assert "Lung nodules on CT" in audits
    assert "Stroke mimics on MRI" not in audits
    assert "Stroke mimics on MRI" in everything
    assert "<html" in everything
    assert drawn == [
        "projects/_board.html",
        "projects/_board.html",
        "projects/_board.html#results",
    ]
    assert fragment.lstrip().startswith('<section id="results"')
    assert "Stroke mimics on MRI" in fragment


def test_a_saved_change_shows_at_once(personas, django_capture_on_commit_callbacks):
    client = client_of(personas.trainee)
    before = get(client, "/projects/")
    assert "Stroke mimics on MRI" not in before
    with django_capture_on_commit_callbacks(execute=True):
        make_project(personas.mentor, title="Stroke mimics on MRI")
    after = get(client, "/projects/")
    assert "Stroke mimics on MRI" in after


def test_mentor_statistics_written_in_bulk_count_as_a_change(
    personas, django_capture_on_commit_callbacks
):
    """The statistics are written with bulk_create, which sends no signal."""
    with django_capture_on_commit_callbacks(execute=True):
        make_mentor(personas.mentor)
    before = fragments.generations(["mentors"])
    with django_capture_on_commit_callbacks(execute=True):
        mentor_stats_refresh()
    assert fragments.generations(["mentors"])[0] > before[0]


def test_only_committed_changes_are_counted_and_each_app_apart(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        make_project(personas.mentor)
    assert waiting  # counted once the transaction commits, not before
    assert fragments.generations(["projects"]) == (0,)
    for callback in waiting:
        callback()
    assert fragments.generations(["projects", "events"])[0] > 0
    assert fragments.generations(["events"]) == (0,)
    assert ContentGeneration.objects.filter(app_label="sessions").count() == 0


def test_off_when_the_lifetime_is_zero(personas, settings, drawn):
    settings.RADCOLLAB_FRAGMENT_SECONDS = 0
    client = client_of(personas.trainee)
    assert get(client, "/projects/") == get(client, "/projects/")
    assert drawn == ["projects/_board.html", "projects/_board.html"]
