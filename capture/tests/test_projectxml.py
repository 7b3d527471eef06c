"""The project XML into a study: one preview that changes nothing, then all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from capture import projectxml, services
from capture.models import Designation, Entry, Event, Record, Study
from core.testing.mfa import enable_totp
from core.testing.present import present
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.projectxml import read_project_xml

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "projectxml" / "tests" / "fixtures"
CLASSIC = (FIXTURES / "classic.xml").read_bytes()
LONGITUDINAL = (FIXTURES / "longitudinal.xml").read_bytes()


@pytest.fixture
def study(personas):
    """A study in design whose two sites are named as the file's data access groups."""
    personas.site_a.name, personas.site_b.name = "St Thomas", "Leeds General"
    personas.site_a.save(update_fields=["name"])
    personas.site_b.save(update_fields=["name"])
    found, _ = services.study_create(
        actor=personas.committee,
        title="Chest CT audit",
        dictionary_csv=dictionary_csv(row("record_id", label="Record ID", form="start")),
    )
    services.study_add_site(actor=personas.committee, study=found, site=personas.site_a, code="STH")
    services.study_add_site(actor=personas.committee, study=found, site=personas.site_b, code="LGI")
    # The file has a file-upload field: a live study needs the admin's permission for it.
    Study.objects.filter(pk=found.pk).update(allow_file_fields=True)
    found.refresh_from_db()
    enable_totp(personas.committee)
    return found


def test_the_preview_says_everything_and_changes_nothing(personas, study):
    before = AuditEvent.objects.count()
    result = projectxml.project_preview(actor=personas.committee, study=study, data=CLASSIC)
    assert result.ok, list(projectxml.findings(result))
    assert result.sites == [("St Thomas", "STH"), ("Leeds General", "LGI"), ("Oslo University", "")]
    assert any("StopActions" in notice for notice in result.notices)
    assert any("17 fields in 2 instruments" in step for step in result.steps)
    assert any("goes live" in step for step in result.steps)
    assert (present(result.check).records, present(result.check).new_records) == (2, 2)
    study.refresh_from_db()
    assert study.status == Study.Status.DESIGN
    assert study.repeating_instruments == []
    assert not Record.objects.exists()
    assert AuditEvent.objects.count() == before
    assert services.current_dictionary(study).instruments == ["start"]


def test_applying_takes_the_whole_project_in(personas, study):
    projectxml.project_import(actor=personas.committee, study=study, data=CLASSIC)
    study.refresh_from_db()
    assert study.status == Study.Status.LIVE
    assert study.record_ids == Study.RecordIds.REDCAP
    assert study.repeating_instruments == ["nodules"]
    dictionary = services.current_dictionary(study)
    assert dictionary.instruments == ["scan", "nodules"]
    first = Record.objects.get(label="1")
    assert first.study_site.code == "STH"
    assert Record.objects.get(label="a-12").study_site.code == "LGI"
    scan = Entry.objects.get(record=first, instrument="scan")
    assert scan.data["findings"] == ["1", "99"]
    assert scan.data["scan_time"] == "2026-03-09 14:30"
    assert scan.data["comments"] == "Breathing artefact at the bases;\nno repeat needed."
    assert scan.status == Entry.Status.COMPLETE
    nodules = Entry.objects.filter(record=first, instrument="nodules").order_by("instance")
    assert [(e.instance, e.data["nodule_site"]) for e in nodules] == [(1, "RUL"), (2, "LUL")]
    assert AuditEvent.objects.filter(action="study.import_project_xml").count() == 1


def test_a_record_of_a_group_with_no_site_refuses_the_whole_file(personas, study):
    text = CLASSIC.replace(b'Value="leeds_general"', b'Value="oslo_university"')
    result = projectxml.project_preview(actor=personas.committee, study=study, data=text)
    assert not result.ok
    (error,) = present(result.check).errors
    assert error.message.startswith("record a-12: ")
    with pytest.raises(projectxml.ProjectImportRefused):
        projectxml.project_import(actor=personas.committee, study=study, data=text)
    study.refresh_from_db()
    assert study.status == Study.Status.DESIGN
    assert not Record.objects.exists()
    assert services.current_dictionary(study).instruments == ["start"]


def test_a_file_field_without_the_admins_permission_is_a_problem_named_by_field(personas, study):
    Study.objects.filter(pk=study.pk).update(allow_file_fields=False)
    study.refresh_from_db()
    result = projectxml.project_preview(actor=personas.committee, study=study, data=CLASSIC)
    assert "report: file-upload fields need the admin's permission in a live study" in (
        result.problems
    )


def test_a_file_that_is_not_a_project_is_refused_with_its_line(personas, study):
    result = projectxml.project_preview(
        actor=personas.committee, study=study, data=b"record_id,age\n1,40\n"
    )
    assert result.problems
    assert result.problems[0].startswith("line 1: the XML cannot be read")


def test_another_file_than_the_one_previewed_is_refused(personas, study):
    with pytest.raises(projectxml.ProjectImportRefused):
        projectxml.project_import(
            actor=personas.committee, study=study, data=CLASSIC, digest="0" * 64
        )
    assert not Record.objects.exists()


def test_only_the_study_admin_may_import_a_project(personas, study):
    enable_totp(personas.site_lead_a)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.site_lead_a,
        role="site_lead",
        study_site=study.study_sites.get(code="STH"),
    )
    with pytest.raises(PermissionDenied):
        projectxml.project_preview(actor=personas.site_lead_a, study=study, data=CLASSIC)


def test_a_live_study_with_the_same_dictionary_takes_the_records_only(personas, study):
    projectxml.project_import(actor=personas.committee, study=study, data=CLASSIC)
    result = projectxml.project_preview(actor=personas.committee, study=study, data=CLASSIC)
    assert any("unchanged" in step for step in result.steps)
    assert (present(result.check).updated_records, present(result.check).unchanged_records) == (
        0,
        2,
    )


def test_the_export_reads_back_as_the_same_dictionary_and_records(personas, study):
    projectxml.project_import(actor=personas.committee, study=study, data=CLASSIC)
    written = projectxml.project_export(actor=personas.committee, study=study)
    again = read_project_xml(written)
    original = read_project_xml(CLASSIC)
    assert again.dictionary == original.dictionary
    assert again.dags == ("LGI", "STH")
    assert again.record_ids == ("a-12", "1") or set(again.record_ids) == {"1", "a-12"}
    first = next(r for r in again.records if r["record_id"] == "1" and "scan_date" in r)
    assert first["findings___99"] == "1"
    assert first["redcap_data_access_group"] == "sth"
    # Imported again, the export changes nothing.
    result = projectxml.project_preview(
        actor=personas.committee, study=study, data=written.encode()
    )
    assert result.ok, list(projectxml.findings(result))


def test_a_longitudinal_projects_records_come_in_at_their_events(personas, study):
    from capture.models import Entry

    preview = projectxml.project_preview(actor=personas.committee, study=study, data=LONGITUDINAL)
    assert preview.ok, list(projectxml.findings(preview))
    assert not Event.objects.exists()  # the preview changes nothing
    projectxml.project_import(actor=personas.committee, study=study, data=LONGITUDINAL)
    assert Record.objects.filter(study=study).count() == 2
    at = set(Entry.objects.filter(record__study=study).values_list("event__unique_name", flat=True))
    assert None not in at
    assert len(at) > 1


def without_records(data: bytes) -> bytes:
    return data[: data.index(b"<ClinicalData")] + b"</ODM>"


def test_records_may_be_left_out_to_take_the_design_only(personas, study):
    preview = projectxml.project_preview(
        actor=personas.committee, study=study, data=LONGITUDINAL, records=False
    )
    assert preview.ok, list(projectxml.findings(preview))
    assert any("2 record(s) are left out" in step for step in preview.steps)
    projectxml.project_import(
        actor=personas.committee, study=study, data=LONGITUDINAL, records=False
    )
    assert Event.objects.filter(study=study).count() == 4
    assert not Record.objects.exists()
    study.refresh_from_db()
    assert study.status == Study.Status.DESIGN


def test_a_longitudinal_design_comes_in_with_arms_events_and_designations(personas, study):
    data = without_records(LONGITUDINAL)
    preview = projectxml.project_preview(actor=personas.committee, study=study, data=data)
    assert preview.ok, list(projectxml.findings(preview))
    assert any("2 arms, 4 events, 5 instrument designations" in s for s in preview.steps)
    assert not Event.objects.exists()
    projectxml.project_import(actor=personas.committee, study=study, data=data)
    events = {e.unique_name: e for e in Event.objects.filter(study=study)}
    assert set(events) == {
        "baseline_arm_1",
        "month_3_arm_1",
        "baseline_arm_2",
        "interval_scan_arm_2",
    }
    month_3 = events["month_3_arm_1"]
    assert (month_3.day_offset, month_3.offset_min, month_3.offset_max) == (90, 7, 14)
    assert month_3.arm.name == "Screen-detected"
    assert events["interval_scan_arm_2"].repeating
    lesion = Designation.objects.get(event=events["baseline_arm_1"], instrument="lesion")
    assert lesion.repeating
    # Written back, the design reads as the file's.
    again = read_project_xml(projectxml.project_export(actor=personas.committee, study=study))
    original = read_project_xml(data)
    assert again.events == original.events
    assert again.arms == original.arms
    assert again.designations == original.designations
    assert again.repeating_forms == original.repeating_forms
    assert again.repeating_events == original.repeating_events


# --- The pages --------------------------------------------------------------------------


def upload(client, study, data: bytes, name: str = "project.xml"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("capture:project_import", args=[study.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/xml")},
    )


def test_the_page_previews_then_imports_the_file_it_previewed(client, personas, study):
    from django.urls import reverse

    client.force_login(personas.committee)
    page = client.get(reverse("capture:study", args=[study.pk]))
    assert "Import a REDCap project XML" in page.content.decode()
    preview = upload(client, study, CLASSIC)
    text = preview.content.decode()
    assert preview.status_code == 200, text
    assert "17 fields in 2 instruments" in text
    assert "Oslo University" in text
    assert "Import the project" in text
    assert not Record.objects.exists()
    digest = preview.context["result"].digest
    done = client.post(reverse("capture:project_import", args=[study.pk]), {"digest": digest})
    assert done.status_code == 302
    assert Record.objects.count() == 2
    # The file waited for its import only: a second confirmation finds nothing.
    again = client.post(reverse("capture:project_import", args=[study.pk]), {"digest": digest})
    assert again.status_code == 409


def test_a_second_preview_replaces_the_first_waiting_file(client, personas, study):
    from django.core.files.storage import default_storage
    from django.urls import reverse

    client.force_login(personas.committee)
    first = upload(client, study, without_records(LONGITUDINAL)).context["result"].digest
    second = upload(client, study, CLASSIC).context["result"].digest
    assert not default_storage.exists(f"imports/projectxml/{study.pk}-{first}.xml")
    assert default_storage.exists(f"imports/projectxml/{study.pk}-{second}.xml")
    stale = client.post(reverse("capture:project_import", args=[study.pk]), {"digest": first})
    assert stale.status_code == 409


def test_a_file_with_problems_shows_them_and_offers_no_import(client, personas, study):
    client.force_login(personas.committee)
    response = upload(client, study, b"<?xml version='1.0'?>\n<records/>")
    text = response.content.decode()
    assert response.status_code == 400
    assert "this is not CDISC ODM" in text
    assert "Import the project" not in text


def test_someone_elses_preview_cannot_be_imported(client, personas, study):
    from django.urls import reverse

    client.force_login(personas.committee)
    digest = upload(client, study, CLASSIC).context["result"].digest
    client.logout()
    services.study_grant_role(
        actor=personas.committee, study=study, person=personas.admin, role="admin"
    )
    enable_totp(personas.admin)
    client.force_login(personas.admin)
    response = client.post(reverse("capture:project_import", args=[study.pk]), {"digest": digest})
    assert response.status_code == 409
    assert not Record.objects.exists()


def test_the_export_downloads_a_project_xml(client, personas, study):
    from django.urls import reverse

    projectxml.project_import(actor=personas.committee, study=study, data=CLASSIC)
    client.force_login(personas.committee)
    response = client.get(reverse("capture:project_export", args=[study.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert 'filename="chest-ct-audit.REDCap.xml"' in response["Content-Disposition"]
    project = read_project_xml(response.content)
    assert set(project.record_ids) == {"1", "a-12"}


def test_the_command_prints_the_preview_and_imports(personas, study, tmp_path):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "project.xml"
    path.write_bytes(CLASSIC.replace(b'Value="leeds_general"', b'Value="oslo_university"'))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_project_xml", str(path), study=study.pk, email="committee@personas.test",
            stdout=out, stderr=err,
        )  # fmt: skip
    assert "group: Oslo University → no site" in out.getvalue()
    assert "notice: line 121, report: redcap:StopActions='1' is kept, not applied" in (
        out.getvalue()
    )
    assert "problem: record a-12: " in err.getvalue()
    assert not Record.objects.exists()
    path.write_bytes(CLASSIC)
    out = io.StringIO()
    call_command("import_project_xml", str(path), study=study.pk, email="committee@personas.test",
                 stdout=out)  # fmt: skip
    assert "The REDCap project is imported." in out.getvalue()
    assert Record.objects.count() == 2
