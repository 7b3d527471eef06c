"""The form builder in Chromium: reorder with htmx, rename a field of a live study, preview
the impact and apply it, with the value carried over."""

from __future__ import annotations

import pytest

from capture import services
from capture.models import Entry
from capture.tests.factories import make_study
from capture.tests.test_browser_journey import as_person
from core.testing.mfa import enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_renames_a_field_of_a_live_study_and_keeps_its_data(
    browser, live_server, personas
):
    base = live_server.url
    enable_totp(personas.committee)
    study, site_a, _ = make_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", values={"age": "57"}
    )

    admin = as_person(browser, base, personas.committee)
    admin.goto(f"{base}/studies/{study.pk}/")
    admin.get_by_role("link", name="Edit the data dictionary").click()
    admin.get_by_role("heading", name="baseline").wait_for()

    # Reordering redraws the list in place (htmx) and goes into a proposed version.
    rows = admin.locator("#instrument-baseline + table tbody tr td:first-child code")
    assert rows.all_inner_texts().index("comment") == 4
    admin.get_by_role("button", name="Move comment up").click()
    admin.get_by_text("comment: up in proposed version 2").wait_for()
    assert rows.all_inner_texts().index("comment") == 3

    admin.get_by_role("link", name="Edit age").click()
    admin.get_by_label("Variable name").fill("age_years")
    admin.get_by_role("button", name="Save the field").click()
    admin.get_by_text("age_years saved in proposed version 2").wait_for()
    admin.get_by_role("link", name="Preview its impact on the data and apply it").click()
    admin.get_by_text("1 value carried over").wait_for()
    admin.get_by_role("button", name="Apply version 2").click()
    admin.get_by_text("Version 2 is applied.").wait_for()

    assert services.current_dictionary(study).field("age_years") is not None
    assert Entry.objects.get(record=record, instrument="baseline").data["age_years"] == "57"
