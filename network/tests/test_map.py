"""The research map: sites with their mentors counted, as a page, an API route and a map."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import Route, check_matrix, expect
from network import selectors
from network.tests.factories import RegionFactory, SiteFactory
from people.models import MentorProfile

pytestmark = pytest.mark.django_db

MAP_URL = "/network/map/"
API_URL = "/api/v1/network/map"
STATIC = Path(settings.BASE_DIR) / "radcollab" / "static"
VENDORED = [
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/topojson-client/topojson-client.min.js",
    "vendor/world-atlas/countries-50m.json",
    "vendor/us-atlas/states-10m.json",
    "js/research-map.js",
]
# Addresses that appear in the vendored code but are never fetched: the SVG namespace,
# Leaflet's own attribution link (the map turns that prefix off) and a licence header.
NEVER_FETCHED = {
    "http://www.w3.org/2000/svg",
    "https://leafletjs.com",
    "https://github.com/topojson/topojson-client",
}


def mentor(site, *, accepting: bool = True, active: bool = True) -> MentorProfile:
    return MentorProfile.objects.create(
        person=UserFactory.create(is_active=active),
        title=MentorProfile.Title.CONSULTANT,
        site=site,
        accepting_trainees=accepting,
    )


@pytest.fixture
def network(personas):
    """Site A with three mentors (one not taking trainees, one more whose account is
    closed), site B with none, and a US site with one in a region of its own."""
    mentor(personas.site_a)
    mentor(personas.site_a)
    mentor(personas.site_a, accepting=False)
    mentor(personas.site_a, active=False)
    us = SiteFactory.create(
        name="Massachusetts General Hospital",
        city="Boston",
        region=RegionFactory.create(name="US Northeast", country="US"),
        latitude=Decimal("42.36310"),
        longitude=Decimal("-71.06860"),
    )
    mentor(us)
    return personas


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_selector_counts_mentors_and_those_accepting_per_site_and_region(network):
    found = selectors.research_map()
    by_name = {site.name: site for site in found.sites}
    site_a = by_name["Site A Hospital"]
    assert (site_a.mentor_count, site_a.accepting_count) == (3, 2)
    site_b = by_name["Site B Hospital"]
    assert (site_b.mentor_count, site_b.accepting_count) == (0, 0)
    assert site_a.latitude == pytest.approx(53.8021)
    assert site_a.region == "Persona region"
    regions = {region.name: region for region in found.regions}
    persona_region = regions["Persona region"]
    assert (persona_region.site_count, persona_region.mentor_count) == (2, 3)
    assert persona_region.accepting_count == 2
    assert regions["US Northeast"].country == "US"
    assert regions["US Northeast"].mentor_count == 1


def test_the_api_lists_sites_and_regions_with_mentor_and_project_counts(network):
    from projects.tests.factories import make_project

    make_project(network.mentor, sites=[network.site_a])
    response = signed_in(network.trainee).get(API_URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"sites", "regions"}
    site_a = next(site for site in body["sites"] if site["name"] == "Site A Hospital")
    assert site_a == {
        "id": network.site_a.pk,
        "name": "Site A Hospital",
        "short_name": "",
        "city": "Leeds",
        "region_id": network.site_a.region_id,
        "region": "Persona region",
        "country": "GB",
        "latitude": 53.8021,
        "longitude": -1.5519,
        "mentor_count": 3,
        "accepting_count": 2,
        "open_projects": 1,
    }
    region = next(r for r in body["regions"] if r["name"] == "US Northeast")
    assert region["site_count"] == 1
    assert region["mentor_count"] == 1
    assert region["open_projects"] == 0


def test_the_page_lists_regions_and_sites_linked_to_the_directory_filters(network):
    response = signed_in(network.trainee).get(reverse("network:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<figure" in html
    assert "<figcaption" in html
    site_a, region = network.site_a, network.site_a.region_id
    assert f'href="/mentors/directory/?site={site_a.pk}">Site A Hospital</a>' in html
    assert f'href="/mentors/directory/?region={region}">Persona region</a>' in html
    assert "UK and Ireland" in html
    assert "United States" in html
    found = re.search(r'id="map-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None, "the page carries its map data"
    data = json.loads(found.group(1))
    assert data["directory_url"] == "/mentors/directory/"
    assert data["tile_url"] == ""
    assert {site["name"] for site in data["sites"]} >= {"Site A Hospital", "Site B Hospital"}
    assert [panel["key"] for panel in data["panels"]] == ["uk", "us"]


def test_sites_of_another_country_get_a_panel_of_their_own(network):
    SiteFactory.create(
        name="Hôpital Européen",
        region=RegionFactory.create(name="Île-de-France", country="XX"),
        latitude=Decimal("48.83900"),
        longitude=Decimal("2.27300"),
    )
    response = signed_in(network.trainee).get(MAP_URL)
    panels = [panel["title"] for panel in response.context["data"]["panels"]]
    assert panels == ["UK and Ireland", "United States", "Elsewhere"]


def test_the_map_is_reached_from_the_footer_and_marks_its_section(network):
    """The map sits in the footer beside the glossary; on it, its section (Network) is
    marked as the current one in the bar."""
    body = signed_in(network.trainee).get(MAP_URL).content.decode()
    assert '<a href="/network/map/">Research map</a>' in body
    assert 'aria-current="page">Network</a>' in body


def test_the_page_offers_the_tile_server_when_one_is_set(network, settings):
    settings.RADCOLLAB_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = signed_in(network.trainee).get(MAP_URL).content.decode()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html


class Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.found += [value or "" for name, value in attrs if name == wanted]


def test_the_page_loads_scripts_and_styles_from_this_server_only(network):
    sources = Sources()
    sources.feed(signed_in(network.trainee).get(MAP_URL).content.decode())
    assert any("leaflet.js" in src for src in sources.found)
    assert any("research-map.js" in src for src in sources.found)
    for src in sources.found:
        assert re.match(r"/[^/]", src), f"{src} is not on this server"


@pytest.mark.parametrize("path", VENDORED)
def test_the_vendored_map_files_fetch_nothing_from_another_host(path):
    text = (STATIC / path).read_text(encoding="utf-8")
    if path.endswith(".css"):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # links in comments are not fetched
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
        assert "@import" not in text
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert addresses <= NEVER_FETCHED, f"{path} names {sorted(addresses - NEVER_FETCHED)}"


def test_the_outline_data_is_small_enough_to_send_to_a_phone():
    sizes = {path: (STATIC / path).stat().st_size for path in VENDORED if path.endswith(".json")}
    assert all(size < 800_000 for size in sizes.values()), sizes


def test_the_page_and_the_api_run_as_many_queries_for_many_sites_as_for_few(
    network, django_assert_max_num_queries
):
    client = signed_in(network.trainee)
    with CaptureQueriesContext(connection) as page_few:
        client.get(MAP_URL)
    with CaptureQueriesContext(connection) as api_few:
        client.get(API_URL)
    region = RegionFactory.create(name="Scotland")
    for _ in range(12):
        site = SiteFactory.create(region=region)
        mentor(site)
        mentor(site, accepting=False)
    with django_assert_max_num_queries(len(page_few)):
        assert client.get(MAP_URL).status_code == 200
    with django_assert_max_num_queries(len(api_few)):
        assert len(client.get(API_URL).json()["sites"]) == 15


def test_the_selector_reads_in_two_queries(network, django_assert_num_queries):
    """One for sites with their mentors, one for the projects app's open-project counts."""
    with django_assert_num_queries(2):
        selectors.research_map()


MAP_ROUTES = [
    Route("research map", lambda p, w, pl: reverse("network:map")),
    Route("API research map", lambda p, w, pl: API_URL, api=True),
]


@pytest.mark.parametrize("route", MAP_ROUTES, ids=lambda route: route.label)
def test_everyone_signed_in_may_see_the_map(personas, route):
    check_matrix(personas, route, expect((200, 200)))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_marker_on_the_map_leads_to_the_directory_filtered_to_its_site(
    page, live_server, network
):
    session = signed_in(network.trainee)
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )
    page.goto(f"{live_server.url}{MAP_URL}")
    marker = page.locator("#map-uk .map-marker", has_text="3")
    marker.wait_for()
    page.locator("#map-uk canvas").wait_for()  # the vendored outlines are drawn
    assert elsewhere == []
    assert page.locator(".map-marker").count() == 3
    assert marker.get_attribute("aria-label") == (
        "Site A Hospital: 3 mentors, 2 accepting trainees"
    )
    # The marker is a link in the tab order, and focusing it shows the site's name.
    marker.focus()
    assert page.locator(".map-tip").inner_text().startswith("Site A Hospital")
    marker.click()
    page.wait_for_url(re.compile(rf"/mentors/directory/\?site={network.site_a.pk}$"))
    assert page.url.endswith(f"/mentors/directory/?site={network.site_a.pk}")
