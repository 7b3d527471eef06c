"""API tokens may expire; their owner sees when, and when each was last used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


def test_a_token_with_a_lifetime_works_until_it_expires(personas):
    issued = api_token_create(user=personas.trainee, name="audit script", expires_in_days=30)
    expected = timezone.now() + dt.timedelta(days=30)
    assert issued.token.expires_at is not None
    assert abs(issued.token.expires_at - expected) < dt.timedelta(minutes=1)
    assert api_token_authenticate(issued.secret) == personas.trainee
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert api_token_authenticate(issued.secret) is None


def test_an_expired_token_gets_401_from_the_api(personas):
    issued = api_token_create(user=personas.trainee, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    response = Client(headers={"Authorization": f"Bearer {issued.secret}"}).get(
        "/api/v1/accounts/me"
    )
    assert response.status_code == 401


def test_a_token_without_a_lifetime_lasts_until_revoked(personas):
    issued = api_token_create(user=personas.trainee, name="forever")
    assert issued.token.expires_at is None
    assert api_token_authenticate(issued.secret) == personas.trainee


def test_a_lifetime_beyond_ten_years_is_refused_by_name(personas):
    with pytest.raises(ValidationError, match="at most 3660 days"):
        api_token_create(user=personas.trainee, name="x", expires_in_days=5000)


def test_the_owner_chooses_the_lifetime_and_sees_expiry_and_last_use(personas):
    client = Client()
    client.force_login(personas.trainee)
    page = client.post(reverse("accounts:tokens"), {"name": "nightly", "expires_in": "90"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=personas.trainee, name="nightly")
    assert token.expires_at is not None
    secret = page.context["issued"].secret
    Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/accounts/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = client.get(reverse("accounts:tokens")).content.decode()
    assert token.expires_at.strftime("%-d %b %Y") in listed
    assert timezone.localtime(token.last_used_at).strftime("%-d %b %Y") in listed
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert ">expired<" in client.get(reverse("accounts:tokens")).content.decode()


def test_an_unknown_lifetime_is_refused_by_the_form(personas):
    client = Client()
    client.force_login(personas.trainee)
    page = client.post(reverse("accounts:tokens"), {"name": "x", "expires_in": "7"})
    assert page.status_code == 400
    assert not ApiToken.objects.filter(user=personas.trainee, name="x").exists()
