"""When the database does not answer, every page says so with a 503, never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client(personas) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.trainee)
    return client


def test_a_page_whose_database_is_down_answers_503_briefly_unavailable(quiet_client):
    failure = OperationalError("server closed the connection unexpectedly")
    with mock.patch("core.views.dashboard_for", side_effect=failure):
        response = quiet_client.get(reverse("dashboard"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The service is briefly unavailable" in response.content.decode()


def test_a_connection_lost_before_the_view_also_answers_503(quiet_client):
    # The session is read by middleware, before any view: the first query of a request.
    failure = InterfaceError("connection already closed")
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=failure):
        response = quiet_client.get(reverse("dashboard"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()


def test_the_api_answers_503_in_json_with_retry_after(quiet_client):
    with mock.patch("accounts.api.access.memberships_of", side_effect=OperationalError("down")):
        response = quiet_client.get("/api/v1/accounts/me")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.json()["detail"]


def test_any_other_error_is_still_a_500(quiet_client):
    with mock.patch("core.views.dashboard_for", side_effect=ValueError("a bug")):
        response = quiet_client.get(reverse("dashboard"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_pages_recover_by_themselves_once_the_database_answers(quiet_client):
    with mock.patch("core.views.dashboard_for", side_effect=OperationalError("down")):
        assert quiet_client.get(reverse("dashboard")).status_code == 503
    assert quiet_client.get(reverse("dashboard")).status_code == 200


def test_connections_are_checked_before_reuse(settings):
    # What makes recovery automatic: a connection broken by a restart is replaced.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
