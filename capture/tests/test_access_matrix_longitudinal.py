"""Every persona against the longitudinal routes, at a record of their own site and of another.

The same world as test_access_matrix, in a longitudinal study (baseline and a 6-week
follow-up): the record grid, the record status dashboard, entry at an event, and the
study admin's events page and upload.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from capture import services
from capture.models import Event
from capture.tests.longitudinal_study import make_longitudinal_study
from capture.tests.test_access_matrix import (
    API_ROUTES,
    ENTER,
    MANAGE,
    OWN_SITE_ONLY,
    RECORDS_WIDE,
    STUDY_ROLES,
    _key,
    query,
)
from core.testing.matrix import Route, check_matrix
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    study, site_a, site_b = make_longitudinal_study(personas)
    sites = {"a": site_a, "b": site_b}
    for who, (role, key) in STUDY_ROLES.items():
        services.study_grant_role(
            actor=personas.committee, study=study, person=personas.people[who], role=role,
            study_site=sites[key] if key else None,
        )  # fmt: skip
    for person in personas.people.values():
        enable_totp(person)
    baseline = Event.objects.get(study=study, unique_name="baseline_arm_1")
    records = {}
    for key, study_site in sites.items():
        record = services.record_create(
            actor=personas.committee, study=study, study_site=study_site
        )
        saved = services.entry_save(
            actor=personas.committee, record=record, instrument="baseline", event=baseline,
            values={"age": "50"},
        )  # fmt: skip
        records[key] = (record, saved.entry, None)
    return study, records


def url(name, *extra):
    def build(world):
        def at(p, who, place):
            study, records = world
            record, _, _ = records[_key(who, place)]
            args = {"record": record.pk}
            return reverse(f"capture:{name}", args=[study.pk, *(args.get(x, x) for x in extra)])

        return at

    return build


MANAGE_PAGE = {**MANAGE, "committee": (200, 200)}
# The events form posted without its fingerprint: refused (400) once access is decided.
MANAGE_BAD = {**MANAGE, "committee": (400, 400)}
ROUTES = [
    ("record grid", url("record", "record"), "get", None, OWN_SITE_ONLY),
    ("status dashboard", query(url("dashboard"), "page=2&q=A"), "get", None, RECORDS_WIDE),
    ("status dashboard", url("dashboard"), "get", None, RECORDS_WIDE),
    (
        "follow-up entry",
        url("event_entry", "record", "week_6_arm_1", "reading"),
        "get",
        None,
        OWN_SITE_ONLY,
    ),
    (
        "save follow-up",
        url("event_entry", "record", "week_6_arm_1", "reading"),
        "post",
        {"lesions": "2"},
        ENTER,
    ),
    ("events page", url("events"), "get", None, MANAGE_PAGE),
    ("save events", url("events"), "post", {"base": "stale"}, MANAGE_BAD),
    ("upload events", url("events_upload"), "post", {}, MANAGE_BAD),
]


@pytest.mark.parametrize(
    ("label", "build", "method", "data", "expected"),
    ROUTES,
    ids=[f"{r[0]} {i}" for i, r in enumerate(ROUTES)],
)
def test_longitudinal_routes(personas, world, label, build, method, data, expected):
    route = Route(
        label, build(world), method=method, data=(lambda p, w, pl: data) if data else None
    )
    check_matrix(personas, route, expected)


def api(path):
    def build(world):
        def at(p, who, place):
            study, records = world
            record, _, _ = records[_key(who, place)]
            return f"/api/v1/studies/{study.pk}" + path.format(record=record.pk)

        return at

    return build


API_SAVE = dict(next(r[4] for r in API_ROUTES if r[0] == "api save"))
LONGITUDINAL_API = [
    ("api follow-up", api("/records/{record}/reading?event=week_6_arm_1"), "get", None,
     OWN_SITE_ONLY),
    ("api save follow-up", api("/records/{record}/reading?event=week_6_arm_1"), "put",
     {"values": {"lesions": "3"}}, API_SAVE),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "build", "method", "data", "expected"),
    LONGITUDINAL_API,
    ids=[r[0] for r in LONGITUDINAL_API],
)
def test_longitudinal_api_routes(personas, world, label, build, method, data, expected):
    route = Route(
        label, build(world), method=method, api=True, data=(lambda p, w, pl: data) if data else None
    )
    check_matrix(personas, route, expected)
