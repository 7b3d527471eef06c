"""Outputs are seen by members, kept by anyone signed in, changed by their owners and admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, Route, check_matrix, expect
from outputs.imports import import_draft_create
from outputs.lookup import lookup_create
from outputs.services import AuthorIn, output_create
from outputs.tests.factories import GOOD_BIBTEX, make_output

pytestmark = pytest.mark.django_db


def owner(personas, who, place):
    """Own: the persona. Other: a stranger (also for the anonymous visitor)."""
    return personas.people[who] if place == "own" and who != ANONYMOUS else UserFactory.create()


def an_output(personas, who, place):
    return make_output(owner(personas, who, place))


def naming(personas, who, place):
    """Own: a stranger's output naming the persona as an author, waiting for their answer.
    Other: a stranger's output naming another stranger."""
    named = owner(personas, who, place)
    recorder = UserFactory.create()
    return output_create(
        actor=recorder,
        kind="article",
        title="Named",
        authors=[AuthorIn(str(recorder), recorder), AuthorIn(str(named), named)],
    )


def on_naming(name):
    return lambda p, w, pl: reverse(f"outputs:{name}", args=[naming(p, w, pl).pk])


def api_naming(action):
    return lambda p, w, pl: f"/api/v1/outputs/{naming(p, w, pl).pk}/authorship/{action}"


def page(name):
    return lambda p, w, pl: reverse(f"outputs:{name}")


def on_output(name):
    return lambda p, w, pl: reverse(f"outputs:{name}", args=[an_output(p, w, pl).pk])


def person_page(personas, who, place):
    return reverse("outputs:person", args=[owner(personas, who, place).pk])


def on_draft(name):
    def url(personas, who, place):
        draft = import_draft_create(
            person=owner(personas, who, place), text=GOOD_BIBTEX, fmt="bibtex"
        )
        return reverse(f"outputs:{name}", args=[draft.pk])

    return url


def on_lookup(name):
    """A look-up of identifiers still running (nothing is fetched: the task is not run)."""

    def url(personas, who, place):
        job = lookup_create(person=owner(personas, who, place), text="10.1148/radiol.2021203656")
        return reverse(f"outputs:{name}", args=[job.pk])

    return url


def api_output(personas, who, place):
    return f"/api/v1/outputs/{an_output(personas, who, place).pk}"


def api_person(personas, who, place):
    return f"/api/v1/outputs?person={owner(personas, who, place).pk}"


UPDATE = {"kind": "article", "title": "Changed", "authors": [{"name": "A. Author"}], "version": 1}
CREATE = {"kind": "poster", "title": "New poster", "authors": [{"name": "A. Author"}]}

EVERYONE_SIGNED_IN = expect((200, 200))
MEMBERS = expect((200, 200), outsider=(403, 403))
SEEN_BY_MEMBERS = expect((200, 200), outsider=(200, 404))
OWNERS = expect((200, 403), admin=(200, 200), outsider=(200, 404))
OWN_DRAFT = expect((200, 404))

ROUTES = [
    (Route("my outputs", page("mine")), EVERYONE_SIGNED_IN),
    (Route("add form", page("create")), EVERYONE_SIGNED_IN),
    (Route("import form", page("import")), EVERYONE_SIGNED_IN),
    (
        Route("export my outputs", lambda p, w, pl: reverse("outputs:export") + "?format=ris"),
        EVERYONE_SIGNED_IN,
    ),
    (Route("a person's outputs", person_page), MEMBERS),
    (Route("output page", on_output("detail")), SEEN_BY_MEMBERS),
    (Route("edit form", on_output("edit")), OWNERS),
    (
        Route("delete", on_output("delete"), method="post"),
        expect((302, 403), admin=(302, 302), outsider=(302, 404)),
    ),
    (Route("import preview", on_draft("import_preview")), OWN_DRAFT),
    (Route("import confirm", on_draft("import_confirm"), method="post"), expect((302, 404))),
    (Route("import by identifier form", page("import_identifiers")), EVERYONE_SIGNED_IN),
    (
        Route(
            "import by identifier",
            page("import_identifiers"),
            "post",
            lambda p, w, pl: {"identifiers": "not an identifier"},
        ),
        expect((400, 400)),
    ),
    (
        Route(
            "import by identifier queued",
            page("import_identifiers"),
            "post",
            lambda p, w, pl: {"identifiers": "10.1148/radiol.2021203656"},
        ),
        expect((302, 302)),
    ),
    (Route("look-up progress", on_lookup("import_preview")), OWN_DRAFT),
    (Route("look-up confirm", on_lookup("import_confirm"), method="post"), expect((302, 404))),
    (Route("API my outputs", lambda p, w, pl: "/api/v1/outputs", api=True), EVERYONE_SIGNED_IN),
    (
        Route("API a person's outputs", api_person, api=True),
        expect((200, 200), outsider=(200, 403)),
    ),
    (Route("API output", api_output, api=True), SEEN_BY_MEMBERS),
    (
        Route(
            "API create", lambda p, w, pl: "/api/v1/outputs", "post", lambda p, w, pl: CREATE, True
        ),
        expect((201, 201)),
    ),
    (Route("API update", api_output, "put", lambda p, w, pl: UPDATE, True), OWNERS),
    (
        Route("API delete", api_output, method="delete", api=True),
        expect((204, 403), admin=(204, 204), outsider=(204, 404)),
    ),
    (
        Route(
            "API import dry run",
            lambda p, w, pl: "/api/v1/outputs/import?dry_run=true",
            "post",
            lambda p, w, pl: {"text": GOOD_BIBTEX},
            True,
        ),
        EVERYONE_SIGNED_IN,
    ),
    # Only the person named answers; anyone else, administrators included, gets 404.
    (Route("output page naming me", on_naming("detail")), SEEN_BY_MEMBERS),
    (Route("confirm authorship", on_naming("authorship_confirm"), "post"), expect((302, 404))),
    (Route("decline authorship", on_naming("authorship_decline"), "post"), expect((302, 404))),
    (
        Route("API outputs naming me", lambda *a: "/api/v1/outputs/authorships/waiting", api=True),
        EVERYONE_SIGNED_IN,
    ),
    (Route("API confirm authorship", api_naming("confirm"), "post", api=True), expect((200, 404))),
    (Route("API decline authorship", api_naming("decline"), "post", api=True), expect((204, 404))),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_outputs_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
