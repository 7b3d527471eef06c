"""A page that htmx may fetch as a fragment says so (Vary), and history gets the whole page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

# Every list a trainee filters in place with htmx (`render_page(..., fragment=...)`).
FILTERED_LISTS = [
    "mentors:directory",
    "projects:board",
    "events:calendar",
    "opportunities:list",
    "opportunities:programmes",
    "network:sites",
    "glossary:index",
    "outputs:mine",
]
HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
WHOLE_PAGE = 'class="site-header"'


@pytest.mark.parametrize("name", FILTERED_LISTS)
def test_the_page_and_its_fragment_both_say_they_vary_by_htmx(client, personas, name):
    client.force_login(personas.trainee)
    page = client.get(reverse(name), {"q": "x"})
    fragment = client.get(reverse(name), {"q": "x"}, headers=HTMX)

    assert WHOLE_PAGE in page.content.decode()
    assert WHOLE_PAGE not in fragment.content.decode()
    for response in (page, fragment):
        assert has_vary_header(response, "HX-Request"), response.headers.get("Vary")
        assert has_vary_header(response, "HX-History-Restore-Request")


@pytest.mark.parametrize("name", ["mentors:directory", "projects:board", "events:calendar"])
def test_htmx_restoring_history_gets_the_whole_page(client, personas, name):
    client.force_login(personas.trainee)
    response = client.get(reverse(name), headers=RESTORE)
    assert WHOLE_PAGE in response.content.decode()


def test_a_page_without_a_fragment_does_not_vary_by_htmx(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("dashboard"))
    assert not has_vary_header(response, "HX-Request")


def test_the_layout_has_htmx_fetch_history_again_and_keep_no_snapshot(client, personas):
    client.force_login(personas.trainee)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<meta name="htmx-config"' in page
    assert '"historyCacheSize": 0' in page
    assert '"refreshOnHistoryMiss": true' in page
