"""Study tokens: an API token that acts in one study with one of its owner's roles only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from audit.models import AuditEvent
from capture import services, tokens
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp
from network.access import TwoFactorRequired

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    """The site lead leads AAA and is also the statistician; a second study exists too."""
    study, site_a, site_b = make_study(personas)
    lead = personas.site_lead_a
    for role, study_site in (("site_lead", site_a), ("statistician", None)):
        services.study_grant_role(
            actor=personas.committee, study=study, person=lead, role=role, study_site=study_site
        )
    other, other_a, _ = make_study(personas)
    services.study_grant_role(
        actor=personas.committee, study=other, person=lead, role="site_lead", study_site=other_a
    )
    enable_totp(lead)
    records = {
        key: services.record_create(actor=personas.committee, study=study, study_site=where)
        for key, where in (("a", site_a), ("b", site_b))
    }
    return study, other, records


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_token_is_issued_for_a_role_the_person_holds_with_a_study_audit_row(personas, world):
    study, _, _ = world
    issued = tokens.study_token_create(
        user=personas.site_lead_a, study=study, role="statistician", name="R script"
    )
    assert issued.token.scope == f"study:{study.pk}:statistician"
    assert "as statistician" in issued.token.scope_label
    event = AuditEvent.objects.get(action="study.token_create")
    assert event.scope == f"study:{study.pk}"


def test_a_role_not_held_or_missing_two_factor_is_refused(personas, world):
    study, _, _ = world
    with pytest.raises(ValidationError) as refused:
        tokens.study_token_create(
            user=personas.site_lead_a, study=study, role="admin", name="too much"
        )
    assert "roles you hold" in str(refused.value)
    services.study_grant_role(
        actor=personas.committee, study=study, person=personas.mentor, role="viewer"
    )
    with pytest.raises(TwoFactorRequired):
        tokens.study_token_create(user=personas.mentor, study=study, role="viewer", name="x")
    assert not ApiToken.objects.exists()


def test_the_token_acts_with_its_one_role_in_its_one_study(personas, world):
    study, other, records = world
    lead_token = tokens.study_token_create(
        user=personas.site_lead_a, study=study, role="site_lead", name="entry script"
    ).secret
    client = bearer(lead_token)
    listed = client.get("/api/v1/studies").json()
    assert [s["id"] for s in listed] == [study.pk]
    seen = client.get(f"/api/v1/studies/{study.pk}/records").json()
    assert {r["id"] for r in seen} == {records["a"].pk}
    # The person leads a site of the other study too, but this token does not reach it.
    assert client.get(f"/api/v1/studies/{other.pk}/records").status_code == 403

    statistician = bearer(
        tokens.study_token_create(
            user=personas.site_lead_a, study=study, role="statistician", name="analysis"
        ).secret
    )
    # The statistician role sees the study but not its records, even though the
    # same person, as site lead, could.
    assert statistician.get(f"/api/v1/studies/{study.pk}/dictionary").status_code == 200
    assert statistician.get(f"/api/v1/studies/{study.pk}/records").status_code == 403


def test_the_token_is_refused_on_every_route_outside_its_study(personas, world):
    study, _, _ = world
    secret = tokens.study_token_create(
        user=personas.site_lead_a, study=study, role="site_lead", name="s"
    ).secret
    client = bearer(secret)
    for path in ("/api/v1/accounts/me", "/api/v1/projects", "/api/v1/audit/events"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "limited to one study" in response.json()["detail"]
    # A personal token of the same person still reaches them.
    personal = bearer(api_token_create(user=personas.site_lead_a, name="me").secret)
    assert personal.get("/api/v1/accounts/me").status_code == 200


def test_a_revoked_study_token_gets_401(personas, world):
    study, _, _ = world
    issued = tokens.study_token_create(
        user=personas.site_lead_a, study=study, role="site_lead", name="s"
    )
    api_token_revoke(user=personas.site_lead_a, token=issued.token)
    assert bearer(issued.secret).get("/api/v1/studies").status_code == 401


def test_allows_path_claims_only_its_studys_routes():
    scope = "study:7:viewer"
    assert tokens.allows_path(scope, "studies")
    assert tokens.allows_path(scope, "studies/7/records/3/baseline")
    assert not tokens.allows_path(scope, "studies/70/records")
    assert not tokens.allows_path(scope, "projects")
    assert not tokens.allows_path("team:7:viewer", "studies/7")


def test_the_tokens_page_issues_a_token_once_and_lists_it(client, personas, world):
    study, _, _ = world
    client.force_login(personas.site_lead_a)
    url = reverse("capture:tokens", args=[study.pk])
    page = client.get(url).content.decode()
    assert 'value="statistician"' in page
    assert 'value="admin"' not in page
    created = client.post(url, {"name": "R script", "role": "statistician"})
    assert created.status_code == 200
    secret = ApiToken.objects.get().hint
    assert secret in created.content.decode()
    assert 'data-testid="token-secret"' in created.content.decode()
    again = client.get(url).content.decode()
    assert "R script" in again
    assert 'data-testid="token-secret"' not in again
    refused = client.post(url, {"name": "x", "role": "admin"})
    assert refused.status_code == 422
    assert ApiToken.objects.count() == 1
