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

from accounts.tests.factories import UserFactory
from capture import services as capture
from core.testing.matrix import Route, asks_two_factor, check_matrix, expect
from credit import contributions, portfolio, services
from credit.models import (
    AuthorList,
    ContributionRecord,
    DashboardSetting,
    NameConfirmation,
    PortfolioTrainee,
)
from credit.tests.factories import make_world, set_rules
from network.tests.factories import SiteFactory

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
    site_c = SiteFactory.create(name="Site C Hospital", region=personas.site_a.region)
    p_own = portfolio.study_save(
        actor=personas.site_lead_a, site=personas.site_a, title="P1", reference="", target=10
    )
    p_other = portfolio.study_save(
        actor=personas.committee, site=site_c, title="P2", reference="", target=10
    )
    return {"own": own.study, "other": other, "p_own": p_own, "p_other": p_other}


def at(world, name, *extra):
    def build(personas, who, place):
        return reverse(f"credit:{name}", args=[world[place].pk, *extra])

    return build


def committee_member(world):
    """The removal address of a member of the writing committee of the study."""

    def build(personas, who, place):
        from credit.models import AuthorList, WritingCommitteeMember

        author_list, _ = AuthorList.objects.get_or_create(study=world[place])
        member = WritingCommitteeMember.objects.create(
            author_list=author_list, person=UserFactory.create(), role="Member"
        )
        return reverse("credit:committee_remove", args=[world[place].pk, member.pk])

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
        assert name is not None
        return reverse("credit:correct", args=[world[place].pk, name.pk])

    return build


def plain(name, *args):
    return lambda personas, who, place: reverse(f"credit:{name}", args=args)


def summary_on(name, *args):
    """The public summary, switched on inside the cell (rolled back after it)."""

    def build(personas, who, place):
        DashboardSetting.objects.update_or_create(pk=1, defaults={"public_summary": True})
        return reverse(f"credit:{name}", args=args)

    return build


def folio(world, name, *extra):
    def build(personas, who, place):
        return reverse(f"credit:{name}", args=[world[f"p_{place}"].pk, *extra])

    return build


def folio_trainee_remove(world):
    def build(personas, who, place):
        study = world[f"p_{place}"]
        row, _ = PortfolioTrainee.objects.get_or_create(study=study, person=personas.trainee)
        return reverse("credit:portfolio_trainee_remove", args=[study.pk, row.pk])

    return build


DASHBOARD = expect((403, 403), committee=(200, 200))
SUMMARY_OFF = expect((404, 404), anonymous=(404, 404))
SUMMARY_ON = expect((200, 200), anonymous=(200, 200))
PORTFOLIO_PAGE = expect(
    (404, 404), committee=(200, 200), site_lead_a=(200, 200), site_lead_b=(200, 200)
)
PORTFOLIO_STUDY = expect((404, 404), committee=(200, 200), site_lead_a=(200, 404))
PORTFOLIO_POST = expect((404, 404), committee=(302, 302), site_lead_a=(302, 404))
MONTH_POST = {"month": "2026-01", "recruited": "3"}


def api(world, tail):
    return lambda personas, who, place: f"/api/v1/credit/studies/{world[place].pk}/{tail}"


def api_folio(world, tail=""):
    return lambda personas, who, place: f"/api/v1/credit/portfolio/{world[f'p_{place}'].pk}{tail}"


def api_plain(tail):
    return lambda personas, who, place: f"/api/v1/credit/{tail}"


def new_folio(world):
    """A new portfolio study at the persona's own site A, or at the other study's site C."""

    def data(personas, who, place):
        site = personas.site_a.pk if place == "own" else world["p_other"].site_id
        return {"site_id": site, "title": "New study", "target": 20}

    return data


def contribution_record(world):
    """The trainee's record, confirmed by site lead A inside the cell (own study only)."""

    def build(personas, who, place):
        if place == "own" and not ContributionRecord.objects.exists():
            contributions.contribution_confirm(
                actor=personas.site_lead_a,
                study=world["own"],
                person=personas.trainee,
                sites={personas.site_a.pk},
            )
        return reverse("credit:contribution", args=[world[place].pk, personas.trainee.pk])

    return build


def confirm_trainee(world):
    return lambda personas, who, place: reverse(
        "credit:contribution_confirm", args=[world[place].pk, personas.trainee.pk]
    )


def api_confirm_trainee(world):
    return lambda personas, who, place: (
        f"/api/v1/credit/studies/{world[place].pk}/contributions/{personas.trainee.pk}/confirm"
    )


def api_contribution_record(world):
    page = contribution_record(world)

    def build(personas, who, place):
        page(personas, who, place)  # confirms the trainee's record in the own study
        return f"/api/v1/credit/studies/{world[place].pk}/contributions/{personas.trainee.pk}"

    return build


CONFIRMERS = expect(
    (404, 404), committee=(200, 200), site_lead_a=(200, 404), site_lead_b=(200, 404)
)
CONFIRM_POST = expect(
    (404, 404), committee=(302, 302), site_lead_a=(302, 404), site_lead_b=(302, 404)
)
# The API says why a confirmation is refused (422: the trainee did nothing in the other
# study; nobody confirms their own); the page says it in a message after redirecting.
CONFIRM_API = expect(
    (404, 404), committee=(200, 422), site_lead_a=(200, 404), site_lead_b=(422, 404)
)
RECORD_PAGE = expect((404, 404), committee=(200, 404), site_lead_a=(200, 404), trainee=(200, 404))


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
        (
            Route(
                "remove from the writing committee",
                committee_member(world),
                "post",
            ),
            COMMITTEE_POST,
        ),
        (
            Route(
                "unlock the list",
                at(world, "unlock"),
                "post",
                lambda *a: {"reason": "A name was spelt wrongly."},
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
        (Route("network dashboard", plain("network")), DASHBOARD),
        (Route("dashboard CSV", plain("network_csv", "members-region")), DASHBOARD),
        (
            Route("public summary switch", plain("network_settings"), "post", lambda *a: {}),
            {**DASHBOARD, "committee": (302, 302)},
        ),
        (Route("public summary (off)", plain("summary")), SUMMARY_OFF),
        (Route("public summary CSV (off)", plain("summary_csv", "projects")), SUMMARY_OFF),
        (Route("public summary (on)", summary_on("summary")), SUMMARY_ON),
        (Route("public summary CSV (on)", summary_on("summary_csv", "projects")), SUMMARY_ON),
        (Route("portfolio studies", plain("portfolio")), PORTFOLIO_PAGE),
        (Route("record a portfolio study", plain("portfolio_new")), PORTFOLIO_PAGE),
        (Route("portfolio study", folio(world, "portfolio_study")), PORTFOLIO_STUDY),
        (Route("edit portfolio study", folio(world, "portfolio_edit")), PORTFOLIO_STUDY),
        (
            Route(
                "record a month",
                folio(world, "portfolio_month"),
                "post",
                lambda *a: MONTH_POST,
            ),
            PORTFOLIO_POST,
        ),
        (
            Route(
                "name a trainee",
                folio(world, "portfolio_trainee"),
                "post",
                lambda p, w, pl: {"email": p.trainee.email, "part": "associate_pi"},
            ),
            {**PORTFOLIO_POST, "committee": (302, 400)},  # nobody of site C is a member
        ),
        (
            Route("remove a trainee", folio_trainee_remove(world), "post"),
            PORTFOLIO_POST,
        ),
        (Route("contributions to confirm", at(world, "contributions")), CONFIRMERS),
        (Route("confirm a contribution", confirm_trainee(world), "post"), CONFIRM_POST),
        (Route("contribution record", contribution_record(world)), RECORD_PAGE),
        (
            Route(
                "link the publication",
                at(world, "publication"),
                "post",
                lambda *a: {"doi": "10.1/none"},
            ),
            COMMITTEE_POST,
        ),
        (Route("my group-authorship works", plain("works")), expect((200, 200))),
        (Route("works for ORCID", plain("works_export", "orcid.json")), expect((200, 200))),
        (Route("works as BibTeX", plain("works_export", "bib")), expect((200, 200))),
        (
            Route("API dashboard", api_plain("dashboard"), api=True),
            expect((403, 403), committee=(200, 200)),
        ),
        (
            Route("API dashboard figure", api_plain("dashboard/members-region"), api=True),
            expect((403, 403), committee=(200, 200)),
        ),
        (
            Route("API portfolio studies", api_plain("portfolio"), api=True),
            expect(
                (403, 403), committee=(200, 200), site_lead_a=(200, 200), site_lead_b=(200, 200)
            ),
        ),
        (Route("API portfolio study", api_folio(world), api=True), PORTFOLIO_STUDY),
        (
            Route(
                "API record a portfolio study",
                api_plain("portfolio"),
                "post",
                new_folio(world),
                True,
            ),
            expect(
                (404, 404), committee=(201, 201), site_lead_a=(201, 403), site_lead_b=(403, 403)
            ),
        ),
        (
            Route(
                "API record a month",
                api_folio(world, "/months"),
                "post",
                lambda *a: MONTH_POST,
                True,
            ),
            expect((404, 404), committee=(200, 200), site_lead_a=(200, 404)),
        ),
        (
            Route("API my contributions", api(world, "contributions/me"), api=True),
            expect((404, 404), committee=(200, 200), **dict.fromkeys(IN_STUDY, (200, 404))),
        ),
        (Route("API contributions to confirm", api(world, "contributions"), api=True), CONFIRMERS),
        (
            Route(
                "API confirm a contribution",
                api_confirm_trainee(world),
                "post",
                api=True,
            ),
            CONFIRM_API,
        ),
        (Route("API contribution record", api_contribution_record(world), api=True), RECORD_PAGE),
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
API_ROUTES = [
    "API author list",
    "API my contributions",
    "API rules",
    "API contributions to confirm",
    "API confirm a contribution",
    "API contribution record",
    "API dashboard",
    "API dashboard figure",
    "API portfolio studies",
    "API portfolio study",
    "API record a portfolio study",
    "API record a month",
]


@pytest.mark.parametrize("label", API_ROUTES)
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
    "network dashboard",
    "dashboard CSV",
    "public summary switch",
    "portfolio studies",
    "portfolio study",
    "record a month",
    "contributions to confirm",
    "confirm a contribution",
    "link the publication",
}


def test_the_committee_needs_two_factor_for_every_committee_action(personas, world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=personas.committee).delete()
    for route, expected in routes(world):
        if route.label in TWO_FACTOR_ROUTES:
            # Only the committee lost two-factor: the others' cells stay as they were.
            committee = asks_two_factor({"committee": expected["committee"]})
            check_matrix(personas, route, {**expected, **committee})
