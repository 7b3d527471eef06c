"""The dashboard's figures and portfolio recruitment through the JSON API."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from core.testing.api import api_client
from credit import dashboard, portfolio
from credit.models import PortfolioRecruitment, PortfolioStudy
from network.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def refused_fields(response):
    """The fields a 422 names (each error's `loc` ends with the field)."""
    assert response.status_code == 422, response.content
    return {error["loc"][-1] for error in response.json()["detail"]}


@pytest.fixture
def two_factor(personas):
    personas.with_two_factor()
    cache.delete(dashboard.CACHE_KEY)
    return personas


def test_the_committee_reads_every_figure_of_the_four_aims(two_factor):
    personas = two_factor
    committee = api_client(personas.committee)
    body = committee.get("/api/v1/credit/dashboard").json()
    assert [aim["key"] for aim in body["aims"]] == [
        "research",
        "meetings",
        "publications",
        "training",
    ]
    members = next(f for f in body["aims"][0]["figures"] if f["key"] == "members-region")
    rows = {row["label"]: row["cells"] for row in members["rows"]}
    assert rows[personas.site_a.region.name][-1] >= 3  # trainee, mentor, site lead A (and more)
    one = committee.get("/api/v1/credit/dashboard/members-region").json()
    assert one == members
    assert committee.get("/api/v1/credit/dashboard/nothing").status_code == 404


def test_small_record_counts_are_a_string_in_the_api_too(two_factor):
    from credit.tests.factories import make_world

    make_world(two_factor)  # four records: every cell from 1 to 4 is "<5"
    body = api_client(two_factor.committee).get("/api/v1/credit/dashboard/records-region")
    cells = [c for row in body.json()["rows"] for c in row["cells"] if c]
    assert cells
    assert set(cells) == {"<5"}


def test_a_site_lead_records_a_study_and_its_months_and_sees_only_their_sites(two_factor):
    personas = two_factor
    lead = api_client(personas.site_lead_a)
    made = post(
        lead,
        "/api/v1/credit/portfolio",
        {"site_id": personas.site_a.pk, "title": "PROTECT", "reference": "56789", "target": 40},
    )
    assert made.status_code == 201, made.content
    study = made.json()
    assert (study["site"], study["target"], study["recruited"]) == ("Site A Hospital", 40, 0)
    month = post(
        lead, f"/api/v1/credit/portfolio/{study['id']}/months", {"month": "2026-01", "recruited": 7}
    )
    assert month.json()["recruited"] == 7
    again = post(
        lead, f"/api/v1/credit/portfolio/{study['id']}/months", {"month": "2026-01", "recruited": 9}
    )
    assert again.json()["months"] == [{"month": "2026-01-01", "recruited": 9}]
    portfolio.study_save(
        actor=personas.committee, site=personas.site_b, title="Elsewhere", reference="", target=5
    )
    assert [s["title"] for s in lead.get("/api/v1/credit/portfolio").json()] == ["PROTECT"]
    everyone = api_client(personas.committee).get("/api/v1/credit/portfolio").json()
    assert {s["title"] for s in everyone} == {"PROTECT", "Elsewhere"}


def test_bad_portfolio_input_names_the_field_and_saves_nothing(two_factor):
    personas = two_factor
    lead = api_client(personas.site_lead_a)
    url = "/api/v1/credit/portfolio"
    base = {"site_id": personas.site_a.pk, "title": "PROTECT", "target": 40}
    for change, field in (
        ({"target": 0}, "target"),
        ({"title": ""}, "title"),
        ({"site_id": 999_999}, "site_id"),
    ):
        assert field in refused_fields(post(lead, url, {**base, **change}))
    assert not PortfolioStudy.objects.exists()
    elsewhere = post(lead, url, {**base, "site_id": SiteFactory.create().pk})
    assert elsewhere.status_code == 403
    assert post(lead, url, base).status_code == 201
    assert "title" in refused_fields(post(lead, url, base))
    study = PortfolioStudy.objects.get()
    for month, field in (("2099-01", "month"), ("March", "month")):
        bad = post(lead, f"{url}/{study.pk}/months", {"month": month, "recruited": 3})
        assert field in refused_fields(bad)
    bad = post(lead, f"{url}/{study.pk}/months", {"month": "2026-01", "recruited": -1})
    assert "recruited" in refused_fields(bad)
    assert not PortfolioRecruitment.objects.exists()
