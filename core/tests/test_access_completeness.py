"""Every route of the project has rows in an access matrix, and every object route an
IDOR probe: someone asking for another site's or another person's object is refused.

The routes come from walking radcollab/urls.py's resolver and the API's OpenAPI paths;
the rows from `core/testing/matrix_ledger.json`, written by a run of every matrix
(core/testing/ledger.py, docs/access.md). A failure names each route that lacks a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.testing.ledger import LEDGER_FILE, read_ledger, summary
from core.testing.matrix import API_PREFIX, LEDGER, Route, check_matrix, expect, route_key
from radcollab.api import api

REGENERATE = (
    "If the rows exist (a matrix test was added or merged), write the ledger again:\n"
    f"  RADCOLLAB_MATRIX_LEDGER={LEDGER_FILE.relative_to(LEDGER_FILE.parents[2])} "
    ".venv/bin/pytest -n 0 -q $(grep -l check_matrix */tests/*.py)\n"
    "Otherwise add the rows to the app's tests/test_access_matrix.py (docs/access.md)."
)
# Routes no matrix needs to cover, each with its reason.
EXEMPT_PREFIXES = {
    "/accounts/": "django-allauth's sign-in, sign-up and two-factor pages (its own tests)",
    "/admin/": "Django's admin: staff accounts only; core's matrix checks its index",
}
EXEMPT = {
    "/api/v1/openapi.json": "the API's description, public like /api/v1/docs",
    "GET /api/v1/docs": "the interactive docs page; core's matrix checks it",
}
# A ratchet: routes found without a row when this test was written (issue 20). A route
# leaves the list when its rows are added; a new route may not join it.
KNOWN_WITHOUT_ROWS: set[str] = set()
KNOWN_WITHOUT_PROBE: set[str] = set()
# Object routes whose object everyone signed in may see by design: no refusal to probe.
OPEN_OBJECTS: dict[str, str] = {
    "/events/feeds/subspecialty/<slug:slug>.ics": "a subspecialty's public calendar feed: "
    "conference deadlines anyone may subscribe to, signed in or not (no person's data)",
    "/opportunities/programmes/<int:pk>/": "the network's catalogue of training programmes, "
    "shown to every signed-in person (the events matrix checks curators alone edit them)",
    "/opportunities/shortlist/estimate/<int:pk>/": "the signed-in person's own estimate of "
    "their chance for a catalogue programme; it is kept on their own shortlist",
    "/training/cv.<str:fmt>": "the signed-in person's own CV; the path names a file format "
    "(docx, pdf), not anyone's object",
    "GET /api/v1/network/sites/{site_id}": "a site's public facts (name, city, region, "
    "position on the map), as the network map shows them to every signed-in person",
    "/credit/works/<str:fmt>": "the signed-in person's own works; the path names a file "
    "format (orcid.json, bib, ris), not anyone's object",
}
OBJECT = re.compile(r"<(?:\w+:)?\w+>|\{\w+\}")


def _walk(patterns: list, prefix: str) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> set[str]:
    routes = {"/" + route for route in _walk(get_resolver().url_patterns, "")}
    return {
        route
        for route in routes
        if not route.startswith(API_PREFIX)
        and not route.startswith(tuple(EXEMPT_PREFIXES))
        and route not in EXEMPT
    }


def api_operations() -> set[str]:
    document = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def every_route() -> set[str]:
    return page_routes() | api_operations()


def test_the_walk_finds_pages_and_api_operations_of_every_app():
    routes = every_route()
    assert "/studies/<int:pk>/records/" in routes
    assert "GET /api/v1/accounts/me" in routes
    assert not any(route.startswith("/accounts/") for route in routes)


def _ledger() -> dict:
    covered = read_ledger()
    if not covered:
        pytest.skip(f"no ledger at {LEDGER_FILE.name} yet: write it first.\n{REGENERATE}")
    return covered


def test_every_route_has_rows_in_an_access_matrix():
    covered = _ledger()
    missing = sorted(every_route() - set(covered) - KNOWN_WITHOUT_ROWS)
    now_covered = sorted(KNOWN_WITHOUT_ROWS & set(covered))
    assert not now_covered, (
        f"these have rows now: take them out of KNOWN_WITHOUT_ROWS: {now_covered}"
    )
    assert not missing, (
        f"{len(missing)} route(s) have no row in any access matrix:\n  "
        + "\n  ".join(missing)
        + "\n"
        + REGENERATE
    )


def test_every_object_route_has_an_idor_probe():
    """A route with an object in its path: some signed-in persona asked for another
    site's or person's object and was refused (403 or 404), never given it."""
    covered = _ledger()
    unprobed = sorted(
        route
        for route in every_route()
        if OBJECT.search(route)
        and route in covered
        and not covered[route]["refused_elsewhere"]
        and route not in OPEN_OBJECTS
        and route not in KNOWN_WITHOUT_PROBE
    )
    assert not unprobed, (
        f"{len(unprobed)} object route(s) have no row where another site's or person's "
        "object is refused (403/404):\n  " + "\n  ".join(unprobed) + "\n" + REGENERATE
    )


def test_the_ledger_names_no_route_that_is_gone():
    gone = sorted(
        route
        for route in set(_ledger()) - every_route()
        if route not in EXEMPT and not route.startswith(tuple(EXEMPT_PREFIXES))
    )
    assert not gone, "the ledger names routes that no longer exist:\n  " + "\n  ".join(gone)


def test_route_keys_name_the_pattern_a_request_reaches():
    assert route_key("post", "/studies/7/records/?page=2") == "/studies/<int:pk>/records/"
    assert route_key("get", "/api/v1/accounts/me") == "GET /api/v1/accounts/me"
    assert route_key("get", "/no/such/address/") is None


@pytest.mark.django_db
def test_check_matrix_notes_each_cell_with_the_route_it_reached(personas):
    LEDGER.pop("/dashboard/", None)
    check_matrix(personas, Route("dashboard", lambda p, w, pl: "/dashboard/"), expect((200, 200)))
    cells = LEDGER["/dashboard/"]
    assert ("trainee", "other", "200") in cells
    assert ("anonymous", "own", "401") in cells
    assert summary()["/dashboard/"] == {"cells": len(cells), "refused_elsewhere": False}
