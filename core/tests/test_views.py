from __future__ import annotations

import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_invites_visitors_to_sign_in(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#main"' in body  # skip link
    assert '<main id="main"' in body
    assert 'aria-label="Main"' in body


def test_a_signed_in_person_goes_from_home_to_the_dashboard(client, personas):
    client.force_login(personas.trainee)
    assert client.get("/")["Location"] == reverse("dashboard")


def test_the_dashboard_shows_roles_and_asks_for_two_factor_where_needed(client, personas):
    client.force_login(personas.site_lead_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Site lead" in body
    assert "Site A Hospital" in body
    assert "Turn on two-factor authentication" in body


def test_the_dashboard_of_an_outsider_says_how_to_join(client, personas):
    client.force_login(personas.outsider)
    body = client.get(reverse("dashboard")).content.decode()
    assert "no role in the network yet" in body


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert client.head("/healthz").status_code == 200  # load balancers often probe with HEAD


def test_readyz_says_a_node_is_ready_when_checks_pass_and_the_schema_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "migrations": "ok",
    }


def test_healthz_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_unknown_pages_get_the_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_forbidden_pages_get_the_friendly_403(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("audit:events"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


ASSET = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)[\"']", re.I
)


def test_every_asset_is_served_from_this_site(client, personas):
    client.force_login(personas.trainee)
    for url in ("/", reverse("dashboard"), reverse("network:sites"), "/api/v1/docs"):
        body = client.get(url, follow=True).content.decode()
        # Every script, style sheet, image and frame comes from this site: a relative
        # address, never another host (a CDN, a font service) or a protocol-relative one.
        assets = ASSET.findall(body)
        assert assets, url
        foreign = [
            address for address in assets if not address.startswith("/") or address.startswith("//")
        ]
        assert foreign == [], url
        assert "https://" not in body.split("<body", 1)[0], url


def test_openapi_document_builds_and_lists_the_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/network/sites" in paths
    assert "/api/v1/accounts/me" in paths
    assert "BearerAuth" in str(response.json()["components"]) or "TokenAuth" in str(
        response.json()["components"]
    )


def test_the_interactive_docs_use_local_files(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body


def test_the_layout_stylesheets_and_scripts_are_found(client):
    from django.contrib.staticfiles import finders

    for asset in ("vendor/pico/pico.min.css", "css/radcollab.css", "vendor/htmx/htmx.min.js"):
        assert finders.find(asset), asset


@pytest.mark.parametrize(
    ("hours", "said"),
    [(None, "—"), (0.2, "under an hour"), (1, "1 hour"), (36, "36 hours"), (50, "2 days")],
)
def test_durations_read_as_people_say_them(hours, said):
    from core.templatetags.radcollab import duration

    assert duration(hours) == said
