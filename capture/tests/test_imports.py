from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from capture import imports, services
from capture.models import Entry, Record
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

HEADER = (
    "record_id,redcap_data_access_group,age,modality___1,modality___2,modality___3,"
    "mri_field,comment,scan_date,baseline_complete\n"
)


@pytest.fixture
def study(personas):
    study, site_a, _site_b = make_study(personas)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    for person in (personas.trainee, personas.committee):
        enable_totp(person)
    return study


def test_a_clean_file_is_previewed_then_imported_with_calcs_and_branching(personas, study):
    text = HEADER + "AAA-1,aaa,40,0,1,0,2,,2026-01-02,2\nAAA-7,aaa,55,1,0,0,2,,,0\n"
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert check.ok, check.errors
    assert (check.records, check.new_records) == (2, 2)
    assert not Record.objects.exists()
    imports.import_commit(actor=personas.trainee, study=study, text=text)
    first = Entry.objects.get(record__label="AAA-1", instrument="baseline")
    assert first.data["modality"] == ["2"]
    assert first.data["mri_field"] == "2"
    assert first.status == 2
    # AAA-7 has no MRI: its field strength is hidden by branching and not kept.
    assert Entry.objects.get(record__label="AAA-7").data["mri_field"] == ""
    # The next record made by hand follows the highest number imported.
    site_a = study.study_sites.get(code="AAA")
    assert (
        services.record_create(actor=personas.trainee, study=study, study_site=site_a).label
        == "AAA-8"
    )
    assert AuditEvent.objects.filter(action="record.import").count() == 2
    assert AuditEvent.objects.filter(action="records.import").count() == 1


def test_every_problem_is_named_by_row_and_field_and_nothing_is_written(personas, study):
    text = (
        HEADER
        + "AAA-1,aaa,forty,0,0,0,,,,0\n"
        + "BBB-1,bbb,40,0,0,0,,,,0\n"
        + "AAA-2,aaa,40,0,0,0,,call 07700 900123,,0\n"
        + "XYZ-3,aaa,40,0,0,0,,,,0\n"
    )
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    found = {(f.row, f.column) for f in check.errors}
    assert (2, "age") in found
    assert (3, "redcap_data_access_group") in found
    assert (4, "comment") in found
    assert (5, "record_id") in found
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(actor=personas.trainee, study=study, text=text)
    assert not Record.objects.exists()
    assert not Entry.objects.exists()


def test_a_number_that_is_an_nhs_number_is_refused_as_the_entry_form_refuses_it(personas, study):
    # reader_size is a number without a range: 9434765919 is a valid number and a valid
    # NHS number. Every value written goes through the identifier screen, not only text.
    text = "record_id,reader_size\nAAA-1,9434765919\n"
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert [(f.row, f.column) for f in check.errors] == [(2, "reader_size")]
    assert "NHS number" in str(check.errors[0])
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(actor=personas.trainee, study=study, text=text)
    assert not Record.objects.exists()


def test_a_value_screened_once_is_refused_on_every_row_that_holds_it(personas, study):
    # Screening is remembered per distinct value: a later row with the same phone number
    # is refused all the same (in a number field it is refused as not a number first).
    text = (
        "record_id,comment,reader_size\n"
        "AAA-1,07700 900123,40\nAAA-2,,07700 900123\nAAA-3,07700 900123,41\nAAA-4,fine,40\n"
    )
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    found = [(f.row, f.column) for f in check.errors if "phone number" in f.message]
    assert found == [(2, "comment"), (4, "comment")]
    assert {(f.row, f.column) for f in check.errors} >= {(3, "reader_size")}
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(actor=personas.trainee, study=study, text=text)
    assert not Record.objects.exists()


def test_an_import_updates_existing_records_and_refuses_locked_ones(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"age": "30", "comment": "kept"},
    )
    imports.import_commit(actor=personas.trainee, study=study, text="record_id,age\nAAA-1,31\n")
    entry = Entry.objects.get()
    assert entry.data["age"] == "31"
    assert entry.data["comment"] == "kept"
    services.record_lock(actor=personas.committee, record=record)
    check = imports.import_preview(
        actor=personas.trainee, study=study, text="record_id,age\nAAA-1,32\n"
    )
    assert [str(f) for f in check.errors] == [
        "row 2, record AAA-1 is locked and the file would change age (31 → 32)"
    ]


def test_the_preview_lists_old_and_new_values_and_counts_unchanged_records(personas, study):
    site_a = study.study_sites.get(code="AAA")
    for _ in range(3):
        record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": "30", "modality": ["1"]},
        )
    text = (
        "record_id,age,modality___1,modality___2,modality___3\n"
        "AAA-1,30,1,0,0\n"  # as stored
        "AAA-2,31,1,1,0\n"  # two values change
        "AAA-3,30,,,\n"  # blanks leave values as they are
        "AAA-4,50,0,0,1\n"  # new
    )
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert check.ok, check.errors
    assert (check.new_records, check.updated_records, check.unchanged_records) == (1, 1, 2)
    assert check.changes == {"AAA-2": [("age", "30", "31"), ("modality", ["1"], ["1", "2"])]}
    imports.import_commit(actor=personas.trainee, study=study, text=text)
    # Nothing was written to the records the file leaves as they are: no new version.
    versions = dict(Entry.objects.values_list("record__label", "version"))
    assert versions == {"AAA-1": 1, "AAA-2": 2, "AAA-3": 1, "AAA-4": 1}
    assert AuditEvent.objects.filter(action="record.import").count() == 2


def test_reimporting_ones_own_export_passes_over_locked_records_it_does_not_change(personas, study):
    site_a = study.study_sites.get(code="AAA")
    for age in ("30", "40"):
        record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
        services.entry_save(
            actor=personas.trainee, record=record, instrument="baseline", values={"age": age}
        )
    services.record_lock(actor=personas.committee, record=Record.objects.get(label="AAA-1"))
    text = "record_id,age\nAAA-1,30\nAAA-2,41\n"
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert check.ok, check.errors
    assert (check.updated_records, check.unchanged_records) == (1, 1)
    imports.import_commit(actor=personas.trainee, study=study, text=text)
    assert Entry.objects.get(record__label="AAA-2").data["age"] == "41"
    changed = "record_id,age\nAAA-1,31\nAAA-2,41\n"
    with pytest.raises(imports.ImportRefused, match="AAA-1 is locked and the file would change"):
        imports.import_commit(actor=personas.trainee, study=study, text=changed)
    assert Entry.objects.get(record__label="AAA-1").data["age"] == "30"


def test_someone_without_entry_rights_cannot_import(personas, study):
    services.study_grant_role(
        actor=personas.committee, study=study, person=personas.mentor, role="validator"
    )
    enable_totp(personas.mentor)
    with pytest.raises(PermissionDenied):
        imports.import_preview(actor=personas.mentor, study=study, text="record_id\n")


def test_the_import_page_previews_then_imports_in_the_background(
    client, personas, study, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from capture.models import DataImport

    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.trainee)
    url = reverse("capture:import", args=[study.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("r.csv", b"record_id,age\nAAA-1,old\n")})
    assert bad.status_code == 400
    assert "Row 2, age" in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("r.csv", b"record_id,age\nAAA-1,40\n")})
    assert "Import 1 records" in good.content.decode()
    upload = DataImport.objects.filter(state="previewed").latest("created_at")
    client.force_login(personas.committee)
    assert client.post(url, {"confirm": upload.pk}).status_code == 404  # not the uploader
    client.force_login(personas.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": upload.pk}).status_code == 302
    upload.refresh_from_db()
    assert upload.state == DataImport.State.DONE
    assert Entry.objects.get().data["age"] == "40"


# --- Another site's records are not told apart from records that do not exist ----------


@pytest.fixture
def lead_b(personas, study):
    site_b = study.study_sites.get(code="BBB")
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.site_lead_b,
        role="site_lead",
        study_site=site_b,
    )
    enable_totp(personas.site_lead_b)
    return personas.site_lead_b


def _locked_record_at_a(personas, study):
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.record_lock(actor=personas.committee, record=record)
    return record


def _told(check, label):
    """What a preview tells, with the file's own record id taken out."""
    return (
        check.rows,
        check.records,
        check.new_records,
        check.updated_records,
        [(f.row, f.column, f.message.replace(label, "<id>")) for f in check.errors],
        [(f.row, f.column, f.message.replace(label, "<id>")) for f in check.warnings],
    )


def test_a_preview_tells_nothing_of_another_sites_records(personas, study, lead_b):
    assert _locked_record_at_a(personas, study).label == "AAA-1"
    existing = imports.import_preview(actor=lead_b, study=study, text="record_id\nAAA-1\n")
    missing = imports.import_preview(actor=lead_b, study=study, text="record_id\nAAA-7\n")
    assert _told(existing, "AAA-1") == _told(missing, "AAA-7")
    assert not any("locked" in f.message for f in existing.errors)
    assert existing.updated_records == 0


def test_the_import_page_answers_alike_for_another_sites_record_and_none(
    client, personas, study, lead_b
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _locked_record_at_a(personas, study)
    client.force_login(lead_b)
    url = reverse("capture:import", args=[study.pk])

    def preview(label):
        body = f"record_id,redcap_data_access_group\n{label},\n".encode()
        response = client.post(url, {"file": SimpleUploadedFile("r.csv", body)})
        section = response.content.decode().split('id="preview-heading"')[1].split("</section>")[0]
        return response.status_code, section.replace(label, "<id>")

    assert preview("AAA-1") == preview("AAA-7")


def test_the_preview_still_finds_locked_records_of_ones_own_site(personas, study, lead_b):
    site_b = study.study_sites.get(code="BBB")
    record = services.record_create(actor=lead_b, study=study, study_site=site_b)
    services.record_lock(actor=lead_b, record=record)
    check = imports.import_preview(actor=lead_b, study=study, text="record_id,age\nBBB-1,40\n")
    assert [str(f) for f in check.errors] == [
        "row 2, record BBB-1 is locked and the file would change age ((empty) → 40)"
    ]
    assert check.updated_records == 1


# --- Bad input is refused in the preview, never at the commit ----------------------------


def test_a_record_id_that_differs_only_in_case_is_refused_in_the_preview(personas, study):
    site_a = study.study_sites.get(code="AAA")
    services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    text = "record_id,age\naaa-1,40\n"
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert [(f.row, f.column) for f in check.errors] == [(2, "record_id")]
    assert "'aaa-1' must be AAA-<number>" in check.errors[0].message
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(actor=personas.trainee, study=study, text=text)
    assert list(Record.objects.values_list("label", flat=True)) == ["AAA-1"]


def test_a_record_number_no_database_stores_is_refused_in_the_preview(personas, study):
    text = "record_id,age\nAAA-99999999999,40\n"
    check = imports.import_preview(actor=personas.trainee, study=study, text=text)
    assert [(f.row, f.column) for f in check.errors] == [(2, "record_id")]


@pytest.mark.parametrize("confirm", ["abc", "", "-1", "0", "99999999999999999999999", "1.5"])
def test_a_confirmation_that_names_no_upload_is_a_400_with_a_message(
    client, personas, study, confirm
):
    from django.urls import reverse

    client.force_login(personas.trainee)
    response = client.post(reverse("capture:import", args=[study.pk]), {"confirm": confirm})
    assert response.status_code == 400
    assert "upload the file again" in response.content.decode() or "Say which" in (
        response.content.decode()
    )


def test_a_file_is_imported_once_a_second_confirmation_is_a_409(
    client, personas, study, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from capture.models import DataImport

    upload, _ = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text="record_id,age\nAAA-1,40\n"
    )
    client.force_login(personas.trainee)
    url = reverse("capture:import", args=[study.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": upload.pk}).status_code == 302
    assert DataImport.objects.get().state == DataImport.State.DONE
    again = client.post(url, {"confirm": upload.pk})
    assert again.status_code == 409
    assert "imported already" in again.content.decode()
    assert Entry.objects.count() == 1


def test_the_command_prints_every_notice_problem_and_warning_the_preview_shows(
    personas, study, tmp_path
):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "records.csv"
    path.write_text(
        "record_id,redcap_survey_identifier,age,scan_date\nAAA-1,,150,2026-01-02\nAAA-2,,old,\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command(
            "import_records", str(path), study=study.pk, email="trainee@personas.test",
            stdout=out, stderr=err,
        )  # fmt: skip
    printed = out.getvalue()
    assert "2 rows, 2 records: 2 new, 0 updated, 0 unchanged." in printed
    assert "notice: column redcap_survey_identifier: survey information is not kept here" in (
        printed
    )
    assert "warning: row 2, age: " in printed
    assert "problem: row 3, age: " in err.getvalue()
    assert not Record.objects.exists()
    path.write_text("record_id,age,baseline_timestamp\nAAA-1,40,x\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_records", str(path), study=study.pk, email="trainee@personas.test",
                 stdout=out)  # fmt: skip
    assert "Imported 1 records: 1 new, 0 updated, 0 unchanged." in out.getvalue()
    assert Record.objects.get().label == "AAA-1"
    # Again with one value changed: the change is printed, old → new.
    path.write_text("record_id,age\nAAA-1,41\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_records", str(path), study=study.pk, email="trainee@personas.test",
                 stdout=out)  # fmt: skip
    assert "change: record AAA-1, age: 40 → 41" in out.getvalue()
    assert "1 updated, 0 unchanged" in out.getvalue()
