"""A study's record ids: RadCollab's CODE-n (the default) or REDCap's own, kept as imported."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from capture import imports, services
from capture.models import Entry, Record, Study
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


def redcap_study(personas):
    """A live study with REDCap's ids; the committee admins it, site_lead_a leads AAA."""
    study, site_a, site_b = make_study(personas, live=False)
    services.study_update_settings(
        actor=personas.committee, study=study, repeating_instruments=[], record_ids="redcap"
    )
    services.study_go_live(actor=personas.committee, study=study)
    for who, where in (("site_lead_a", site_a), ("site_lead_b", site_b)):
        services.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.people[who],
            role="site_lead",
            study_site=where,
        )
    for person in personas.people.values():
        enable_totp(person)
    return study, site_a, site_b


def test_new_studies_name_records_code_n(personas):
    study, _, _ = make_study(personas)
    assert study.record_ids == Study.RecordIds.SITE


def test_redcaps_ids_are_kept_exactly_with_the_site_from_the_group(personas):
    study, _, site_b = redcap_study(personas)
    text = (
        "record_id,redcap_data_access_group,age\n"
        "1,aaa,40\n2,AAA,41\na-12,bbb,42\nStudy 7.b,bbb,43\n"
    )
    check = imports.import_preview(actor=personas.committee, study=study, text=text)
    assert check.ok, check.errors
    imports.import_commit(actor=personas.committee, study=study, text=text)
    placed = dict(Record.objects.values_list("label", "study_site__code"))
    assert placed == {"1": "AAA", "2": "AAA", "a-12": "BBB", "Study 7.b": "BBB"}
    assert Entry.objects.get(record__label="a-12").data["age"] == "42"
    # A record made on the page is still CODE-n, at the site chosen for it.
    made = services.record_create(actor=personas.committee, study=study, study_site=site_b)
    assert made.label == "BBB-3"


def test_a_site_leads_only_site_needs_no_group(personas):
    study, _, _ = redcap_study(personas)
    text = "record_id,age\n1001,40\n"
    imports.import_commit(actor=personas.site_lead_a, study=study, text=text)
    assert Record.objects.get(label="1001").study_site.code == "AAA"


def test_ids_that_differ_only_in_case_are_refused_in_the_preview(personas):
    study, _, _ = redcap_study(personas)
    imports.import_commit(actor=personas.site_lead_a, study=study, text="record_id,age\nAB1,40\n")
    text = "record_id,age\nab1,41\nx9,42\nX9,43\n"
    check = imports.import_preview(actor=personas.site_lead_a, study=study, text=text)
    messages = [str(error) for error in check.errors]
    assert messages == [
        "row 2, record id 'ab1' differs only in case from the record AB1",
        "row 4, record id 'X9' differs only in case from 'x9' on row 3; "
        "REDCap would take them for one record",
    ]
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(
            actor=personas.site_lead_a, study=study, text="record_id,age\nab1,4\n"
        )


def test_nothing_tells_a_site_whether_another_site_uses_an_id(personas):
    study, _, _ = redcap_study(personas)
    text = "record_id,age\n7,40\nab,41\n"

    def preview():
        check = imports.import_preview(actor=personas.site_lead_a, study=study, text=text)
        return (check.ok, check.records, check.new_records, [str(e) for e in check.errors])

    before = preview()
    # Site B uses the same ids (also in another case): site A's preview is the same.
    imports.import_commit(
        actor=personas.site_lead_b, study=study, text="record_id,age\n7,60\nAB,61\n"
    )
    assert preview() == before == (True, 2, 2, [])
    imports.import_commit(actor=personas.site_lead_a, study=study, text=text)
    assert sorted(Record.objects.values_list("label", "study_site__code")) == [
        ("7", "AAA"), ("7", "BBB"), ("AB", "BBB"), ("ab", "AAA"),
    ]  # fmt: skip
    assert Entry.objects.get(record__label="7", record__study_site__code="BBB").data["age"] == "60"


def test_ids_redcap_would_not_take_are_refused_by_row(personas):
    study, _, _ = redcap_study(personas)
    text = 'record_id,age\n"a,b",40\n' + "x" * 101 + ",41\n"
    check = imports.import_preview(actor=personas.site_lead_a, study=study, text=text)
    assert [(e.row, e.column) for e in check.errors] == [(2, "record_id"), (3, "record_id")]
    assert "letters, digits, spaces" in check.errors[0].message


def test_the_scheme_is_fixed_once_records_exist(personas):
    study, site_a, _ = make_study(personas, live=False)
    services.study_update_settings(
        actor=personas.committee, study=study, repeating_instruments=[], record_ids="redcap"
    )
    services.study_go_live(actor=personas.committee, study=study)
    enable_totp(personas.committee)
    services.record_create(actor=personas.committee, study=study, study_site=site_a)
    with pytest.raises(ValidationError, match="record ids cannot change"):
        services.study_update_settings(
            actor=personas.committee, study=study, repeating_instruments=[], record_ids="site"
        )
    with pytest.raises(ValidationError, match="Unknown record-id scheme"):
        services.study_update_settings(
            actor=personas.committee, study=study, repeating_instruments=[], record_ids="odd"
        )


def test_the_settings_page_chooses_the_scheme(personas):
    study, _, _ = make_study(personas, live=False)
    enable_totp(personas.committee)
    client = Client()
    client.force_login(personas.committee)
    page = client.get(f"/studies/{study.pk}/manage/")
    assert "REDCap&#x27;s: any id" in page.content.decode()
    client.post(
        f"/studies/{study.pk}/manage/settings/",
        {"record_ids": "redcap", "pseudonymisation_rules": "No names."},
    )
    study.refresh_from_db()
    assert study.record_ids == "redcap"


def test_the_redcap_api_keeps_redcaps_ids(personas):
    from capture import tokens

    study, _, _ = redcap_study(personas)
    secret = tokens.study_token_create(
        user=personas.site_lead_a, study=study, role="site_lead", name="s"
    ).secret
    answer = Client().post(
        "/api/redcap/",
        {"token": secret, "content": "record", "format": "json", "returnContent": "ids",
         "data": '[{"record_id": "101", "age": "40"}, {"record_id": "x-2", "age": "41"}]'},
    )  # fmt: skip
    assert answer.json() == ["101", "x-2"]
    rows = Client().post(
        "/api/redcap/",
        {"token": secret, "content": "record", "format": "json", "fields": "age"},
    )
    exported = rows.getvalue().decode()
    assert '"record_id": "101"' in exported
    assert '"record_id": "x-2"' in exported


def test_a_redcap_id_that_looks_like_a_patient_identifier_is_refused(personas):
    study, _, _ = redcap_study(personas)
    text = "record_id,age\n943 476 5919,40\njo@example.org,41\n"
    check = imports.import_preview(actor=personas.site_lead_a, study=study, text=text)
    assert [(e.row, e.column) for e in check.errors] == [(2, "record_id"), (3, "record_id")]
    assert "NHS number" in check.errors[0].message
    assert "943 476 5919" not in str(check.errors)
