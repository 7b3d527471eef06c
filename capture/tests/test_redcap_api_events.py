"""The REDCap-compatible API of a longitudinal study: arms, events, mappings, records by event."""

from __future__ import annotations

import pytest

from capture import imports, services
from capture.tests.longitudinal_study import make_longitudinal_study
from capture.tests.test_redcap_api import call, token
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

FILE = (
    "record_id,redcap_event_name,age,baseline_complete,lesions,reading_complete\r\n"
    "AAA-1,baseline_arm_1,40,2,1,1\r\n"
    "AAA-1,week_6_arm_1,,,3,2\r\n"
    "BBB-1,baseline_arm_1,55,0,,\r\n"
)


@pytest.fixture
def study(personas):
    found, site_a, site_b = make_longitudinal_study(personas)
    for who, where in (("site_lead_a", site_a), ("site_lead_b", site_b)):
        services.study_grant_role(
            actor=personas.committee, study=found, person=personas.people[who],
            role="site_lead", study_site=where,
        )  # fmt: skip
    for person in personas.people.values():
        enable_totp(person)
    imports.import_commit(actor=personas.committee, study=found, text=FILE)
    return found


def test_arms_events_and_mappings_answer_the_design(personas, study):
    secret = token(personas, study)
    assert call(secret, content="project", format="json").json()["is_longitudinal"] == 1
    assert call(secret, content="arm", format="json").json() == [{"arm_num": 1, "name": "Arm 1"}]
    events = call(secret, content="event", format="json").json()
    assert [(e["unique_event_name"], e["days_offset"], e["offset_min"]) for e in events] == [
        ("baseline_arm_1", 0, 0),
        ("week_6_arm_1", 42, 7),
    ]
    mapping = call(secret, content="formEventMapping", format="csv").text
    assert mapping.splitlines() == [
        "arm_num,unique_event_name,form",
        "1,baseline_arm_1,baseline",
        "1,baseline_arm_1,reading",
        "1,week_6_arm_1,reading",
    ]
    assert call(secret, content="repeatingFormsEvents", format="json").json() == []


def test_an_unknown_arm_or_a_design_import_is_refused_in_redcaps_shape(personas, study):
    secret = token(personas, study)
    answer = call(secret, content="event", format="json", **{"arms[0]": "9"})
    assert answer.status_code == 400
    assert answer.json() == {
        "error": 'The following values in the parameter "arms" are not valid: "9"'
    }
    answer = call(secret, content="event", format="json", action="import", data="[]")
    assert answer.status_code == 403


def test_records_carry_their_event_and_are_chosen_by_event(personas, study):
    secret = token(personas, study)
    rows = call(secret, content="record", format="json").json()
    assert [(r["record_id"], r["redcap_event_name"]) for r in rows] == [
        ("AAA-1", "baseline_arm_1"),
        ("AAA-1", "week_6_arm_1"),
        ("BBB-1", "baseline_arm_1"),
    ]
    assert list(rows[0])[:2] == ["record_id", "redcap_event_name"]
    week6 = call(secret, content="record", format="json", **{"events[0]": "week_6_arm_1"}).json()
    assert [(r["record_id"], r["lesions"]) for r in week6] == [("AAA-1", "3")]
    bad = call(secret, content="record", format="json", **{"events[0]": "nope"})
    assert bad.status_code == 400
    eav = call(secret, content="record", format="json", type="eav", fields="lesions").json()
    assert {"record": "AAA-1", "redcap_event_name": "week_6_arm_1", "field_name": "lesions",
            "value": "3"} in eav  # fmt: skip


def test_a_site_leads_token_sees_its_sites_records_at_every_event_only(personas, study):
    secret = token(personas, study, "site_lead_b", "site_lead")
    rows = call(secret, content="record", format="json").json()
    assert {r["record_id"] for r in rows} == {"BBB-1"}


def test_records_are_imported_at_their_event(personas, study):
    secret = token(personas, study)
    data = '[{"record_id": "AAA-1", "redcap_event_name": "week_6_arm_1", "lesions": "8"}]'
    answer = call(secret, content="record", format="json", data=data)
    assert answer.json() == {"count": 1}
    wrong = '[{"record_id": "AAA-1", "redcap_event_name": "week_6_arm_1", "age": "8"}]'
    refused = call(secret, content="record", format="json", data=wrong)
    assert refused.status_code == 400
    assert "not collected at the event week_6_arm_1" in refused.json()["error"]
