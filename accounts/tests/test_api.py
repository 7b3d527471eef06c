from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import api_token_create, api_token_revoke
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_me_answers_with_roles_and_two_factor_state(personas):
    secret = api_token_create(user=personas.site_lead_a, name="t").secret
    body = bearer(secret).get("/api/v1/accounts/me").json()
    assert body["email"] == "site_lead_a@personas.test"
    assert body["memberships"][0]["role"] == "site_lead"
    assert body["needs_two_factor"] is True
    enable_totp(personas.site_lead_a)
    body = bearer(secret).get("/api/v1/accounts/me").json()
    assert body["two_factor_enabled"] is True
    assert body["needs_two_factor"] is False


def test_an_unknown_token_gets_401_in_json():
    response = bearer("rc_unknown").get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown or revoked API token."}


def test_a_revoked_token_gets_401_even_with_a_session(client, personas):
    issued = api_token_create(user=personas.trainee, name="t")
    api_token_revoke(user=personas.trainee, token=issued.token)
    client.force_login(personas.trainee)
    response = client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {issued.secret}"}
    )
    assert response.status_code == 401


def test_no_credentials_get_401_in_json(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_browser_session_works_for_the_api(client, personas):
    client.force_login(personas.mentor)
    assert client.get("/api/v1/accounts/me").json()["email"] == "mentor@personas.test"
