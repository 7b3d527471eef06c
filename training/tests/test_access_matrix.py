"""Training records are private to the person, their supervisors, their site's leads and admins.

"own"/"other" means, for records: a person at the persona's own site or at the other
site (site leads read their own site's people only); for "mine" routes: the persona's
own record or a stranger's; for sign-off routes: a checklist the persona supervises
or one between strangers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from accounts.tests.factories import PASSWORD, UserFactory
from core.testing.matrix import ANONYMOUS, Route, check_matrix, expect, site_for
from training import services
from training.tests.factories import checklist, credential, pdf_upload, person_at, tracker

pytestmark = pytest.mark.django_db


def at_site(personas, who, place):
    """A trainee at the persona's own site or at the other one."""
    return person_at(site_for(personas, who, place))


def mine(personas, who, place):
    """The persona themself, or a stranger who belongs to no site."""
    return personas.people[who] if place == "own" and who != ANONYMOUS else UserFactory.create()


def supervised(personas, who, place):
    """A checklist the persona supervises, or one between two strangers."""
    supervisor = (
        personas.people[who] if place == "own" and who != ANONYMOUS else UserFactory.create()
    )
    return checklist(UserFactory.create(), supervisor)


def with_evidence(person):
    started = tracker(person)
    category = started.requirement_set.categories.get(name="Courses")
    return services.evidence_add(
        actor=person,
        tracker=started,
        category=category,
        kind="file",
        title="Course",
        occurred_on=localdate(),
        file=pdf_upload(),
    )


def api_sign_url(checklist):
    return f"/api/v1/training/checklists/{checklist.pk}/items/{checklist.items.first().pk}/sign"


def url(name, *args):
    return reverse(f"training:{name}", args=args)


SITE_READ = expect((404, 404), site_lead_a=(200, 404), site_lead_b=(200, 404), admin=(200, 200))
SITE_WRITE = expect((404, 404), site_lead_a=(403, 404), site_lead_b=(403, 404), admin=(403, 403))
OWN_READ = expect((200, 404), admin=(200, 200))
OWN_WRITE = expect((200, 404), admin=(200, 403))
EVERYONE = expect((200, 200))
LEADS = expect((403, 403), site_lead_a=(200, 403), site_lead_b=(200, 403), admin=(200, 200))
SIGN = expect((200, 404), admin=(200, 403))

ROUTES = [
    (Route("training home", lambda p, w, pl: url("home")), EVERYONE),
    (Route("record a credential", lambda p, w, pl: url("credential_new")), EVERYONE),
    (Route("goals", lambda p, w, pl: url("goals")), EVERYONE),
    (Route("CV as DOCX", lambda p, w, pl: url("cv", "docx")), EVERYONE),
    (Route("CV as PDF", lambda p, w, pl: url("cv", "pdf")), EVERYONE),
    (Route("checklist start", lambda p, w, pl: url("checklist_new")), EVERYONE),
    (
        Route(
            "records of someone at the site", lambda p, w, pl: url("person", at_site(p, w, pl).pk)
        ),
        SITE_READ,
    ),
    (
        Route(
            "certificate of someone at the site",
            lambda p, w, pl: url(
                "credential_file", credential(at_site(p, w, pl), certificate=pdf_upload()).pk
            ),
        ),
        SITE_READ,
    ),
    (
        Route(
            "edit the credential of someone at the site",
            lambda p, w, pl: url("credential_edit", credential(at_site(p, w, pl)).pk),
        ),
        SITE_WRITE,
    ),
    (
        Route(
            "tracker of someone at the site",
            lambda p, w, pl: url("tracker", tracker(at_site(p, w, pl)).pk),
        ),
        SITE_READ,
    ),
    (
        Route(
            "evidence pack of someone at the site",
            lambda p, w, pl: url("tracker_pack", tracker(at_site(p, w, pl)).pk),
        ),
        SITE_READ,
    ),
    (
        Route(
            "evidence file of someone at the site",
            lambda p, w, pl: url("evidence_file", with_evidence(at_site(p, w, pl)).pk),
        ),
        SITE_READ,
    ),
    (
        Route(
            "checklist of someone at the site",
            lambda p, w, pl: url(
                "checklist", checklist(at_site(p, w, pl), UserFactory.create()).pk
            ),
        ),
        SITE_READ,
    ),
    (
        Route(
            "API credentials of someone at the site",
            lambda p, w, pl: f"/api/v1/training/people/{at_site(p, w, pl).pk}/credentials",
            api=True,
        ),
        SITE_READ,
    ),
    (
        Route(
            "my credential or a stranger's",
            lambda p, w, pl: url("credential_edit", credential(mine(p, w, pl)).pk),
        ),
        OWN_WRITE,
    ),
    (
        Route(
            "delete my credential or a stranger's",
            lambda p, w, pl: url("credential_delete", credential(mine(p, w, pl)).pk),
            method="post",
        ),
        expect((302, 404), admin=(302, 403)),
    ),
    (
        Route(
            "add evidence to my tracker or a stranger's",
            lambda p, w, pl: url("tracker", tracker(mine(p, w, pl)).pk),
            method="post",
            data=lambda p, w, pl: {"kind": "note", "title": "x", "note": "y"},
        ),
        expect((400, 404), admin=(400, 403)),
    ),
    (
        Route("my records or a stranger's", lambda p, w, pl: url("person", mine(p, w, pl).pk)),
        OWN_READ,
    ),
    (
        Route(
            "my goal or a stranger's",
            lambda p, w, pl: url(
                "goal_edit",
                services.goal_create(
                    person=mine(p, w, pl), target=1, due_on=dt.date(2030, 1, 1)
                ).pk,
            ),
        ),
        expect((200, 404)),
    ),
    (
        Route(
            "records of a person I supervise",
            lambda p, w, pl: url("person", supervised(p, w, pl).person_id),
        ),
        OWN_READ,
    ),
    (
        Route(
            "sign an item as supervisor",
            lambda p, w, pl: url("item_sign", (c := supervised(p, w, pl)).pk, c.items.first().pk),
        ),
        SIGN,
    ),
    (
        Route(
            "complete as supervisor",
            lambda p, w, pl: url("checklist_complete", supervised(p, w, pl).pk),
            method="post",
            data=lambda p, w, pl: {"password": PASSWORD},
        ),
        expect((400, 404), admin=(400, 403)),
    ),
    (
        Route(
            "API sign an item",
            lambda p, w, pl: api_sign_url(supervised(p, w, pl)),
            method="post",
            api=True,
            data=lambda p, w, pl: {
                "password": PASSWORD,
                "signed_on": localdate().isoformat(),
                "evidence": "Seen.",
            },
        ),
        SIGN,
    ),
    (
        Route("GCP site list", lambda p, w, pl: url("gcp_sites")),
        expect((403, 403), site_lead_a=(200, 200), site_lead_b=(200, 200), admin=(200, 200)),
    ),
    (
        Route(
            "start a tracker (no certificate chosen: back home with the reason)",
            lambda p, w, pl: url("tracker_start"),
            method="post",
            data=lambda p, w, pl: {},
        ),
        expect((302, 302)),
    ),
    (
        Route(
            "delete evidence of my tracker or a stranger's",
            lambda p, w, pl: url("evidence_delete", with_evidence(mine(p, w, pl)).pk),
            method="post",
        ),
        expect((302, 404), admin=(302, 403)),
    ),
    (
        Route(
            "delete my goal or a stranger's",
            lambda p, w, pl: url(
                "goal_delete",
                services.goal_create(
                    person=mine(p, w, pl), target=1, due_on=dt.date(2030, 1, 1)
                ).pk,
            ),
            method="post",
        ),
        expect((302, 404)),
    ),
    (
        Route(
            "note evidence on an item of my checklist or a stranger's",
            lambda p, w, pl: url(
                "item_update",
                (c := checklist(mine(p, w, pl), UserFactory.create())).pk,
                c.items.first().pk,
            ),
            method="post",
            data=lambda p, w, pl: {"evidence": "Attended the course."},
        ),
        expect((302, 404), admin=(302, 403)),
    ),
    (Route("GCP at a site", lambda p, w, pl: url("gcp_site", site_for(p, w, pl).pk)), LEADS),
    (
        Route(
            "API GCP at a site",
            lambda p, w, pl: f"/api/v1/training/sites/{site_for(p, w, pl).pk}/gcp",
            api=True,
        ),
        LEADS,
    ),
    (
        Route("refresher intervals", lambda p, w, pl: url("intervals")),
        expect((403, 403), admin=(200, 200)),
    ),
    (
        Route("API my credentials", lambda p, w, pl: "/api/v1/training/credentials", api=True),
        EVERYONE,
    ),
    (Route("API my goals", lambda p, w, pl: "/api/v1/training/goals", api=True), EVERYONE),
    (
        Route("API my checklists", lambda p, w, pl: "/api/v1/training/checklists", api=True),
        EVERYONE,
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_training_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
