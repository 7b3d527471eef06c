"""The API: dictionary writes (replace in design, preview and confirm when live) and exports."""

from __future__ import annotations

import csv
import io

import pytest

from capture import exports, services, versions
from capture.models import Entry, Export
from capture.tests.factories import STUDY_CSV, make_study
from core.testing.api import api_client as token_client
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

RECODED = STUDY_CSV.replace("1, CT | 2, MRI | 3, Ultrasound", "1, CT | 2, MRI | 4, US").replace(
    "comment,baseline,,notes,Comment,,,,,,,,,,,,,\r\n", ""
)


def api_client(person):
    enable_totp(person)
    return token_client(person)


@pytest.fixture
def live(personas):
    study, site_a, _ = make_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"age": "44", "modality": ["1", "3"], "comment": "fine"},
    )
    return study


def put_csv(client, study, text):
    return client.put(
        f"/api/v1/studies/{study.pk}/dictionary?note=script", data=text, content_type="text/csv"
    )


def test_a_put_replaces_the_dictionary_of_a_study_in_design(personas):
    study, _, _ = make_study(personas, live=False)
    client = api_client(personas.committee)
    smaller = STUDY_CSV.replace("comment,baseline,,notes,Comment,,,,,,,,,,,,,\r\n", "")
    response = put_csv(client, study, smaller)
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert services.current_dictionary(study).field("comment") is None
    assert client.get(f"/api/v1/studies/{study.pk}/dictionary").content.decode() == smaller


def test_a_put_to_a_live_study_previews_and_applies_only_when_confirmed(personas, live):
    client = api_client(personas.committee)
    response = put_csv(client, live, RECODED)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["applied"] is False
    assert body["impact"]["removed"] == [
        {"field": "comment", "archive_key": "comment__v1", "values": 1}
    ]
    assert body["refusals"] == [
        "modality: code 3 (1 value) is not among the new choices; map each to a new "
        "code or to 'archive'"
    ]
    assert services.current_dictionary(live).field("comment") is not None
    url = f"/api/v1/studies/{live.pk}/dictionary/proposal"
    refused = client.post(
        url, {"digest": body["digest"], "confirm": True}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert "modality: code 3 (1 value)" in refused.json()["detail"][0]["msg"]
    preview = client.post(
        url,
        {"digest": body["digest"], "mappings": {"modality": {"3": "4"}}},
        content_type="application/json",
    )
    assert preview.status_code == 200
    assert preview.json()["refusals"] == []
    assert versions.applied_version(live).number == 1
    applied = client.post(
        url,
        {"digest": body["digest"], "mappings": {"modality": {"3": "4"}}, "confirm": True},
        content_type="application/json",
    )
    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"] is True
    data = Entry.objects.get(instrument="baseline").data
    assert data["modality"] == ["1", "4"]
    assert data["comment__v1"] == "fine"


def test_the_records_api_shows_archived_values_apart(personas, live):
    client = api_client(personas.committee)
    digest = put_csv(client, live, RECODED).json()["digest"]
    client.post(
        f"/api/v1/studies/{live.pk}/dictionary/proposal",
        {"digest": digest, "mappings": {"modality": {"3": "archive"}}, "confirm": True},
        content_type="application/json",
    )
    record = live.records.get()
    entry = client.get(f"/api/v1/studies/{live.pk}/records/{record.pk}/baseline").json()
    assert entry["archived"] == {"comment__v1": "fine", "modality__v1": ["3"]}
    assert "comment__v1" not in entry["data"]
    assert entry["data"]["modality"] == ["1"]


def test_a_stale_digest_is_a_conflict_and_a_json_body_is_accepted(personas, live):
    client = api_client(personas.committee)
    first = put_csv(client, live, RECODED).json()["digest"]
    second = client.put(
        f"/api/v1/studies/{live.pk}/dictionary",
        {"csv": STUDY_CSV.replace("Comment", "Free comment")},
        content_type="application/json",
    )
    assert second.status_code == 202
    stale = client.post(
        f"/api/v1/studies/{live.pk}/dictionary/proposal",
        {"digest": first, "confirm": True},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert client.delete(f"/api/v1/studies/{live.pk}/dictionary/proposal").status_code == 204
    assert versions.proposal_of(live) is None


def test_a_broken_dictionary_is_refused_with_its_problems(personas, live):
    client = api_client(personas.committee)
    response = put_csv(client, live, "not,a,dictionary\n")
    assert response.status_code == 422
    assert "Variable / Field Name" in response.json()["detail"][0]["msg"]


def test_only_the_study_admin_writes_the_dictionary(personas, live):
    services.study_grant_role(
        actor=personas.committee,
        study=live,
        person=personas.site_lead_a,
        role="site_lead",
        study_site=live.study_sites.get(code="AAA"),
    )
    response = put_csv(api_client(personas.site_lead_a), live, RECODED)
    assert response.status_code == 403
    assert versions.proposal_of(live) is None


def test_an_export_is_started_polled_and_downloaded_by_its_owner_only(personas, live):
    client = api_client(personas.committee)
    started = client.post(
        f"/api/v1/studies/{live.pk}/exports",
        {"format": "csv", "labels": True},
        content_type="application/json",
    )
    assert started.status_code == 202, started.content
    export_id = started.json()["id"]
    status_url = f"/api/v1/studies/{live.pk}/exports/{export_id}"
    queued = client.get(status_url).json()
    assert queued["download"] is None
    not_ready = client.get(status_url + "/file")
    assert not_ready.status_code == 409
    assert not_ready.json()["state"] == Export.State.QUEUED
    exports.export_run(export_id)
    done = client.get(status_url).json()
    assert done["state"] == Export.State.DONE
    file = client.get(done["download"])
    assert file.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(file.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["record_id"] == "AAA-1"
    assert rows[0]["modality___1"] == "Checked"
    assert [e["id"] for e in client.get(f"/api/v1/studies/{live.pk}/exports").json()] == [export_id]
    services.study_grant_role(
        actor=personas.committee, study=live, person=personas.statistician, role="statistician"
    )
    other = api_client(personas.statistician)
    assert other.get(status_url).status_code == 404
    assert other.get(status_url + "/file").status_code == 404


def test_an_export_through_the_api_can_include_archived_values(personas, live):
    client = api_client(personas.committee)
    digest = put_csv(client, live, RECODED).json()["digest"]
    client.post(
        f"/api/v1/studies/{live.pk}/dictionary/proposal",
        {"digest": digest, "mappings": {"modality": {"3": "4"}}, "confirm": True},
        content_type="application/json",
    )
    started = client.post(
        f"/api/v1/studies/{live.pk}/exports",
        {"format": "csv", "archived": True},
        content_type="application/json",
    )
    export = exports.export_run(started.json()["id"])
    with export.file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0]["comment__v1"] == "fine"
    assert rows[0]["modality___4"] == "1"


def test_a_put_that_recodes_a_code_a_rule_reads_is_rewritten_once_mapped(personas, live):
    client = api_client(personas.committee)
    recoded = STUDY_CSV.replace("1, CT | 2, MRI | 3, Ultrasound", "1, CT | 20, MRI | 3, Ultrasound")
    body = put_csv(client, live, recoded).json()
    [rule] = body["impact"]["logic"]
    assert (rule["field"], rule["column"], rule["after"]) == (
        "mri_field",
        "branching logic",
        "[modality(2)] = '1'",
    )
    assert rule["references"][0]["problem"] == "code 2 of modality is not among the new choices"
    assert body["refusals"] == [
        "mri_field, branching logic “[modality(2)] = '1'”: code 2 of modality is not among the "
        "new choices; map code 2 of modality to a new code (the rule is then rewritten), or "
        "change the rule"
    ]
    url = f"/api/v1/studies/{live.pk}/dictionary/proposal"
    plan = {"digest": body["digest"], "mappings": {"modality": {"2": "20"}}}
    preview = client.post(url, plan, content_type="application/json").json()
    assert preview["refusals"] == []
    assert preview["impact"]["logic"][0]["after"] == "[modality(20)] = '1'"
    assert preview["impact"]["logic"][0]["rewritten"] is True
    applied = client.post(url, {**plan, "confirm": True}, content_type="application/json")
    assert applied.status_code == 200, applied.content
    text = client.get(f"/api/v1/studies/{live.pk}/dictionary").content.decode()
    assert "[modality(20)] = '1'" in text
    assert "[modality(2)]" not in text
