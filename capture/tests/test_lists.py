"""Lists page with a total count, never cut off silently: the records, queries and audit
pages (Django's Paginator) and the records and audit API (limit, offset, X-Total-Count)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from capture import services
from capture.tests.factories import make_study
from capture.views import common as views_common
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

TO = "\N{EN DASH}"  # between the first and the last row shown: "Showing 1 to 3 of 7"


@pytest.fixture
def study(personas):
    """Five records at site A and two at site B, each with a saved form and an open query."""
    study, site_a, site_b = make_study(personas)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.site_lead_a,
        role="site_lead",
        study_site=site_a,
    )
    for person in (personas.committee, personas.site_lead_a):
        enable_totp(person)
    for study_site, count in ((site_a, 5), (site_b, 2)):
        for _ in range(count):
            record = services.record_create(
                actor=personas.committee, study=study, study_site=study_site
            )
            saved = services.entry_save(
                actor=personas.committee,
                record=record,
                instrument="baseline",
                values={"age": "40"},
            )
            services.query_raise(
                actor=personas.committee, entry=saved.entry, field_name="age", text="Sure?"
            )
    return study


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views_common, "PAGE_SIZE", 3)


def get(client, name, study, **query):
    return client.get(reverse(f"capture:{name}", args=[study.pk]), query).content.decode()


def test_the_records_page_pages_with_a_count_and_links(client, personas, study, small_pages):
    client.force_login(personas.committee)
    first = get(client, "records", study)
    assert f"Showing 1{TO}3 of 7 records" in first
    assert "AAA-1" in first
    assert "AAA-4" not in first
    assert 'href="?page=2" rel="next"' in first
    last = get(client, "records", study, page="3")
    assert f"Showing 7{TO}7 of 7 records" in last
    assert "BBB-2" in last
    assert 'rel="prev"' in last


def test_a_page_past_the_end_or_not_a_number_still_answers(client, personas, study, small_pages):
    client.force_login(personas.committee)
    assert f"Showing 7{TO}7 of 7" in get(client, "records", study, page="99")
    assert f"Showing 1{TO}3 of 7" in get(client, "records", study, page="x²")


def test_page_links_keep_the_search(client, personas, study, small_pages):
    client.force_login(personas.committee)
    found = get(client, "records", study, q="AAA")
    assert f"Showing 1{TO}3 of 5 records" in found
    assert 'href="?q=AAA&amp;page=2"' in found


def test_a_site_lead_counts_only_their_own_sites_records(client, personas, study, small_pages):
    client.force_login(personas.site_lead_a)
    assert "of 5 records" in get(client, "records", study)
    assert "of 5 queries" in get(client, "queries", study)


def test_the_queries_and_audit_pages_page_too(client, personas, study, small_pages):
    client.force_login(personas.committee)
    assert f"Showing 1{TO}3 of 7 queries" in get(client, "queries", study)
    audit = get(client, "audit", study, page="2")
    assert f"Showing 4{TO}6 of" in audit
    assert 'rel="prev"' in audit
    assert 'rel="next"' in audit


def api(person):
    secret = api_token_create(user=person, name="script").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_records_api_pages_with_limit_offset_and_a_total(personas, study):
    client = api(personas.committee)
    url = f"/api/v1/studies/{study.pk}/records"
    everything = client.get(url)
    assert everything["X-Total-Count"] == "7"
    assert len(everything.json()) == 7
    page = client.get(url, {"limit": 3, "offset": 3})
    assert page["X-Total-Count"] == "7"
    assert [r["label"] for r in page.json()] == ["AAA-4", "AAA-5", "BBB-1"]
    assert client.get(url, {"offset": 7}).json() == []


def test_the_records_api_counts_only_the_sites_one_may_see(personas, study):
    response = api(personas.site_lead_a).get(f"/api/v1/studies/{study.pk}/records")
    assert response["X-Total-Count"] == "5"


def test_the_audit_api_pages_newest_first_with_a_total(personas, study):
    client = api(personas.committee)
    url = f"/api/v1/studies/{study.pk}/audit"
    total = int(client.get(url)["X-Total-Count"])
    assert total > 20
    newest = client.get(url, {"limit": 2}).json()
    following = client.get(url, {"limit": 2, "offset": 2}).json()
    everything = client.get(url, {"limit": total}).json()
    assert newest + following == everything[:4]


@pytest.mark.parametrize(
    ("path", "query", "named"),
    [
        ("records", {"limit": 0}, "limit"),
        ("records", {"limit": 5001}, "limit"),
        ("records", {"offset": -1}, "offset"),
        ("records", {"offset": 2**63}, "offset"),
        ("records", {"limit": "1e22"}, "limit"),
        ("audit", {"limit": 1001}, "limit"),
        ("audit", {"offset": 2**63}, "offset"),
        ("audit", {"limit": "1e22"}, "limit"),
    ],
)
def test_a_limit_or_offset_out_of_bounds_is_refused_naming_it(personas, study, path, query, named):
    response = api(personas.committee).get(f"/api/v1/studies/{study.pk}/{path}", query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == named
