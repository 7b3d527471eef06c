"""The REDCap-compatible API (`POST /api/redcap/`): REDCap's calls, formats and errors."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.services import api_token_create
from audit.models import AuditEvent
from capture import services, tokens
from capture.models import Entry, Record
from capture.redcap_api.calls import REDCAP_VERSION
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db
URL = "/api/redcap/"


@pytest.fixture
def world(personas):
    """AAA-1 (baseline and two readings) and BBB-1; the committee is the study admin."""
    study, site_a, site_b = make_study(personas, live=False)
    services.study_update_settings(
        actor=personas.committee, study=study, repeating_instruments=["reading"]
    )
    services.study_go_live(actor=personas.committee, study=study)
    for who, role, where in (
        ("site_lead_a", "site_lead", site_a),
        ("site_lead_b", "site_lead", site_b),
        ("statistician", "statistician", None),
        ("mentor", "validator", site_a),
    ):
        services.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.people[who],
            role=role,
            study_site=where,
        )
    for person in personas.people.values():
        enable_totp(person)
    a = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee,
        record=a,
        instrument="baseline",
        values={
            "age": "50",
            "modality": ["1", "2"],
            "mri_field": "2",
            "comment": "Motion",
            "scan_date": "2024-03-01",
        },
        status=2,
    )
    for instance, size in ((1, "12"), (2, "30")):
        services.entry_save(
            actor=personas.committee,
            record=a,
            instrument="reading",
            instance=instance,
            values={"lesions": "1", "reader_size": size},
        )
    b = services.record_create(actor=personas.committee, study=study, study_site=site_b)
    services.entry_save(
        actor=personas.committee, record=b, instrument="baseline", values={"age": "70"}
    )
    return study, site_a, site_b


def token(personas, study, who="committee", role="admin"):
    return tokens.study_token_create(
        user=personas.people[who], study=study, role=role, name=f"{who} script"
    ).secret


@dataclass
class Answer:
    status_code: int
    text: str
    content_type: str

    def json(self):
        return json.loads(self.text)


def call(secret, **params):
    """POST as a script does; a streamed answer is read whole."""
    response = Client().post(URL, {"token": secret, **params})
    body = response.getvalue()
    return Answer(response.status_code, body.decode(), response["Content-Type"])


def test_a_study_token_is_in_redcaps_format(personas, world):
    secret = token(personas, world[0])
    assert len(secret) == 32
    assert secret == secret.upper()
    int(secret, 16)


def test_version_and_project(personas, world):
    study = world[0]
    secret = token(personas, study)
    assert call(secret, content="version").text == REDCAP_VERSION
    project = call(secret, content="project", format="json").json()
    assert project["project_id"] == study.pk
    assert project["project_title"] == "CT head audit"
    assert project["is_longitudinal"] == 0
    assert project["has_repeating_instruments_or_events"] == 1


def test_metadata_in_json_csv_and_xml(personas, world):
    secret = token(personas, world[0])
    fields = call(secret, content="metadata", format="json").json()
    assert [f["field_name"] for f in fields][:3] == ["record_id", "age", "modality"]
    modality = fields[2]
    assert modality["field_type"] == "checkbox"
    assert modality["select_choices_or_calculations"] == "1, CT | 2, MRI | 3, Ultrasound"
    assert fields[3]["branching_logic"] == "[modality(2)] = '1'"
    rows = list(csv.DictReader(io.StringIO(call(secret, content="metadata", format="csv").text)))
    assert [r["field_name"] for r in rows] == [f["field_name"] for f in fields]
    xml = call(secret, content="metadata", format="xml").text
    assert "<field_name><![CDATA[age]]></field_name>" in xml
    some = call(secret, content="metadata", format="json", **{"forms[0]": "reading"}).json()
    assert [f["field_name"] for f in some] == ["lesions", "reader_size", "size_cm"]


def test_instruments_field_names_groups_and_repeating_forms(personas, world):
    secret = token(personas, world[0])
    assert call(secret, content="instrument", format="json").json() == [
        {"instrument_name": "baseline", "instrument_label": "Baseline"},
        {"instrument_name": "reading", "instrument_label": "Reading"},
    ]
    names = call(secret, content="exportFieldNames", format="json").json()
    assert {"original_field_name": "modality", "choice_value": "2",
            "export_field_name": "modality___2"} in names  # fmt: skip
    assert {"original_field_name": "age", "choice_value": "",
            "export_field_name": "age"} in names  # fmt: skip
    groups = call(secret, content="dag", format="json").json()
    assert [g["unique_group_name"] for g in groups] == ["aaa", "bbb"]
    assert call(secret, content="repeatingFormsEvents", format="json").json() == [
        {"form_name": "reading", "custom_form_label": ""}
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("arm", "You cannot export arms for classic projects"),
        ("event", "You cannot export events for classic projects"),
        ("formEventMapping", "You cannot export form/event mappings for classic projects"),
        ("file", "There is no file to download for this record"),
        ("report", 'The value of the parameter "report_id" is not valid'),
        ("nonsense", 'The value of the parameter "content" is not valid'),
    ],
)
def test_calls_redcap_refuses_for_a_classic_project_answer_its_errors(
    personas, world, content, message
):
    secret = token(personas, world[0])
    answer = call(secret, content=content, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"error": message}
    as_csv = call(secret, content=content, format="csv")
    assert as_csv.text == f"ERROR: {message}"
    as_xml = call(secret, content=content)
    assert "<error>" in as_xml.text


def test_unknown_personal_or_missing_tokens_get_redcaps_403(personas, world):
    for secret in ("0" * 32, "", api_token_create(user=personas.committee, name="p").secret):
        answer = call(secret, content="metadata", format="json")
        assert answer.status_code == 403
        assert answer.json()["error"].startswith("You do not have permissions to use the API")


def test_flat_json_export_of_every_record_with_repeats(personas, world):
    secret = token(personas, world[0])
    rows = call(secret, content="record", format="json", type="flat").json()
    assert [(r["record_id"], r["redcap_repeat_instrument"], r["redcap_repeat_instance"])
            for r in rows] == [("AAA-1", "", ""), ("AAA-1", "reading", "1"),
                               ("AAA-1", "reading", "2"), ("BBB-1", "", "")]  # fmt: skip
    first = rows[0]
    assert first["age"] == "50"
    assert (first["modality___1"], first["modality___2"], first["modality___3"]) == ("1", "1", "0")
    assert first["baseline_complete"] == "2"
    assert rows[2]["reader_size"] == "30"
    assert rows[2]["size_cm"] == "3"
    assert "redcap_data_access_group" not in first


def test_export_chooses_fields_forms_records_labels_and_groups(personas, world):
    secret = token(personas, world[0])
    rows = call(
        secret,
        content="record",
        format="json",
        rawOrLabel="label",
        exportCheckboxLabel="true",
        exportDataAccessGroups="true",
        **{"fields[0]": "modality", "fields[1]": "mri_field", "records[0]": "AAA-1"},
    ).json()
    assert rows == [
        {
            "record_id": "AAA-1",
            "redcap_data_access_group": personas.site_a.name,
            "modality___1": "CT",
            "modality___2": "MRI",
            "modality___3": "",
            "mri_field": "3 T",
        }
    ]
    by_form = call(secret, content="record", format="json", **{"forms[0]": "reading"}).json()
    assert [r["redcap_repeat_instance"] for r in by_form] == ["", "1", "2", ""]
    assert set(by_form[1]) == {
        "record_id", "redcap_repeat_instrument", "redcap_repeat_instance",
        "lesions", "reader_size", "size_cm", "reading_complete",
    }  # fmt: skip


def test_unknown_fields_or_forms_are_refused_by_name(personas, world):
    secret = token(personas, world[0])
    answer = call(secret, content="record", format="json", fields="age,height")
    assert answer.status_code == 400
    assert answer.json() == {
        "error": 'The following values in the parameter "fields" are not valid: "height"'
    }


def test_filter_logic_csv_xml_and_eav(personas, world):
    secret = token(personas, world[0])
    older = call(secret, content="record", format="csv", filterLogic="[age] > 60", fields="age")
    assert older.text.splitlines() == [
        "record_id,age",
        "BBB-1,70",
    ]
    xml = call(secret, content="record", format="xml", fields="age", records="BBB-1").text
    assert "<record_id><![CDATA[BBB-1]]></record_id>" in xml
    eav = call(secret, content="record", format="json", type="eav", records="AAA-1",
               fields="modality,age").json()  # fmt: skip
    assert {"record": "AAA-1", "field_name": "modality", "value": "2"} in eav
    assert not any(row["value"] == "0" for row in eav)
    bad = call(secret, content="record", format="json", filterLogic="[age] >")
    assert bad.status_code == 400
    assert 'parameter "filterLogic" is not valid' in bad.json()["error"]


def test_a_site_lead_token_sees_and_writes_its_own_site_only(personas, world):
    study = world[0]
    secret = token(personas, study, "site_lead_a", "site_lead")
    rows = call(secret, content="record", format="json").json()
    assert {r["record_id"] for r in rows} == {"AAA-1"}
    assert call(secret, content="record", format="json", records="BBB-1").json() == []
    refused = call(
        secret,
        content="record",
        format="json",
        data=json.dumps([{"record_id": "BBB-1", "age": "33"}]),
    )
    assert refused.status_code == 400
    assert "must be AAA-<number>" in refused.json()["error"]
    assert Entry.objects.get(record__label="BBB-1", instrument="baseline").data["age"] == "70"


def test_import_normal_keeps_blanks_and_overwrite_erases_them(personas, world):
    study = world[0]
    secret = token(personas, study)
    data = json.dumps([{"record_id": "AAA-1", "age": "51", "comment": ""}])
    answer = call(secret, content="record", format="json", data=data, returnContent="count")
    assert answer.json() == {"count": 1}
    entry = Entry.objects.get(record__label="AAA-1", instrument="baseline")
    assert (entry.data["age"], entry.data["comment"]) == ("51", "Motion")
    call(secret, content="record", format="json", data=data, overwriteBehavior="overwrite")
    entry.refresh_from_db()
    assert (entry.data["age"], entry.data["comment"]) == ("51", "")
    # A key an item leaves out is not erased, even when overwriting.
    assert entry.data["scan_date"] == "2024-03-01"
    assert AuditEvent.objects.filter(action="record.import", object_label="AAA-1").count() == 2


def test_import_is_all_or_nothing_and_names_each_problem(personas, world):
    secret = token(personas, world[0])
    data = json.dumps(
        [{"record_id": "AAA-9", "age": "40"}, {"record_id": "AAA-10", "age": "forty"}]
    )
    answer = call(secret, content="record", format="json", data=data)
    assert answer.status_code == 400
    assert "row 2" in answer.json()["error"]
    assert "age" in answer.json()["error"]
    assert not Record.objects.filter(label="AAA-9").exists()


def test_force_auto_number_gives_each_record_its_sites_next_id(personas, world):
    secret = token(personas, world[0])
    data = json.dumps(
        [
            {"record_id": "new1", "redcap_data_access_group": "aaa", "age": "41"},
            {"record_id": "new2", "redcap_data_access_group": "bbb", "age": "42"},
        ]
    )
    answer = call(
        secret,
        content="record",
        format="json",
        data=data,
        forceAutoNumber="true",
        returnContent="auto_ids",
    )
    assert answer.json() == ["AAA-2,new1", "BBB-2,new2"]
    assert Entry.objects.get(record__label="BBB-2").data["age"] == "42"


def test_import_csv_with_ids_returned(personas, world):
    secret = token(personas, world[0])
    data = "record_id,redcap_data_access_group,age,modality___3\nAAA-5,aaa,44,1\n"
    answer = call(secret, content="record", format="csv", data=data, returnContent="ids",
                  returnFormat="json")  # fmt: skip
    assert answer.json() == ["AAA-5"]
    assert Entry.objects.get(record__label="AAA-5").data["modality"] == ["3"]


def test_a_statisticians_token_exports_de_identified_and_cannot_filter_on_dates(personas, world):
    study = world[0]
    secret = token(personas, study, "statistician", "statistician")
    rows = call(secret, content="record", format="json").json()
    assert {r["record_id"] for r in rows} == {"AAA-1", "BBB-1"}
    assert "comment" not in rows[0]
    assert rows[0]["scan_date"] not in ("", "2024-03-01")
    refused = call(secret, content="record", format="json", filterLogic="[scan_date] > '2024'")
    assert refused.status_code == 403
    denied = call(secret, content="record", format="json", data='[{"record_id": "AAA-1"}]')
    assert denied.status_code == 403
    assert denied.json() == {"error": "You do not have API Import/Update privileges"}


def test_deleting_records_is_refused(personas, world):
    secret = token(personas, world[0])
    answer = call(secret, content="record", action="delete", format="json", records="AAA-1")
    assert answer.status_code == 403
    assert Record.objects.filter(label="AAA-1").exists()


def test_every_export_call_is_in_the_study_audit_trail(personas, world):
    study = world[0]
    secret = token(personas, study)
    call(secret, content="record", format="json", fields="age")
    event = AuditEvent.objects.get(action="export.api")
    assert event.scope == f"study:{study.pk}"


def test_the_study_tokens_page_gives_the_redcap_address(personas, world):
    client = Client()
    client.force_login(personas.committee)
    page = client.get(f"/studies/{world[0].pk}/tokens/")
    assert "http://testserver/redcap/api/" in page.content.decode()


def test_dates_may_come_day_or_month_first_as_redcaps_date_format_says(personas, world):
    secret = token(personas, world[0])
    for order, written in (("DMY", "31/01/2025"), ("MDY", "01-31-2025"), ("YMD", "2025-01-31")):
        data = json.dumps([{"record_id": "AAA-1", "scan_date": written}])
        answer = call(secret, content="record", format="json", data=data, dateFormat=order)
        assert answer.json() == {"count": 1}, order
        stored = Entry.objects.get(record__label="AAA-1", instrument="baseline").data
        assert stored["scan_date"] == "2025-01-31"
    wrong = call(secret, content="record", format="json", data=data, dateFormat="DM")
    assert wrong.status_code == 400


def test_the_next_record_name_is_the_token_sites_next_id(personas, world):
    lead = token(personas, world[0], "site_lead_a", "site_lead")
    assert call(lead, content="generateNextRecordName").text == "AAA-2"
    admin = call(token(personas, world[0]), content="generateNextRecordName", format="json")
    assert admin.status_code == 400
    assert "several sites" in admin.json()["error"]


def test_a_fault_on_our_side_still_answers_in_redcaps_shape(personas, world, monkeypatch):
    from capture.redcap_api import calls

    def broken(call):
        raise RuntimeError("boom")

    monkeypatch.setattr(calls, "project_info", broken)
    client = Client(raise_request_exception=False)
    answer = client.post(URL, {"token": token(personas, world[0]), "content": "project"})
    assert answer.status_code == 500
    assert "error" in answer.json()
    assert "boom" not in answer.content.decode()


def test_get_and_an_unreadable_body_are_refused_in_redcaps_shape(personas, world):
    assert Client().get(URL).status_code == 405
    answer = Client().generic(
        "POST", URL, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )
    assert answer.status_code in (400, 403)


def test_project_xml_gives_the_study_and_the_records_the_token_may_see(personas, world):
    from formats.projectxml import read_project_xml

    study = world[0]
    secret = token(personas, study)
    whole = call(secret, content="project_xml", format="json")
    assert whole.status_code == 200
    assert whole.content_type.startswith("application/xml")
    project = read_project_xml(whole.text)
    assert project.title == study.title
    assert set(project.record_ids) == {"AAA-1", "BBB-1"}
    lead = call(token(personas, study, "site_lead_a", "site_lead"), content="project_xml")
    assert set(read_project_xml(lead.text).record_ids) == {"AAA-1"}
    chosen = call(secret, content="project_xml", type="eav", filterLogic="[age] > 60")
    assert read_project_xml(chosen.text).record_ids == ("BBB-1",)
    bare = call(secret, content="project_xml", returnMetadataOnly="true")
    metadata_only = read_project_xml(bare.text)
    assert metadata_only.records == ()
    assert [f.name for f in metadata_only.dictionary.fields][:2] == ["record_id", "age"]


@pytest.mark.parametrize(
    ("who", "role", "records"),
    [
        ("committee", "admin", {"AAA-1", "BBB-1"}),
        ("site_lead_a", "site_lead", {"AAA-1"}),
        ("site_lead_b", "site_lead", {"BBB-1"}),
        ("mentor", "validator", {"AAA-1"}),
        ("statistician", "statistician", {"AAA-1", "BBB-1"}),
    ],
)
def test_project_xml_per_token_role_and_site(personas, world, who, role, records):
    """The access matrix of `content=project_xml`: each role's token gets the records its
    role and sites may export, as `content=record` gives them; a statistician's are
    de-identified (no free text)."""
    from formats.projectxml import read_project_xml

    answer = call(token(personas, world[0], who, role), content="project_xml")
    assert answer.status_code == 200, answer.text
    project = read_project_xml(answer.text)
    assert set(project.record_ids) == records
    comments = {row.get("comment", "") for row in project.records}
    assert ("Motion" in comments) == (role != "statistician" and "AAA-1" in records)
