"""Every persona against every credit route, at their own study and at another.

The world (credit/tests/factories.py): "own" is the study where site_lead_a,
site_lead_b, the trainee (collaborator at A) and the mentor (validator at A) hold roles
and the committee created it; its rules (2 complete records, or site lead) put the
trainee and both site leads on the list, and all three were asked to confirm their
names. "other" is a second study of the committee's with rules set, where nobody else
holds a role. The statistician and the network admin hold no study role. Everyone has
two-factor on; the last test turns it off for the committee.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from capture import services as capture
from core.testing.matrix import Route, asks_two_factor, check_matrix, expect
from credit import services
from credit.models import AuthorList, NameConfirmation
from credit.tests.factories import make_world, set_rules

pytestmark = pytest.mark.django_db

IN_STUDY = ("trainee", "mentor", "site_lead_a", "site_lead_b")


@pytest.fixture
def world(personas):
    personas.with_two_factor()
    own = make_world(personas)
    author_list = set_rules(personas, own)
    services.confirmations_request(actor=personas.committee, author_list=author_list)
    other, _ = capture.study_create(
        actor=personas.committee, title="Other audit", dictionary_csv=own.study.versions.get().csv
    )
    services.rules_save(
        actor=personas.committee, study=other, rules=services.core.Rules(consortium_name="Other")
    )
    return {"own": own.study, "other": other}


def at(world, name, *extra):
    def build(personas, who, place):
        return reverse(f"credit:{name}", args=[world[place].pk, *extra])

    return build


def certificate(world):
    """The certificate of the own study once its list is locked (locked inside the cell)."""

    def build(personas, who, place):
        for author_list in AuthorList.objects.filter(locked_at__isnull=True):
            if author_list.study_id == world["own"].pk:
                services.list_lock(actor=personas.committee, author_list=author_list)
        return reverse("credit:export", args=[world[place].pk, "certificate"])

    return build


def correct(world):
    def build(personas, who, place):
        name = NameConfirmation.objects.filter(author_list__study=world["own"]).first()
        return reverse("credit:correct", args=[world[place].pk, name.pk])

    return build


def api(world, tail):
    return lambda personas, who, place: f"/api/v1/credit/studies/{world[place].pk}/{tail}"


STUDY_PAGE = expect((404, 404), committee=(200, 200), **dict.fromkeys(IN_STUDY, (200, 404)))
COMMITTEE_GET = expect((404, 404), committee=(200, 200), **dict.fromkeys(IN_STUDY, (403, 404)))
COMMITTEE_POST = {**COMMITTEE_GET, "committee": (302, 302)}
ASKED = ("trainee", "site_lead_a", "site_lead_b")
OWN_NAME_GET = expect((404, 404), **dict.fromkeys(ASKED, (200, 404)))
OWN_NAME_POST = expect((404, 404), **dict.fromkeys(ASKED, (302, 404)))
CERTIFICATE = OWN_NAME_GET
RULES_POST = {"consortium_name": "C", "min_complete_records": "2", "grouping": "site"}
NAME_POST = {"given_names": "A", "family_name": "B"}


def routes(world):
    return [
        (Route("my credit", lambda p, w, pl: reverse("credit:mine")), expect((200, 200))),
        (Route("study credit page", at(world, "study")), STUDY_PAGE),
        (Route("rules form", at(world, "rules")), COMMITTEE_GET),
        (
            Route("save rules", at(world, "rules"), "post", lambda *a: RULES_POST),
            COMMITTEE_POST,
        ),
        (
            Route(
                "add to writing committee",
                at(world, "committee_add"),
                "post",
                lambda p, w, pl: {"email": p.mentor.email, "role": "Member"},
            ),
            COMMITTEE_POST,
        ),
        (Route("ask for names", at(world, "ask"), "post"), COMMITTEE_POST),
        (Route("lock", at(world, "lock"), "post"), COMMITTEE_POST),
        (Route("export csv", at(world, "export", "csv")), COMMITTEE_GET),
        (Route("export docx", at(world, "export", "docx")), COMMITTEE_GET),
        (Route("export pubmed", at(world, "export", "pubmed")), COMMITTEE_GET),
        (Route("correct a name", correct(world)), {**COMMITTEE_GET, "committee": (200, 404)}),
        (Route("confirm own name", at(world, "confirm")), OWN_NAME_GET),
        (
            Route("confirm own name (post)", at(world, "confirm"), "post", lambda *a: NAME_POST),
            OWN_NAME_POST,
        ),
        (Route("confirm as shown", at(world, "confirm_as_shown"), "post"), OWN_NAME_POST),
        (Route("decline", at(world, "decline"), "post"), OWN_NAME_POST),
        (Route("certificate", certificate(world)), CERTIFICATE),
        (
            Route("API author list", api(world, "author-list"), api=True),
            expect((404, 404), committee=(200, 200), anonymous=(401, 401)),
        ),
        (
            Route("API my contributions", api(world, "contributions/me"), api=True),
            expect((404, 404), committee=(200, 200), **dict.fromkeys(IN_STUDY, (200, 404))),
        ),
        (
            Route(
                "API rules", api(world, "rules"), "put", lambda *a: {"consortium_name": "C"}, True
            ),
            {
                **expect((404, 404), committee=(200, 200)),
                **dict.fromkeys(IN_STUDY, (403, 404)),
            },
        ),
    ]


def test_every_credit_page_against_every_persona(personas, world):
    for route, expected in routes(world):
        if not route.api:
            check_matrix(personas, route, expected)


# Each API route in a test of its own: the matrix makes one API token per persona.
@pytest.mark.parametrize("label", ["API author list", "API my contributions", "API rules"])
def test_every_credit_api_route_against_every_persona(personas, world, label):
    [(route, expected)] = [(r, e) for r, e in routes(world) if r.label == label]
    check_matrix(personas, route, expected)


TWO_FACTOR_ROUTES = {
    "study credit page",
    "rules form",
    "save rules",
    "lock",
    "ask for names",
    "export csv",
    "API author list",
}


def test_the_committee_needs_two_factor_for_every_committee_action(personas, world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=personas.committee).delete()
    for route, expected in routes(world):
        if route.label in TWO_FACTOR_ROUTES:
            # Only the committee lost two-factor: the others' cells stay as they were.
            committee = asks_two_factor({"committee": expected["committee"]})
            check_matrix(personas, route, {**expected, **committee})
