"""The entry form in Chromium against the server: a calculation that reads another form
shows the value the server saved (issue 13, item 9), and the form keeps its status and
shows the record id, not a box for it, when a value out of range is to be confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from capture import services
from capture.demo import DICTIONARY
from capture.models import Entry
from core.testing.mfa import enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def audit_record(personas):
    """The demo audit's dictionary, one record at site A with both forms saved."""
    study, _ = services.study_create(
        actor=personas.committee,
        title="CT head turnaround",
        dictionary_csv=DICTIONARY.read_text(encoding="utf-8"),
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="STH"
    )
    services.study_go_live(actor=personas.committee, study=study)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site,
    )
    enable_totp(personas.trainee)
    record = services.record_create(actor=personas.trainee, study=study, study_site=site)
    requested = timezone.now().replace(second=0, microsecond=0) - timedelta(days=2)
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"request_time": f"{requested:%Y-%m-%d %H:%M}", "gcs": "14"},
        status=Entry.Status.COMPLETE,
    )
    reported = requested + timedelta(minutes=168)
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="reporting",
        values={"findings": ["1"], "report_time": f"{reported:%Y-%m-%d %H:%M}"},
        status=Entry.Status.COMPLETE,
    )
    return study, record


def signed_in_page(browser, base, person):
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_a_calculation_that_reads_another_form_keeps_the_saved_value(
    browser, live_server, personas, audit_record
):
    study, record = audit_record
    saved = Entry.objects.get(record=record, instrument="reporting").data
    assert (saved["tat_hours"], saved["within_1h"]) == ("2.8", "0")
    page = signed_in_page(browser, live_server.url, personas.trainee)
    page.goto(f"{live_server.url}/studies/{study.pk}/records/{record.pk}/forms/reporting/")
    page.wait_for_load_state("load")  # logic.js is deferred: it has run once the page loads
    assert page.get_by_label("Request to report (hours) (calculated)").input_value() == "2.8"
    hour = page.get_by_label("Reported within 1 hour (1 = yes) (calculated)")
    assert hour.input_value() == "0"

    report = page.get_by_label("Report verified")
    report.fill(report.input_value()[:11] + "00:00")  # before the request: no longer 2.8
    assert page.get_by_label("Request to report (hours) (calculated)").input_value() != "2.8"


def test_the_status_survives_a_warning_and_the_record_id_is_shown(
    browser, live_server, personas, audit_record
):
    study, record = audit_record
    page = signed_in_page(browser, live_server.url, personas.trainee)
    page.goto(f"{live_server.url}/studies/{study.pk}/records/{record.pk}/forms/baseline/")
    assert page.locator("[name=record_id]").count() == 0
    assert page.locator('[data-field="record_id"]').inner_text().startswith("Record ID STH-1")

    page.get_by_label("Form status").select_option(label="Unverified")
    page.get_by_label("Glasgow Coma Scale at request").fill("20")
    page.get_by_label("Reason for the change").fill("Checked the notes")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Some values are outside their expected range").wait_for()
    assert page.get_by_label("Form status").input_value() == "1"
    assert page.get_by_label("Reason for the change").input_value() == "Checked the notes"

    page.get_by_label("I have checked the values outside their range").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("STH-1 baseline saved.").wait_for()
    saved = Entry.objects.get(record=record, instrument="baseline")
    assert (saved.status, saved.data["gcs"]) == (Entry.Status.UNVERIFIED, "20")
