"""Every API error is JSON with a `detail`, in production and with DEBUG on.

`radcollab/api.py` answers the errors its routes raise; `ApiErrorsAsJsonMiddleware`
answers the rest (no route at that address, a method a route does not take, an
unexpected exception). Bad numbers in a query are refused, never a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from accounts.services import api_token_create
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

JSON = "application/json"


def token_client(person: Any) -> Client:
    secret = api_token_create(user=person, name="errors").secret
    return Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(JSON), response.content[:300]
    body = response.json()
    assert body["detail"]
    return dict(body)


# Authentication: 401 without credentials, 403 only for a browser that forgot CSRF.


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/mentors/requests"),
        ("post", "/api/v1/mentors/requests"),
        ("patch", "/api/v1/projects/tasks/1"),
        ("delete", "/api/v1/projects/tasks/1?version=1"),
    ],
)
def test_a_request_without_token_or_session_gets_401_asking_for_one(method, url):
    browserless = Client(enforce_csrf_checks=True)
    response = getattr(browserless, method)(url)
    body = assert_json_error(response, 401)
    assert body["detail"] == "Sign in or send an API token."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_without_the_csrf_token_gets_403_naming_csrf(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.trainee)
    response = browser.post("/api/v1/mentors/requests", "{}", content_type=JSON)
    body = assert_json_error(response, 403)
    assert body["code"] == "csrf_failed"
    assert "CSRF" in body["detail"]
    assert "X-CSRFToken" in body["detail"]


def test_a_signed_in_browser_with_the_csrf_token_passes(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.trainee)
    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    response = browser.post(
        "/api/v1/mentors/requests", "{}", content_type=JSON, headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 422  # past authentication, to the body's validation


def test_a_token_needs_no_csrf_token(personas):
    response = token_client(personas.trainee).post(
        "/api/v1/mentors/requests", "{}", content_type=JSON
    )
    assert response.status_code == 422


# Errors made outside the routes' handlers.


def test_an_address_no_route_matches_gets_404_in_json(debug):
    body = assert_json_error(Client().get("/api/v1/no/such/route"), 404)
    assert "/api/v1/docs" in body["detail"]
    assert_json_error(Client().get("/api/v2/"), 404)


def test_a_web_page_that_does_not_exist_stays_a_web_page(debug):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_a_route_does_not_take_gets_405_in_json_with_allow(personas, debug):
    response = token_client(personas.trainee).delete("/api/v1/accounts/me")
    body = assert_json_error(response, 405)
    assert body["detail"] == "This route does not accept DELETE; it accepts GET."
    assert response["Allow"] == "GET"


def test_an_unexpected_failure_gets_500_in_json_and_is_logged(personas, debug, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr("audit.api.events_visible_to", broken)
    response = token_client(personas.admin).get("/api/v1/audit/events")
    body = assert_json_error(response, 500)
    assert "boom" not in json.dumps(body)
    assert any("boom: internal detail" in str(r.exc_info) for r in caplog.records)


def test_a_body_over_the_upload_limit_gets_413_naming_the_limit(personas, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"mentor_id": 1, "message": "x" * 2000})
    response = token_client(personas.trainee).post(
        "/api/v1/mentors/requests", body, content_type=JSON
    )
    detail = assert_json_error(response, 413)["detail"]
    assert "1000 bytes" in detail


def test_a_form_body_over_the_limit_from_a_browser_gets_413(personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(personas.trainee)
    browser.cookies["csrftoken"] = _get_new_csrf_string()  # the check reads the form
    response = browser.post("/api/v1/mentors/requests", {"message": "x" * 2000})
    assert_json_error(response, 413)


# Absurd numbers in every GET route, found from the OpenAPI document.

ABSURD = ["9223372036854775808", "-9223372036854775809", str(10**22), "1e22", "-1", "0", "²"]


def _is_integer(parameter: dict[str, Any]) -> bool:
    return "integer" in json.dumps(parameter["schema"])


def _urls(document: dict[str, Any], value: str) -> Iterator[str]:
    """Each GET route with `value` in its integer path parameters, then with `value` in
    one integer query parameter at a time (path integers 1)."""
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])

        def filled(number: str, path: str = path, parameters: list[Any] = parameters) -> str:
            for p in parameters:
                if p["in"] == "path":
                    fill = number if _is_integer(p) else "x"
                    path = path.replace("{" + p["name"] + "}", fill)
            return path

        if re.search(r"\{\w+\}", path):
            yield filled(value)
        for p in parameters:
            if p["in"] == "query" and _is_integer(p):
                yield f"{filled('1')}?{p['name']}={value}"


def test_no_get_route_answers_500_or_html_to_absurd_numbers(personas):
    enable_totp(personas.admin)
    client = token_client(personas.admin)
    document = client.get("/api/v1/openapi.json").json()
    failures = []
    for value in ABSURD:
        for url in _urls(document, value):
            response = client.get(url)
            is_json = response["Content-Type"].startswith(JSON)
            if response.status_code >= 500 or (response.status_code >= 400 and not is_json):
                failures.append(f"{url} → {response.status_code} {response.content[:120]!r}")
    assert failures == []


def test_the_walk_reaches_the_paged_routes(personas):
    document = Client().get("/api/v1/openapi.json").json()
    urls = set(_urls(document, "7"))
    assert {"/api/v1/audit/events?offset=7", "/api/v1/mentors?page=7"} <= urls


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        # Found by core/tests/test_api_fuzz.py: ids beyond 64 bits made SQLite overflow (500).
        (
            "/api/v1/outputs",
            {"kind": "article", "title": "T", "authors": [{"name": "A", "person_id": 2**70}]},
        ),
        (
            "/api/v1/projects",
            {"title": "T", "summary": "S", "research_type": "audit", "mentor_id": -(2**64)},
        ),
    ],
)
def test_an_integer_no_database_can_hold_is_refused_not_a_server_error(personas, path, body):
    enable_totp(personas.committee)
    response = token_client(personas.committee).post(
        path, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "parse" in response.json()["detail"]
