"""Every persona against every statistics route, in a study they hold a role in and another.

An analysis covers every site of its study, so the matrix's "own" and "other" places are
studies rather than sites: "own" is the reader study where the committee is study admin,
the statistician its statistician, the site leads lead sites A and B, the trainee
collaborates and the mentor validates; "other" is a second study where only the committee
holds a role. The network admin and the outsider hold no study role. Only the study's
statistician and admin may analyse (403 for its other roles, 404 without a role, as in
capture); the API takes the caller's own columns, so every signed-in person may use it.
Everyone has two-factor on, so the matrix tests roles; two-factor is tested apart.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from capture import services as capture_services
from core.testing.matrix import Route, check_matrix, expect
from stats import services
from stats.inputs import Settings
from stats.tests.factories import READER_CSV, enter, everyone_with_two_factor, reader_study

pytestmark = pytest.mark.django_db

ROC = {"analysis": "roc", "index": "ai", "reference": "ref"}


@pytest.fixture
def world(personas):
    study, _, _ = reader_study(personas)
    other, _ = capture_services.study_create(
        actor=personas.committee, title="Another study", dictionary_csv=READER_CSV
    )
    site = capture_services.study_add_site(
        actor=personas.committee, study=other, site=personas.site_a, code="OTH"
    )
    capture_services.study_go_live(actor=personas.committee, study=other)
    everyone_with_two_factor(personas)
    for case in [
        ("1", "90", "1", "1", "3", "1", "1"),
        ("1", "70", "1", "1", "3", "2", "2"),
        ("0", "20", "0", "0", "1", "3", "3"),
        ("0", "40", "0", "1", "2", "4", "4"),
    ]:
        enter(personas, other, site, case)  # fmt: skip
    runs = {}
    for place, found, person in (
        ("own", study, personas.statistician),
        ("other", other, personas.committee),
    ):
        run = services.analysis_request(actor=person, study=found, settings=Settings.from_json(ROC))
        runs[place] = services.analysis_execute(run.pk)
    return runs


def url(name, *extra):
    def build(runs):
        def at(p, who, place):
            run = runs[place]
            args = {"run": run.pk}
            return reverse(f"stats:{name}", args=[run.study_id, *(args.get(x, x) for x in extra)])

        return at

    return build


ANALYSTS = expect(
    (404, 404),
    committee=(200, 200),
    statistician=(200, 404),
    site_lead_a=(403, 404),
    site_lead_b=(403, 404),
    trainee=(403, 404),
    mentor=(403, 404),
)
REDIRECT = {
    who: tuple(302 if status == 200 else status for status in cell)
    for who, cell in ANALYSTS.items()
}
FORM = {
    "analysis": "roc", "index": "ai", "reference": "ref", "ci_method": "wilson",
    "level": "0.95", "transform": "none", "weights": "none", "multiplier": "1.96",
}  # fmt: skip

ROUTES = [
    ("analysis form", url("study"), "get", None, ANALYSTS),
    ("run an analysis", url("study"), "post", FORM, REDIRECT),
    ("results page", url("run", "run"), "get", None, ANALYSTS),
    ("run again", url("rerun", "run"), "post", {}, REDIRECT),
    ("results csv", url("download", "run", "results.csv"), "get", None, ANALYSTS),
    ("data csv", url("download", "run", "data.csv"), "get", None, ANALYSTS),
    ("roc svg", url("download", "run", "roc.svg"), "get", None, ANALYSTS),
    ("roc png", url("download", "run", "roc.png"), "get", None, ANALYSTS),
]


@pytest.mark.parametrize(
    ("label", "build", "method", "data", "expected"), ROUTES, ids=[r[0] for r in ROUTES]
)
def test_stats_routes(personas, world, label, build, method, data, expected):
    route = Route(
        label, build(world), method=method, data=(lambda p, w, pl: data) if data else None
    )
    check_matrix(personas, route, expected)


def test_the_statistics_index_is_open_to_everyone_signed_in(personas):
    check_matrix(
        personas, Route("index", lambda p, w, pl: reverse("stats:index")), expect((200, 200))
    )


API_BODY = {
    "columns": {"truth": [1, 1, 0, 0, 1, 0], "score": [0.9, 0.6, 0.4, 0.2, 0.7, 0.65]},
    "index": "score",
    "reference": "truth",
    "measurements": ["truth", "score"],
}
API_ROUTES = ["accuracy", "roc", "agreement", "icc", "bland-altman", "repeatability"]


@pytest.mark.parametrize("analysis", API_ROUTES)
def test_stats_api_routes(personas, analysis):
    body: dict[str, Any] = {**API_BODY}
    if analysis == "accuracy":
        body["threshold"] = 0.5
    if analysis in ("accuracy", "roc"):
        body.pop("measurements")
    else:
        body.pop("index")
        body.pop("reference")
    route = Route(
        f"api {analysis}",
        lambda p, w, pl: f"/api/v1/stats/{analysis}",
        method="post",
        api=True,
        data=lambda p, w, pl: body,
    )
    check_matrix(personas, route, expect((200, 200)))
