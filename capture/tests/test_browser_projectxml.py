"""A study admin brings a whole REDCap project in one file, opens one of its records and
downloads the project again as REDCap's XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from capture import services
from capture.models import Record, Study
from capture.tests.test_browser_journey import as_person
from core.testing.mfa import enable_totp
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.projectxml import read_project_xml

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "projectxml" / "tests" / "fixtures"


def study_at_two_named_sites(personas, title: str, id_field: str, id_label: str) -> Study:
    """A study in design at St Thomas (STH) and Leeds General (LGI), the sites the test
    files' data access groups name; the committee (with two-factor) is its admin."""
    personas.site_a.name, personas.site_b.name = "St Thomas", "Leeds General"
    personas.site_a.save(update_fields=["name"])
    personas.site_b.save(update_fields=["name"])
    enable_totp(personas.committee)
    study, _ = services.study_create(
        actor=personas.committee,
        title=title,
        dictionary_csv=dictionary_csv(row(id_field, label=id_label, form="start")),
    )
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_a, code="STH")
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_b, code="LGI")
    return study


def test_a_redcap_project_comes_in_whole_and_goes_back_out(
    browser, live_server, personas, tmp_path
):
    base = live_server.url
    study = study_at_two_named_sites(personas, "Chest CT audit", "record_id", "Record ID")
    Study.objects.filter(pk=study.pk).update(allow_file_fields=True)

    admin = as_person(browser, base, personas.committee)
    admin.goto(f"{base}/studies/{study.pk}/")
    admin.get_by_role("link", name="Import a REDCap project XML").click()
    # The Windows download: a byte-order mark and CRLF line endings.
    admin.get_by_label("REDCap project XML").set_input_files(str(FIXTURES / "classic-crlf-bom.xml"))
    admin.get_by_role("button", name="Preview").click()
    preview = admin.get_by_role("region", name="Preview: Chest CT audit")
    preview.get_by_text("17 fields in 2 instruments").wait_for()
    assert preview.get_by_role("row", name="Oslo University none: add a site").count() == 1
    preview.get_by_text("The study goes live").wait_for()
    assert not Record.objects.exists()

    admin.get_by_role("button", name="Import the project").click()
    admin.get_by_text("The REDCap project is imported with 2 records.").wait_for()
    assert Record.objects.count() == 2

    admin.get_by_role("link", name="Records", exact=True).click()
    admin.get_by_role("link", name="a-12").wait_for()
    admin.get_by_role("link", name="1", exact=True).click()
    assert admin.get_by_label("CTDIvol").input_value() == "8.5"

    admin.goto(f"{base}/studies/{study.pk}/")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download as REDCap project XML").click()
    saved = tmp_path / "project.xml"
    download.value.save_as(saved)
    again = read_project_xml(saved.read_bytes())
    assert again.title == "Chest CT audit"
    assert set(again.record_ids) == {"1", "a-12"}
    assert again.repeating_forms[0].form == "nodules"


def test_a_longitudinal_design_comes_in_without_its_records(browser, live_server, personas):
    from capture.models import Event

    base = live_server.url
    enable_totp(personas.committee)
    study, _ = services.study_create(
        actor=personas.committee,
        title="Lung screening follow-up",
        dictionary_csv=dictionary_csv(row("study_id", label="Study ID", form="start")),
    )
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_a, code="STH")
    admin = as_person(browser, base, personas.committee)
    admin.goto(f"{base}/studies/{study.pk}/import/project/")
    # Its records could come too (test_projectxml); here the design is taken alone.
    admin.get_by_label("REDCap project XML").set_input_files(str(FIXTURES / "longitudinal.xml"))
    admin.get_by_label("Leave the records out").check()
    admin.get_by_role("button", name="Preview").click()
    admin.get_by_text("2 arms, 4 events, 5 instrument designations").wait_for()
    admin.get_by_role("button", name="Import the project").click()
    admin.get_by_text("The REDCap project is imported.").wait_for()
    assert Event.objects.filter(study=study).count() == 4
    assert not Record.objects.exists()


def test_a_longitudinal_project_comes_in_a_follow_up_visit_is_entered_and_it_goes_back_out(
    browser, live_server, personas, tmp_path
):
    """Issue 16's journey: a longitudinal REDCap project (written as REDCap writes it, two
    arms and a repeating event) imported with its records, record 101's month-3 visit
    entered from its grid, and the project downloaded again with that visit in it."""
    base = live_server.url
    study = study_at_two_named_sites(personas, "Lung screening follow-up", "study_id", "Study ID")
    # Record 101 has not been seen at month 3 yet: that visit is what the test enters.
    text = (FIXTURES / "longitudinal.xml").read_text(encoding="utf-8")
    start = text.index('<StudyEventData StudyEventOID="Event.month_3_arm_1"')
    end = text.index("</StudyEventData>", start) + len("</StudyEventData>")
    upload = tmp_path / "lung-screening.xml"
    upload.write_text(text[:start] + text[end:], encoding="utf-8")

    admin = as_person(browser, base, personas.committee)
    admin.goto(f"{base}/studies/{study.pk}/")
    admin.get_by_role("link", name="Import a REDCap project XML").click()
    admin.get_by_label("REDCap project XML").set_input_files(str(upload))
    admin.get_by_role("button", name="Preview").click()
    admin.get_by_text("2 arms, 4 events, 5 instrument designations").wait_for()
    admin.get_by_role("button", name="Import the project").click()
    admin.get_by_text("The REDCap project is imported with 2 records.").wait_for()

    admin.get_by_role("link", name="Records", exact=True).click()
    admin.get_by_role("link", name="101", exact=True).click()
    visit = admin.locator('#record-grid a[data-form="visit"][data-event="month_3_arm_1"]').first
    assert visit.inner_text() == "No data"
    visit.click()
    admin.get_by_label("Visit date").fill("2026-04-20")
    admin.get_by_label("Growth since the last scan").select_option(label="Grown")
    admin.get_by_label("Form status").select_option(label="Complete")
    admin.get_by_role("button", name="Save").click()
    admin.get_by_text("saved.").wait_for()
    admin.get_by_role("link", name="All visits and forms").click()
    visit = admin.locator('#record-grid a[data-form="visit"][data-event="month_3_arm_1"]').first
    assert visit.inner_text() == "Complete"

    admin.goto(f"{base}/studies/{study.pk}/")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download as REDCap project XML").click()
    saved = tmp_path / "project.xml"
    download.value.save_as(saved)
    again = read_project_xml(saved.read_bytes())
    assert [event.unique_name for event in again.events] == [
        "baseline_arm_1",
        "month_3_arm_1",
        "baseline_arm_2",
        "interval_scan_arm_2",
    ]
    month_3 = [
        row
        for row in again.records
        if row["study_id"] == "101" and row.get("redcap_event_name") == "month_3_arm_1"
    ]
    assert [(row["visit_date"], row["growth"], row["visit_complete"]) for row in month_3] == [
        ("2026-04-20", "1", "2")
    ]
