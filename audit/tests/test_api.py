from __future__ import annotations

import pytest

from audit.services import audit_record
from core.paging import MAX_LIMIT, MAX_OFFSET
from core.testing.api import api_client
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/events"


@pytest.fixture
def committee(personas):
    # Two-factor on, so these tests hold whatever the audit log asks of its readers.
    enable_totp(personas.committee)
    for n in range(3):
        audit_record(actor=None, action=f"site.update.{n}", obj=personas.site_a)
    return api_client(personas.committee)


def test_events_come_in_pages_with_the_total(committee):
    first = committee.get(URL, {"limit": 2, "offset": 0}).json()
    rest = committee.get(URL, {"limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] >= 3
    assert len(first["items"]) == 2
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in rest["items"]}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("offset", 2**63),
        ("offset", MAX_OFFSET + 1),
        ("offset", -1),
        ("limit", 10**22),
        ("limit", "1e22"),
        ("limit", MAX_LIMIT + 1),
        ("limit", 0),
    ],
)
def test_an_absurd_offset_or_limit_is_refused_naming_it(committee, name, value):
    response = committee.get(URL, {name: value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", name]


def test_the_largest_offset_and_limit_answer_an_empty_or_full_page(committee):
    response = committee.get(URL, {"limit": MAX_LIMIT, "offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []
