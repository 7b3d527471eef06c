"""Django's admin: signed in only through the site's own sign-in, staff with two-factor only.

The stock admin had a password form of its own that skipped the login lockout and the
two-factor step, and it listed everyone's TOTP secrets. These tests go through the real
views, as someone at the admin's door would.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from core.testing.mfa import enable_totp, totp_code

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
SITE_LOGIN = "/accounts/login/"


@pytest.fixture
def staff():
    return UserFactory.create(email="staff@example.org", is_staff=True, is_superuser=True)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_sends_people_to_the_sites_own_sign_in_and_back(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{SITE_LOGIN}?next=/admin/"


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, staff):
    enable_totp(staff)
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(SITE_LOGIN)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_never_sends_people_to_another_host(client):
    response = client.get(ADMIN_LOGIN, {"next": "https://example.invalid/"})
    assert response["Location"] == f"{SITE_LOGIN}?next=/admin/"


def test_signing_in_for_the_admin_asks_for_the_two_factor_code(client, staff):
    secret = enable_totp(staff)
    login_url = client.get(client.get("/admin/")["Location"])["Location"]
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_login_lockout_applies_on_the_way_to_the_admin(client, staff, settings):
    enable_totp(staff)
    for _ in range(12):
        client.post(ADMIN_LOGIN, {"username": staff.email, "password": "wrong"})
        assert not signed_in(client)
    login_url = client.get(ADMIN_LOGIN)["Location"]
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        client.post(login_url, {"login": staff.email, "password": "wrong"})
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert (
        response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    )
    assert not signed_in(client)
    client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert not signed_in(client)


def test_staff_without_two_factor_are_sent_to_set_it_up_not_into_the_admin(client, staff):
    client.force_login(staff)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/audit/auditevent/"):
        response = client.get(url, follow=True)
        stops = [stop for stop, _ in response.redirect_chain]
        assert any(stop.startswith(reverse("mfa_activate_totp")) for stop in stops), stops
        assert not any(stop.startswith("/admin/") for stop in stops[2:])


def test_staff_with_two_factor_use_the_admin(client, staff):
    enable_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get(ADMIN_LOGIN)["Location"] == "/admin/"


def test_a_person_who_is_not_staff_is_refused_at_the_admin(client, personas):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    assert client.get(ADMIN_LOGIN).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_totp_secrets_and_recovery_codes_are_not_in_the_admin(client, staff, personas):
    enable_totp(staff)
    secret = enable_totp(personas.committee, "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
    client.force_login(staff)
    index = client.get("/admin/").content.decode()
    assert "Authenticator" not in index
    assert client.get("/admin/mfa/authenticator/").status_code == 404
    assert client.get("/admin/mfa/authenticator/add/").status_code == 404
    for url in ("/admin/", "/admin/accounts/user/"):
        assert secret not in client.get(url).content.decode()
