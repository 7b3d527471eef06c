"""Issue 7's journey in Chromium: a study from a dictionary, entry with branching at one
site, invisible at the other, a query answered, a signed lock, and exports read back."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD
from capture.models import Record, Study
from capture.tests.factories import STUDY_CSV
from core.testing.mfa import enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_person(browser, base, person):
    """A browser context signed in as `person` (sign-in itself is tested in accounts)."""
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_a_multi_centre_study_from_dictionary_to_export(browser, live_server, personas, tmp_path):
    base = live_server.url
    for person in personas.people.values():
        enable_totp(person)
    dictionary = tmp_path / "dictionary.csv"
    dictionary.write_text(STUDY_CSV, encoding="utf-8")

    # The study admin (the committee member) imports the dictionary and adds two sites.
    admin = as_person(browser, base, personas.committee)
    admin.goto(f"{base}/studies/")
    admin.get_by_role("link", name="New study from a data dictionary").click()
    admin.get_by_label("Title").fill("CT head audit")
    admin.get_by_label("Data dictionary (REDCap CSV)").set_input_files(str(dictionary))
    admin.get_by_role("button", name="Create the study").click()
    admin.get_by_role("heading", name="CT head audit").wait_for()
    study = Study.objects.get()
    for site, code in ((personas.site_a, "AAA"), (personas.site_b, "BBB")):
        admin.get_by_label("Site:", exact=True).select_option(label=site.name)
        admin.get_by_label("Code").fill(code)
        admin.get_by_role("button", name="Add site").click()
        admin.get_by_text("Saved.").wait_for()
    for who, role, site in [
        ("trainee", "Collaborator", "AAA"),
        ("outsider", "Collaborator", "BBB"),
        ("mentor", "Validator", "AAA"),
        ("site_lead_a", "Site lead", "AAA"),
        ("statistician", "Statistician", None),
    ]:
        admin.get_by_label("Person's email").fill(personas.people[who].email)
        admin.get_by_label("Role:", exact=True).select_option(label=role)
        admin.get_by_label("At site:", exact=True).select_option(
            label=next(str(s) for s in study.study_sites.all() if s.code == site)
            if site
            else "---------"
        )
        admin.get_by_role("button", name="Give role").click()
        admin.get_by_text("Saved.").wait_for()
    admin.get_by_role("button", name="Take the study live").click()
    admin.get_by_text("(Live)").wait_for()

    # A collaborator at site A enters a record and sees branching act.
    entry = as_person(browser, base, personas.trainee)
    entry.goto(f"{base}/studies/{study.pk}/records/")
    entry.get_by_role("button", name="New record").click()
    entry.get_by_role("heading", name="AAA-1").wait_for()
    mri_question = entry.locator('[data-field="mri_field"]')
    mri_question.wait_for(state="hidden")  # logic.js runs once the deferred script loads
    entry.get_by_label("MRI", exact=True).check()
    mri_question.wait_for(state="visible")
    entry.get_by_label("3 T").check()
    entry.get_by_label("Age (years)").fill("57")
    entry.get_by_role("button", name="Save").click()
    entry.get_by_text("AAA-1 baseline saved.").wait_for()
    record = Record.objects.get()

    # A collaborator at site B can neither find it nor open it.
    other = as_person(browser, base, personas.outsider)
    other.goto(f"{base}/studies/{study.pk}/records/?q=AAA")
    other.get_by_text("No records.").wait_for()
    response = other.goto(f"{base}/studies/{study.pk}/records/{record.pk}/forms/baseline/")
    assert response.status == 404

    # The validator raises a query; site A answers it.
    validator = as_person(browser, base, personas.mentor)
    validator.goto(f"{base}/studies/{study.pk}/records/{record.pk}/forms/baseline/")
    validator.get_by_label("Field").select_option("age")
    validator.get_by_label("Query").fill("Age 57 but the request says 75?")
    validator.get_by_role("button", name="Raise query").click()
    validator.get_by_text("Query raised").wait_for()
    entry.goto(f"{base}/studies/{study.pk}/queries/")
    entry.get_by_role("link", name="AAA-1").click()
    entry.get_by_label("Answer").fill("Checked the request: 57 is right.")
    entry.get_by_role("button", name="Answer").click()
    entry.get_by_text("Answered").wait_for()

    # The site lead locks the record with a signature.
    lead = as_person(browser, base, personas.site_lead_a)
    lead.goto(f"{base}/studies/{study.pk}/records/{record.pk}/forms/baseline/")
    lead.get_by_label("Password").fill(PASSWORD)
    lead.get_by_role("button", name="Lock the record").click()
    lead.get_by_text("AAA-1 is locked and signed.").wait_for()

    # The statistician exports labels to CSV and SPSS, and both read back.
    stats = as_person(browser, base, personas.statistician)
    stats.goto(f"{base}/studies/{study.pk}/exports/")
    files = {}
    for label in ("CSV", "SPSS (.sav)"):
        stats.get_by_label("Format").select_option(label=label)
        stats.get_by_label("Labels instead of raw codes").check()
        stats.get_by_role("button", name="Export").click()
        stats.get_by_text("Export queued").wait_for()
        with stats.expect_download() as download:
            stats.get_by_role("link", name="Download").first.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        files[label] = path
    rows = list(csv.DictReader(io.StringIO(files["CSV"].read_text(encoding="utf-8-sig"))))
    assert rows[0]["record_id"] == "AAA-1"
    assert rows[0]["mri_field"] == "3 T"
    frame, meta = pyreadstat.read_sav(str(files["SPSS (.sav)"]))
    assert frame["record_id"].tolist() == ["AAA-1"]
    assert meta.variable_value_labels["mri_field"][2.0] == "3 T"
