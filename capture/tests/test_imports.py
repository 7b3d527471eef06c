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
    assert [str(f) for f in check.errors] == ["row 2, record AAA-1 is locked"]


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
