"""The access matrix: every persona against a route, at their own site and at another.

Each app's `tests/test_access_matrix.py` lists its routes with the status every
persona must get, and `check_matrix` runs them all and reports every cell that
differs in one table, so a leak shows up as a readable row instead of a stack trace.

    check_matrix(client, personas, Route("site page", lambda p, who, place: ...),
                 expect={"trainee": (200, 200), "outsider": (403, 403), ...})

`place` is "own" or "other": the persona's own site (or object) and someone else's.
A page that redirects to the sign-in page counts as 401, like the API's answer; a page
that sends the person to set up two-factor, and an API answer that asks for it, count
as `TWO_FACTOR` ("2fa"): the role allows it, two-factor is missing. `asks_two_factor()`
turns a matrix of people with two-factor into the one without.
Each request runs in a savepoint that is rolled back, so a POST that succeeds for
one persona leaves nothing behind for the next.

Every request `check_matrix` sends is noted in `LEDGER` under the route it reached
(`route_key`); `core/tests/test_access_completeness.py` compares the routes of the
project with the ledger file written from a run of the matrices (docs/access.md).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User
from accounts.services import api_token_create
from core.testing.personas import ROSTER, Personas
from network.models import Site

Place = Literal["own", "other"]
PLACES: tuple[Place, Place] = ("own", "other")
ANONYMOUS = "anonymous"
LOGIN_PATH = "/accounts/login/"
TWO_FACTOR_PATH = "/accounts/2fa/totp/activate/"
TWO_FACTOR = "2fa"
EVERYONE = [*ROSTER, ANONYMOUS]


@dataclass(frozen=True)
class Route:
    label: str
    url: Callable[[Personas, str, Place], str]
    method: str = "get"
    data: Callable[[Personas, str, Place], dict[str, Any]] | None = None
    api: bool = False  # send JSON with the persona's API token instead of a session


Status = int | str  # an HTTP status, or TWO_FACTOR
Cell = tuple[Status, Status]


def expect(everyone: Cell, *, anonymous: Cell = (401, 401), **persona: Cell) -> dict[str, Cell]:
    """A full matrix: `everyone` signed in gets the same, except the personas named.

    expect((403, 403), committee=(200, 200), admin=(200, 200))
    """
    unknown = set(persona) - set(ROSTER)
    assert not unknown, f"no persona called {sorted(unknown)}"
    return {**dict.fromkeys(ROSTER, everyone), **persona, ANONYMOUS: anonymous}


def asks_two_factor(expected: dict[str, Cell]) -> dict[str, Cell]:
    """The same matrix for people without two-factor: every cell that passed asks for it."""

    def without(status: Status) -> Status:
        return TWO_FACTOR if isinstance(status, int) and status < 400 else status

    return {who: (without(own), without(other)) for who, (own, other) in expected.items()}


def own_site(personas: Personas, who: str) -> Site:
    """The site a persona belongs to; network-wide people and outsiders count site A as own."""
    _, key = ROSTER.get(who, (None, None))
    return personas.site_b if key == "b" else personas.site_a


def other_site(personas: Personas, who: str) -> Site:
    return personas.site_a if own_site(personas, who) == personas.site_b else personas.site_b


def site_for(personas: Personas, who: str, place: Place) -> Site:
    return own_site(personas, who) if place == "own" else other_site(personas, who)


def _client_for(personas: Personas, who: str, api: bool) -> Client:
    client = Client()
    if who == ANONYMOUS:
        return client
    person = personas.people[who]
    if api:
        secret = api_token_create(user=person, name=f"matrix-{who}").secret
        return Client(headers={"Authorization": f"Bearer {secret}"})
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(person)
    return client


def signed_in_session(person: User) -> str:
    """The key of a new session signed in as `person`, holding what `Client.force_login`
    leaves in one (the person, the backend, the password's hash), written in one INSERT.

    force_login goes through `login()`: it saves an empty session, reads it back, moves
    it to a new key and records the sign-in time, seven queries in all. The matrices sign
    in thousands of times, and none of their answers depends on the sign-in time; signing
    in itself is tested where it happens (accounts)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = person._meta.pk.value_to_string(person)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.save()
    key: str = session.session_key
    return key


def _request(client: Client, route: Route, url: str, data: dict[str, Any] | None) -> Status:
    send = getattr(client, route.method)
    if route.api and route.method != "get":
        response = send(url, data=json.dumps(data or {}), content_type="application/json")
    else:
        response = send(url, data=data or {})
    if response.status_code == 302 and response["Location"].startswith(LOGIN_PATH):
        return 401  # a page that sends the visitor to sign in: unauthenticated
    if response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_PATH):
        return TWO_FACTOR
    if response.status_code == 403 and _asks_two_factor(response):
        return TWO_FACTOR
    return int(response.status_code)


def _asks_two_factor(response: Any) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, dict) and body.get("code") == "two_factor_required"


API_PREFIX = "/api/v1/"
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
# route key -> the (persona, place, status) cells the matrices asked of it.
LEDGER: dict[str, set[tuple[str, str, str]]] = defaultdict(set)


def route_key(method: str, url: str) -> str | None:
    """The route a request reaches: `/studies/<int:pk>/` for a page (any method), or
    `GET /api/v1/studies/{study_id}` for an API operation, as the OpenAPI document names it.
    None for an address no route answers."""
    path = url.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    route = "/" + match.route
    if route.startswith(API_PREFIX):
        return method.upper() + " " + _CONVERTER.sub(r"{\1}", route)
    return route


def check_matrix(personas: Personas, route: Route, expect: dict[str, Cell]) -> None:
    """Assert the status each persona gets at its own and the other site; list every miss."""
    missing = set(EVERYONE) - set(expect)
    assert not missing, f"{route.label}: the matrix must say what {sorted(missing)} get"
    misses = []
    for who, wanted in expect.items():
        client = _client_for(personas, who, route.api)
        for place, status in zip(PLACES, wanted, strict=True):
            with transaction.atomic():
                url = route.url(personas, who, place)
                data = route.data(personas, who, place) if route.data else None
                got = _request(client, route, url, data)
                transaction.set_rollback(True)
            key = route_key(route.method, url)
            if key is not None:
                LEDGER[key].add((who, place, str(got)))
            if got != status:
                request = f"{route.method.upper()} {url}"
                misses.append(f"  {who:<13} {place:<5} {request}: wanted {status}, got {got}")
    assert not misses, f"{route.label}: access differs from the matrix\n" + "\n".join(misses)
