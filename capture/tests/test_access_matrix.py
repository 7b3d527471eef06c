"""Every persona against every capture route, at a record of their own site and of another.

The world: the committee created the study (study admin); site A is AAA, site B is BBB;
site_lead_a and site_lead_b lead their sites in the study, the trainee collaborates at
AAA, the mentor validates AAA, the statistician has the study's statistician role; the
network admin and the outsider hold no study role. Everyone has two-factor on, so the
matrix tests roles and sites; two-factor itself is tested apart.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from capture import services
from capture.tests.factories import make_study
from core.testing.matrix import EVERYONE, Cell, Route, check_matrix, expect
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

STUDY_ROLES = {
    "site_lead_a": ("site_lead", "a"),
    "site_lead_b": ("site_lead", "b"),
    "trainee": ("collaborator", "a"),
    "mentor": ("validator", "a"),
    "statistician": ("statistician", None),
}


@pytest.fixture
def world(personas):
    study, site_a, site_b = make_study(personas)
    sites = {"a": site_a, "b": site_b}
    for who, (role, key) in STUDY_ROLES.items():
        services.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.people[who],
            role=role,
            study_site=sites[key] if key else None,
        )
    for person in personas.people.values():
        enable_totp(person)
    records = {}
    for key, study_site in sites.items():
        record = services.record_create(
            actor=personas.committee, study=study, study_site=study_site
        )
        saved = services.entry_save(
            actor=personas.committee, record=record, instrument="baseline", values={"age": "50"}
        )
        query = services.query_raise(
            actor=personas.committee, entry=saved.entry, field_name="age", text="Sure?"
        )
        records[key] = (record, saved.entry, query)
    return study, records


def _key(who, place):
    own = "b" if who == "site_lead_b" else "a"
    return own if place == "own" else ("a" if own == "b" else "b")


def url(name, *extra):
    def build(world):
        def at(p, who, place):
            study, records = world
            record, entry, query = records[_key(who, place)]
            args = {"record": record.pk, "entry": entry.pk, "query": query.pk}
            return reverse(f"capture:{name}", args=[study.pk, *(args.get(x, x) for x in extra)])

        return at

    return build


STUDY_WIDE = expect(
    (404, 404),
    committee=(200, 200),
    site_lead_a=(200, 200),
    site_lead_b=(200, 200),
    trainee=(200, 200),
    mentor=(200, 200),
    statistician=(200, 200),
)
RECORDS_WIDE = {**STUDY_WIDE, "statistician": (403, 403)}
OWN_SITE_ONLY = expect(
    (404, 404),
    committee=(200, 200),
    site_lead_a=(200, 404),
    site_lead_b=(200, 404),
    trainee=(200, 404),
    mentor=(200, 404),
    statistician=(403, 403),
)
AUDIT = {**STUDY_WIDE, "trainee": (403, 403), "mentor": (403, 403), "statistician": (403, 403)}
ENTER = {
    **OWN_SITE_ONLY,
    "committee": (302, 302),
    "site_lead_a": (302, 404),
    "site_lead_b": (302, 404),
    "trainee": (302, 404),
    "mentor": (403, 404),
}
LOCK = {**ENTER, "trainee": (403, 404)}
RAISE = {
    **OWN_SITE_ONLY,
    "committee": (302, 302),
    "site_lead_a": (403, 404),
    "site_lead_b": (403, 404),
    "trainee": (403, 404),
    "mentor": (302, 404),
}
ANSWER = {**ENTER, "mentor": (403, 404)}
MANAGE = expect(
    (404, 404),
    committee=(302, 302),
    site_lead_a=(403, 403),
    site_lead_b=(403, 403),
    trainee=(403, 403),
    mentor=(403, 403),
    statistician=(403, 403),
)

EXPORTS = {**AUDIT, "statistician": (200, 200)}
# Bad input answers only after access is decided: whoever may not enter still gets 403/404.
UNKNOWN_FORM = {
    **OWN_SITE_ONLY,
    **dict.fromkeys(("committee", "site_lead_a", "site_lead_b", "trainee", "mentor"), (404, 404)),
}
BAD_STATUS = {
    **ENTER,
    "committee": (400, 400),
    "site_lead_a": (400, 404),
    "site_lead_b": (400, 404),
    "trainee": (400, 404),
}
IMPORT = {**AUDIT, "trainee": (200, 200)}


def query(build, text):
    """A route's address with `?text` after it."""

    def with_query(world):
        at = build(world)
        return lambda p, who, place: f"{at(p, who, place)}?{text}"

    return with_query


ROUTES = [
    ("study page", url("study"), "get", None, STUDY_WIDE),
    ("records page 2", query(url("records"), "page=2&q=A"), "get", None, RECORDS_WIDE),
    ("queries page", query(url("queries"), "state=open&page=1"), "get", None, RECORDS_WIDE),
    ("audit trail page 2", query(url("audit"), "page=2"), "get", None, AUDIT),
    ("entry unknown form", url("entry", "record", "nonsense"), "get", None, UNKNOWN_FORM),
    (
        "save entry bad status",
        url("entry", "record", "baseline"),
        "post",
        {"age": "51", "status": "99"},
        BAD_STATUS,
    ),
    (
        "unknown query action",
        url("query_move", "query", "shred"),
        "post",
        {},
        expect((404, 404)),
    ),
    ("records", url("records"), "get", None, RECORDS_WIDE),
    ("queries", url("queries"), "get", None, RECORDS_WIDE),
    ("audit trail", url("audit"), "get", None, AUDIT),
    ("study tokens", url("tokens"), "get", None, STUDY_WIDE),
    ("entry form", url("entry", "record", "baseline"), "get", None, OWN_SITE_ONLY),
    ("save entry", url("entry", "record", "baseline"), "post", {"age": "51"}, ENTER),
    ("lock record", url("record_lock", "record", "lock"), "post", {}, LOCK),
    ("raise query", url("query_raise", "entry"), "post", {"field": "age", "text": "?"}, RAISE),
    ("answer query", url("query_move", "query", "answer"), "post", {"text": "Yes"}, ANSWER),
    ("manage page", url("study_admin"), "get", None, {**MANAGE, "committee": (200, 200)}),
    ("add site", url("study_manage", "site"), "post", {}, MANAGE),
    ("close study", url("study_manage", "close"), "post", {}, MANAGE),
    ("exports", url("exports"), "get", None, EXPORTS),
    ("import", url("import"), "get", None, IMPORT),
    # A whole REDCap project: the study admin only; its export takes the export right
    # (a site lead's carries their own site's records only).
    ("project xml page", url("project_import"), "get", None, {**MANAGE, "committee": (200, 200)}),
    ("project xml no file", url("project_import"), "post", {}, {**MANAGE, "committee": (400, 400)}),
    (
        "project xml confirm unknown file",
        url("project_import"),
        "post",
        {"digest": "0" * 64},
        {**MANAGE, "committee": (409, 409)},
    ),
    ("project xml export", url("project_export"), "get", None, AUDIT),
]


def api(path):
    def build(world):
        def at(p, who, place):
            study, records = world
            record, _, _ = records[_key(who, place)]
            return f"/api/v1/studies/{study.pk}" + path.format(record=record.pk)

        return at

    return build


NO_ROLE_API = {"admin": (404, 404), "outsider": (404, 404)}
API_ROUTES = [
    ("api dictionary", api("/dictionary"), "get", None, STUDY_WIDE),
    ("api records", api("/records"), "get", None, RECORDS_WIDE),
    ("api entry", api("/records/{record}/baseline"), "get", None, OWN_SITE_ONLY),
    (
        "api save",
        api("/records/{record}/baseline"),
        "put",
        {"values": {"age": "52"}},
        {
            **ENTER,
            "committee": (200, 200),
            "site_lead_a": (200, 404),
            "site_lead_b": (200, 404),
            "trainee": (200, 404),
        },
    ),
    ("api audit", api("/audit"), "get", None, AUDIT),
    ("api records paged", api("/records?limit=1&offset=1"), "get", None, RECORDS_WIDE),
    ("api audit paged", api("/audit?limit=2&offset=1"), "get", None, AUDIT),
    # The body is refused before anything is looked up, so it tells nobody anything.
    (
        "api save bad status",
        api("/records/{record}/baseline"),
        "put",
        {"values": {"age": "52"}, "status": 99},
        expect((422, 422)),
    ),
]


@pytest.mark.parametrize(
    ("label", "build", "method", "data", "expected"), API_ROUTES, ids=[r[0] for r in API_ROUTES]
)
def test_capture_api_routes(personas, world, label, build, method, data, expected):
    route = Route(
        label, build(world), method=method, api=True, data=(lambda p, w, pl: data) if data else None
    )
    check_matrix(personas, route, expected)


@pytest.mark.parametrize(
    ("label", "build", "method", "data", "expected"), ROUTES, ids=[r[0] for r in ROUTES]
)
def test_capture_routes(personas, world, label, build, method, data, expected):
    route = Route(
        label, build(world), method=method, data=(lambda p, w, pl: data) if data else None
    )
    check_matrix(personas, route, expected)


def test_the_study_list_and_new_study_pages(personas):
    for person in personas.people.values():
        enable_totp(person)
    check_matrix(
        personas, Route("studies", lambda p, w, pl: reverse("capture:studies")), expect((200, 200))
    )
    check_matrix(
        personas,
        Route("new study", lambda p, w, pl: reverse("capture:study_create")),
        expect((403, 403), committee=(200, 200), admin=(200, 200)),
    )


# --- The dictionary (form builder, versions) and exports through the API ---------------
# Only the study admin changes the dictionary; the routes are study-wide, so own and other
# site answer alike. The world gets a proposed version (so the preview answers) and an
# export of the committee's that is ready (so its owner can download it).

ONLY_ADMIN = {**MANAGE, "committee": (200, 200)}
ONLY_ADMIN_REDIRECT = MANAGE
API_EXPORTS = {**EXPORTS, "site_lead_a": (202, 202), "site_lead_b": (202, 202)}
API_EXPORTS.update(committee=(202, 202), statistician=(202, 202))
API_EXPORT_LIST = {**EXPORTS, "committee": (200, 200)}
OWN_EXPORT = {
    **EXPORTS,
    "site_lead_a": (404, 404),
    "site_lead_b": (404, 404),
    "statistician": (404, 404),
}


@pytest.fixture
def dictionary_world(personas, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from capture import exports, versions
    from capture.tests.factories import STUDY_CSV

    study, _ = world
    versions.dictionary_change(
        actor=personas.committee, study=study, csv_text=STUDY_CSV.replace("Comment", "Remarks")
    )
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    exports.export_run(export.pk)

    def digest():
        return versions.digest(versions.proposal_csv(study))

    def field_values(name):
        return {"name": name, "form": "baseline", "field_type": "notes", "label": "Remarks"}

    def upload(p, who, place):
        return {"dictionary": SimpleUploadedFile("dd.csv", STUDY_CSV.encode(), "text/csv")}

    pk = study.pk
    web = [
        ("dictionary page", reverse("capture:dictionary", args=[pk]), "get", None, ONLY_ADMIN),
        (
            "dictionary upload",
            reverse("capture:dictionary_upload", args=[pk]),
            "post",
            upload,
            ONLY_ADMIN_REDIRECT,
        ),
        (
            "dictionary preview",
            reverse("capture:dictionary_proposal", args=[pk]),
            "get",
            None,
            ONLY_ADMIN,
        ),
        (
            "dictionary preview saved",
            reverse("capture:dictionary_proposal", args=[pk]),
            "post",
            lambda p, w, pl: {"action": "preview", "expected": digest()},
            ONLY_ADMIN,
        ),
        (
            "builder new field",
            reverse("capture:dictionary_field_new", args=[pk]),
            "get",
            None,
            ONLY_ADMIN,
        ),
        (
            "builder add field",
            reverse("capture:dictionary_field_new", args=[pk]),
            "post",
            lambda p, w, pl: {**field_values("extra"), "base": digest()},
            ONLY_ADMIN_REDIRECT,
        ),
        (
            "builder edit field",
            reverse("capture:dictionary_field", args=[pk, "comment"]),
            "post",
            lambda p, w, pl: {**field_values("comment"), "base": digest()},
            ONLY_ADMIN_REDIRECT,
        ),
        (
            "builder move field",
            reverse("capture:dictionary_field_action", args=[pk, "comment", "up"]),
            "post",
            lambda p, w, pl: {"base": digest()},
            ONLY_ADMIN_REDIRECT,
        ),
    ]
    base = f"/api/v1/studies/{pk}"
    api = [
        ("api proposed dictionary", f"{base}/dictionary?proposed=true", "get", None, ONLY_ADMIN),
        (
            "api dictionary write",
            f"{base}/dictionary",
            "put",
            lambda p, w, pl: {"csv": STUDY_CSV},
            {**MANAGE, "committee": (202, 202)},
        ),
        ("api proposal", f"{base}/dictionary/proposal", "get", None, ONLY_ADMIN),
        (
            "api proposal confirm",
            f"{base}/dictionary/proposal",
            "post",
            lambda p, w, pl: {"digest": digest(), "confirm": True},
            ONLY_ADMIN,
        ),
        (
            "api proposal discard",
            f"{base}/dictionary/proposal",
            "delete",
            None,
            {**MANAGE, "committee": (204, 204)},
        ),
        (
            "api export start",
            f"{base}/exports",
            "post",
            lambda p, w, pl: {"format": "csv"},
            API_EXPORTS,
        ),
        ("api exports", f"{base}/exports", "get", None, API_EXPORT_LIST),
        (
            "api export status",
            f"{base}/exports/{export.pk}",
            "get",
            None,
            {**OWN_EXPORT, "committee": (200, 200)},
        ),
        (
            "api export file",
            f"{base}/exports/{export.pk}/file",
            "get",
            None,
            {**OWN_EXPORT, "committee": (200, 200)},
        ),
    ]
    return web, api


WEB_DICTIONARY = [
    "dictionary page",
    "dictionary upload",
    "dictionary preview",
    "dictionary preview saved",
    "builder new field",
    "builder add field",
    "builder edit field",
    "builder move field",
]
API_DICTIONARY = [
    "api proposed dictionary",
    "api dictionary write",
    "api proposal",
    "api proposal confirm",
    "api proposal discard",
    "api export start",
    "api exports",
    "api export status",
    "api export file",
]


@pytest.mark.parametrize("label", WEB_DICTIONARY)
def test_the_dictionary_routes(personas, dictionary_world, label):
    web, _ = dictionary_world
    [(_, path, method, data, expected)] = [r for r in web if r[0] == label]
    route = Route(label, lambda p, w, pl: path, method=method, data=data)
    check_matrix(personas, route, expected)


@pytest.mark.parametrize("label", API_DICTIONARY)
def test_the_dictionary_and_export_api_routes(personas, dictionary_world, label):
    _, api_routes = dictionary_world
    [(_, path, method, data, expected)] = [r for r in api_routes if r[0] == label]
    route = Route(label, lambda p, w, pl: path, method=method, data=data, api=True)
    check_matrix(personas, route, expected)


# --- Retrying exports and imports, confirming an import: their owner only ----------------
# The committee's export failed, the trainee's import failed, and the trainee has a
# previewed file; each may be retried or confirmed by the person who asked, and anyone
# else with a role in the study gets 404 (or 403 where the role has no exports or
# entry at all), whatever the site.

RETRY_EXPORT = {
    **EXPORTS,
    "committee": (302, 302),
    "site_lead_a": (404, 404),
    "site_lead_b": (404, 404),
    "statistician": (404, 404),
}
OWN_IMPORT = expect(
    (404, 404),
    site_lead_a=(404, 404),
    site_lead_b=(404, 404),
    committee=(404, 404),
    trainee=(302, 302),
    mentor=(403, 403),
    statistician=(403, 403),
)


@pytest.fixture
def jobs_world(personas, world):
    from capture import exports, imports
    from capture.models import DataImport, Export

    study, _ = world
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    Export.objects.filter(pk=export.pk).update(state="failed", error="It stopped.")
    failed, _ = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text="record_id,age\nAAA-2,40\n"
    )
    DataImport.objects.filter(pk=failed.pk).update(state="failed", error="It stopped.")
    previewed, _ = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text="record_id,age\nAAA-3,40\n"
    )
    return {
        "retry export": (reverse("capture:export_retry", args=[study.pk, export.pk]), None),
        "retry import": (reverse("capture:import_retry", args=[study.pk, failed.pk]), None),
        "confirm import": (
            reverse("capture:import", args=[study.pk]),
            lambda p, w, pl: {"confirm": previewed.pk},
        ),
    }


@pytest.mark.parametrize(
    ("label", "expected"),
    [("retry export", RETRY_EXPORT), ("retry import", OWN_IMPORT), ("confirm import", OWN_IMPORT)],
)
def test_only_the_owner_retries_or_confirms(personas, jobs_world, label, expected):
    path, data = jobs_world[label]
    route = Route(label, lambda p, w, pl: path, method="post", data=data)
    check_matrix(personas, route, expected)


# --- The REDCap-compatible API, per `content` --------------------------------------------
# Each persona calls POST /api/redcap/ as a script does, with a study token for its role in
# the study (admin and outsider, who hold none, send a personal token; anonymous none).
# A record export asks for the record of the persona's own site, then of the other: the
# cell is (status, records returned), so a site-bound role gets nothing of the other site.

REDCAP_ROLES = {**STUDY_ROLES, "committee": ("admin", None)}
NO_TOKEN = dict.fromkeys(("admin", "outsider", "anonymous"), ((403, 0), (403, 0)))
DESIGN = dict.fromkeys(REDCAP_ROLES, ((200, 0), (200, 0))) | NO_TOKEN
REFUSED = dict.fromkeys(REDCAP_ROLES, ((400, 0), (400, 0))) | NO_TOKEN
RECORD_EXPORT = {
    **dict.fromkeys(("site_lead_a", "site_lead_b", "trainee", "mentor"), ((200, 1), (200, 0))),
    "committee": ((200, 1), (200, 1)),
    "statistician": ((200, 1), (200, 1)),
} | NO_TOKEN
RECORD_IMPORT = {
    **dict.fromkeys(("site_lead_a", "site_lead_b", "trainee"), ((200, 0), (400, 0))),
    "committee": ((200, 0), (200, 0)),
    "mentor": ((403, 0), (403, 0)),
    "statistician": ((403, 0), (403, 0)),
} | NO_TOKEN
NEXT_NAME = {
    **dict.fromkeys(("site_lead_a", "site_lead_b", "trainee"), ((200, 0), (200, 0))),
    "committee": ((400, 0), (400, 0)),  # enters at both sites: told to import instead
    "mentor": ((403, 0), (403, 0)),
    "statistician": ((403, 0), (403, 0)),
} | NO_TOKEN
REDCAP_CALLS = [
    ("generateNextRecordName", {}, NEXT_NAME),
    *((content, {}, DESIGN) for content in ("version", "project", "metadata", "instrument")),
    *((content, {}, DESIGN) for content in ("exportFieldNames", "dag", "repeatingFormsEvents")),
    *((content, {}, REFUSED) for content in ("arm", "event", "formEventMapping")),
    ("file", {"action": "export", "record": "{record}", "field": "comment"}, REFUSED),
    ("report", {"report_id": "1"}, REFUSED),
    ("record", {"records[0]": "{record}"}, RECORD_EXPORT),
    ("record", {"data": '[{{"record_id": "{record}", "age": "61"}}]'}, RECORD_IMPORT),
]


def _redcap_secret(personas, study, who):
    from accounts.services import api_token_create
    from capture import tokens

    if who == "anonymous":
        return ""
    if who not in REDCAP_ROLES:
        return api_token_create(user=personas.people[who], name="personal").secret
    return tokens.study_token_create(
        user=personas.people[who], study=study, role=REDCAP_ROLES[who][0], name="script"
    ).secret


@pytest.mark.parametrize(
    ("content", "params", "expected"),
    REDCAP_CALLS,
    ids=[f"{c[0]}{'-import' if 'data' in c[1] else ''}" for c in REDCAP_CALLS],
)
def test_the_redcap_api_per_content(personas, world, content, params, expected):
    import json

    from django.db import transaction
    from django.test import Client

    study, records = world
    misses = []
    for who, wanted in expected.items():
        secret = _redcap_secret(personas, study, who)
        for place, cell in zip(("own", "other"), wanted, strict=True):
            label = records[_key(who, place)][0].label
            body = {k: v.format(record=label) for k, v in params.items()}
            with transaction.atomic():
                answer = Client().post(
                    "/api/redcap/", {"token": secret, "content": content, "format": "json", **body}
                )
                text = answer.getvalue()
                transaction.set_rollback(True)
            rows = json.loads(text) if content == "record" and "data" not in params else []
            got = (answer.status_code, len(rows) if isinstance(rows, list) else 0)
            if got != cell:
                misses.append(f"  {who:<13} {place:<5} {content}: wanted {cell}, got {got}")
    assert not misses, f"/api/redcap/ {content}: access differs\n" + "\n".join(misses)


# --- Routes added with issue 20's access ratchet: a new record, an export's file, the
# study list of the API, and the REDCap API at both of its addresses ----------------------


def test_a_new_record_at_my_site_or_the_other(personas, world):
    """A record is made at one of the person's own sites; the other site is refused."""
    study, records = world

    def site_of(p, who, place):
        return {"study_site": str(records[_key(who, place)][0].study_site_id)}

    route = Route(
        "new record",
        lambda p, w, pl: reverse("capture:record_create", args=[study.pk]),
        method="post",
        data=site_of,
    )
    check_matrix(personas, route, NEW_RECORD)


NEW_RECORD = {
    **OWN_SITE_ONLY,
    "committee": (302, 302),
    "site_lead_a": (302, 403),
    "site_lead_b": (302, 403),
    "trainee": (302, 403),
    "mentor": (403, 403),
}


def test_an_exports_file(personas, world):
    """The file of an export: its owner (the study admin who asked for it) only."""
    from capture import exports

    study, _ = world
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    exports.export_run(export.pk)
    route = Route(
        "export file",
        lambda p, w, pl: reverse("capture:export_download", args=[study.pk, export.pk]),
    )
    check_matrix(personas, route, EXPORT_FILE)


EXPORT_FILE = expect((404, 404), committee=(200, 200))


def test_the_api_study_list(personas, world):
    """Everyone signed in lists the studies they hold a role in (maybe none)."""
    route = Route("API studies", lambda p, w, pl: "/api/v1/studies", api=True)
    check_matrix(personas, route, expect((200, 200)))


REDCAP_VERSION: dict[str, Cell] = {
    **dict.fromkeys(EVERYONE, (403, 403)),
    **dict.fromkeys(REDCAP_ROLES, (200, 200)),
}


@pytest.mark.parametrize("path", ["/api/redcap/", "/redcap/api/"])
def test_the_redcap_api_in_the_matrix(personas, world, path):
    """The REDCap API answers a study token of a role in the study; a personal token (or
    none) is refused. Per content and per site: test_the_redcap_api_per_content."""
    study, _ = world

    def call(p, who, place):
        secret = _redcap_secret(p, study, who)
        return {"token": secret, "content": "version", "format": "json"}

    check_matrix(
        personas, Route(f"REDCap API {path}", lambda p, w, pl: path, "post", call), REDCAP_VERSION
    )
