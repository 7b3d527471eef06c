"""Every persona against every calendar route, at their own place and at another."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing.matrix import ANONYMOUS, Route, asks_two_factor, check_matrix, expect, site_for
from events import services
from events.tests.factories import make_conference, make_deadline, make_event
from people.models import Term
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db
PAST = dt.datetime(2026, 1, 10, 17, tzinfo=dt.UTC)
FUTURE = dt.datetime(2027, 5, 6, 17, tzinfo=dt.UTC)
MEMBERS = expect((200, 200), outsider=(403, 403))
CURATORS = expect((403, 403), committee=(200, 200), admin=(200, 200))


def conference_slug(p, who, place):
    return make_conference(slug=f"con-{place}").slug


def a_deadline(p, who, place):
    return make_deadline(make_conference(slug=f"dl-{place}"), due_at=FUTURE)


def a_project(p, who, place):
    """Own: a project the persona leads (a fresh lead for the anonymous). Other: a stranger's."""
    lead = p.people[who] if place == "own" and who != ANONYMOUS else UserFactory.create()
    return make_project(lead, title=f"Project of {who} {place}")


def plan_url(p, who, place):
    return reverse("events:plan", args=[a_project(p, who, place).pk])


def plan_data(p, who, place):
    return {"deadline": a_deadline(p, who, place).pk, "buffer_days": 7, "hours_per_week": 4}


def an_event(p, who, place):
    return make_event(starts_at=PAST, site=site_for(p, who, place))


def feed_url(p, who, place):
    if place == "other":
        return reverse("events:private_feed", args=["not-a-real-secret"])
    person = p.people.get(who) or UserFactory.create()
    return reverse("events:private_feed", args=[services.feed_token_create(person=person).secret])


def public_feed_url(p, who, place):
    term = Term.objects.filter(kind="subspecialty").order_by("pk")[0 if place == "own" else 1]
    return reverse("events:public_feed", args=[term.slug])


def api_plan_url(p, who, place):
    return f"/api/v1/events/projects/{a_project(p, who, place).pk}/plan"


def api_plan_data(p, who, place):
    return {"deadline_id": a_deadline(p, who, place).pk}


def url(name, *args):
    return lambda p, w, pl: reverse(name, args=args)


ROUTES = [
    (Route("calendar", url("events:calendar")), MEMBERS),
    (
        Route(
            "conference",
            lambda p, w, pl: reverse("events:conference", args=[conference_slug(p, w, pl)]),
        ),
        MEMBERS,
    ),
    (
        Route(
            "follow",
            lambda p, w, pl: reverse("events:follow", args=[conference_slug(p, w, pl)]),
            method="post",
        ),
        expect((302, 302), outsider=(403, 403)),
    ),
    (
        Route(
            "deadline edit",
            lambda p, w, pl: reverse("events:deadline_edit", args=[a_deadline(p, w, pl).pk]),
        ),
        CURATORS,
    ),
    (
        Route(
            "deadline new",
            lambda p, w, pl: reverse("events:deadline_new", args=[a_deadline(p, w, pl).edition_id]),
        ),
        CURATORS,
    ),
    (Route("plan page", plan_url), expect((200, 404))),
    (Route("plan accept", plan_url, method="post", data=plan_data), expect((302, 404))),
    (
        Route("event page", lambda p, w, pl: reverse("events:event", args=[an_event(p, w, pl).pk])),
        MEMBERS,
    ),
    (
        Route("event new", url("events:event_new")),
        expect(
            (403, 403),
            committee=(200, 200),
            admin=(200, 200),
            site_lead_a=(200, 200),
            site_lead_b=(200, 200),
        ),
    ),
    (
        Route(
            "event edit",
            lambda p, w, pl: reverse("events:event_edit", args=[an_event(p, w, pl).pk]),
        ),
        expect(
            (403, 403),
            committee=(200, 200),
            admin=(200, 200),
            site_lead_a=(200, 403),
            site_lead_b=(200, 403),
        ),
    ),
    (
        Route(
            "attend",
            lambda p, w, pl: reverse("events:attend", args=[an_event(p, w, pl).pk]),
            method="post",
        ),
        expect((302, 302), outsider=(403, 403)),
    ),
    (Route("feeds page", url("events:feeds")), MEMBERS),
    (
        Route("feed token", url("events:feed_token"), method="post"),
        expect((302, 302), outsider=(403, 403)),
    ),
    (
        Route("reminder choices", url("events:preferences"), method="post"),
        expect((302, 302), outsider=(403, 403)),
    ),
    (Route("private feed", feed_url), expect((200, 404), anonymous=(200, 404))),
    (Route("public feed", public_feed_url), expect((200, 200), anonymous=(200, 200))),
    (Route("API conferences", lambda p, w, pl: "/api/v1/events/conferences", api=True), MEMBERS),
    (Route("API deadlines", lambda p, w, pl: "/api/v1/events/deadlines", api=True), MEMBERS),
    (
        Route(
            "API follow",
            lambda p, w, pl: f"/api/v1/events/conferences/{conference_slug(p, w, pl)}/follow",
            method="post",
            api=True,
        ),
        expect((201, 201), outsider=(403, 403)),
    ),
    (
        Route(
            "API stop following",
            lambda p, w, pl: f"/api/v1/events/conferences/{conference_slug(p, w, pl)}/follow",
            method="delete",
            api=True,
        ),
        expect((204, 204), outsider=(403, 403)),
    ),
    (Route("API plan", api_plan_url, api=True), expect((200, 404))),
    (
        Route("API plan accept", api_plan_url, method="post", data=api_plan_data, api=True),
        expect((200, 404)),
    ),
    (Route("API events", lambda p, w, pl: "/api/v1/events/events", api=True), MEMBERS),
    (
        Route(
            "API attend",
            lambda p, w, pl: f"/api/v1/events/events/{an_event(p, w, pl).pk}/attend",
            method="post",
            api=True,
        ),
        expect((201, 201), outsider=(403, 403)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_events_access_matrix(two_factor, route, expected):
    check_matrix(two_factor, route, expected)


CURATING = {"deadline edit", "deadline new"}


@pytest.mark.parametrize(
    ("route", "expected"),
    [(route, expected) for route, expected in ROUTES if route.label in CURATING],
    ids=lambda x: getattr(x, "label", ""),
)
def test_curating_the_calendar_asks_for_two_factor_after_the_role(personas, route, expected):
    check_matrix(personas, route, asks_two_factor(expected))
