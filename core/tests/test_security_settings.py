"""Argon2 passwords, rate limits (429 with Retry-After) and the idle sign-out."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from accounts.tests.factories import PASSWORD, UserFactory
from core import ratelimit
from core.middleware import LAST_SEEN_KEY, sees_study_data

pytestmark = pytest.mark.django_db

LIMITS = {
    "api_token": "3/60",
    "import": "2/3600",
    "export": "2/3600",
    "statistics": "1/3600",
    "login": "30/300",
}


@pytest.fixture
def tight(settings):
    settings.RADCOLLAB_RATE_LIMITS = LIMITS


@pytest.fixture
def production_hashers(settings):
    """The hashers the settings module gives production: the test run puts a fast MD5
    hasher first (root conftest.py), which these tests must not be checking."""
    import importlib
    import os

    module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    settings.PASSWORD_HASHERS = module.PASSWORD_HASHERS
    assert "argon2" in settings.PASSWORD_HASHERS[0].lower()


def test_new_passwords_are_hashed_with_argon2(production_hashers):
    assert make_password("a long pass phrase").startswith("argon2$argon2id$")


def test_an_older_pbkdf2_password_still_signs_in_and_is_upgraded_to_argon2(
    production_hashers,
):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = UserFactory.create(password=old)
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert check_password(PASSWORD, user.password)


def test_a_rate_is_requests_per_seconds_and_a_bad_one_is_named():
    assert ratelimit.parse_rate("export", "60/3600") == ratelimit.Rate(60, 3600)
    assert str(ratelimit.Rate(60, 3600)) == "60 an hour"
    assert str(ratelimit.Rate(5, 600)) == "5 every 10 minutes"
    for bad in ("60", "0/60", "sixty/60", "60/-1"):
        with pytest.raises(ImproperlyConfigured, match="export"):
            ratelimit.parse_rate("export", bad)


def test_hit_counts_per_key_and_says_how_long_to_wait(tight):
    ratelimit.hit("import", "user:1")
    ratelimit.hit("import", "user:1")
    ratelimit.hit("import", "user:2")  # another person has their own count
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("import", "user:1")
    assert 0 < refused.value.retry_after <= 3600
    assert str(refused.value).startswith("Too many imports: at most 2 an hour. Try again in")


def test_an_import_page_answers_429_with_retry_after_past_the_limit(tight, personas):
    client = Client()
    client.force_login(personas.trainee)
    url = reverse("outputs:import")
    for _ in range(2):
        assert client.post(url, {"text": "not a record"}).status_code != 429
    refused = client.post(url, {"text": "not a record"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many imports" in refused.content.decode()
    assert client.get(url).status_code == 200  # looking at the page is not limited


def test_an_api_token_is_limited_per_token_in_json(tight, personas):
    secret = api_token_create(user=personas.trainee, name="script").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    for _ in range(3):
        assert client.get("/api/v1/accounts/me").status_code == 200
    refused = client.get("/api/v1/accounts/me")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many API requests with this token")
    assert int(refused["Retry-After"]) <= 60


def test_statistics_over_the_api_are_limited(tight, personas):
    client = Client()
    client.force_login(personas.statistician)
    body = {"columns": {"r": [1, 0], "t": [1, 0]}, "index": "r", "reference": "t"}
    first = client.post("/api/v1/stats/accuracy", body, content_type="application/json")
    assert first.status_code != 429
    refused = client.post("/api/v1/stats/accuracy", body, content_type="application/json")
    assert refused.status_code == 429
    assert "Too many analyses" in refused.json()["detail"]
    assert "Retry-After" in refused


def test_repeated_failed_sign_ins_lock_the_address_then_get_429(settings):
    user = UserFactory.create()
    client = Client()
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    locked = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in locked.content.decode()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "x@example.org", "password": "y"})
    refused = client.post(reverse("account_login"), {"login": "x@example.org", "password": "y"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    assert "Too many sign-in attempts" in refused.content.decode()


def idle_client(person, minutes: float) -> Client:
    client = Client()
    client.force_login(person)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()
    return client


@pytest.mark.parametrize("who", ["site_lead_a", "committee", "statistician"])
def test_people_who_see_study_data_are_signed_out_after_30_idle_minutes(personas, who):
    client = idle_client(personas.people[who], 31)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")
    follow = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in follow.content.decode()
    assert client.get("/dashboard/").status_code == 302  # the session is gone


@pytest.mark.parametrize("who", ["trainee", "mentor", "outsider"])
def test_people_without_study_data_keep_their_session(personas, who):
    assert idle_client(personas.people[who], 120).get("/dashboard/").status_code == 200


def test_activity_within_the_limit_keeps_the_session_and_moves_the_clock(personas):
    client = idle_client(personas.site_lead_a, 29)
    assert client.get("/dashboard/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_the_timeout_is_a_setting_and_zero_turns_it_off(personas, settings):
    settings.RADCOLLAB_IDLE_TIMEOUT_MINUTES = 5
    assert idle_client(personas.committee, 6).get("/dashboard/").status_code == 302
    settings.RADCOLLAB_IDLE_TIMEOUT_MINUTES = 0
    assert idle_client(personas.committee, 600).get("/dashboard/").status_code == 200


def test_an_idle_api_session_gets_json_401(personas):
    response = idle_client(personas.statistician, 31).get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert "signed out" in response.json()["detail"]


def test_an_idle_htmx_request_sends_the_whole_page_to_sign_in(personas):
    response = idle_client(personas.site_lead_a, 31).get(
        "/dashboard/", headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_a_role_in_a_study_counts_as_seeing_study_data(two_factor):
    from capture.tests.factories import make_study

    make_study(two_factor)  # the committee that created it is the study's admin
    assert sees_study_data(two_factor.committee)
    assert not sees_study_data(two_factor.trainee)
    assert not sees_study_data(two_factor.mentor)
