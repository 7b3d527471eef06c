"""A longitudinal record in Chromium: the grid of visits and forms, a follow-up entered,
its status colour changing, and a CSV export with redcap_event_name."""

from __future__ import annotations

import csv
import io

import pytest

from capture import services
from capture.models import Event
from capture.tests.longitudinal_study import make_longitudinal_study
from capture.tests.test_browser_journey import as_person
from core.testing.mfa import enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREY, YELLOW = "rgb(199, 199, 199)", "rgb(242, 194, 0)"


def circle(page, form, event):
    link = page.locator(f'#record-grid a[data-form="{form}"][data-event="{event}"]').first
    colour = link.evaluate("a => getComputedStyle(a, '::before').backgroundColor")
    return link, colour


def test_a_follow_up_visit_from_the_grid_to_the_export(browser, live_server, personas, tmp_path):
    base = live_server.url
    study, site_a, _ = make_longitudinal_study(personas)
    enable_totp(personas.committee)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline",
        event=Event.objects.get(study=study, unique_name="baseline_arm_1"),
        values={"age": "61"}, status=2,
    )  # fmt: skip
    page = as_person(browser, base, personas.committee)

    page.goto(f"{base}/studies/{study.pk}/records/")
    page.get_by_role("link", name=record.label).click()
    page.get_by_role("columnheader", name="6-week follow-up").wait_for()
    link, colour = circle(page, "reading", "week_6_arm_1")
    assert colour == GREY
    assert link.inner_text() == "No data"
    _, done = circle(page, "baseline", "baseline_arm_1")
    assert done == "rgb(46, 158, 68)"

    link.click()
    page.get_by_role("heading", name=f"{record.label} reading at 6-week follow-up").wait_for()
    page.get_by_label("Lesions").fill("3")
    page.get_by_label("Form status").select_option(label="Unverified")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("saved.").wait_for()

    page.get_by_role("link", name="All visits and forms").click()
    link, colour = circle(page, "reading", "week_6_arm_1")
    assert colour == YELLOW
    assert link.inner_text() == "Unverified"

    page.goto(f"{base}/studies/{study.pk}/exports/")
    page.get_by_label("Format").select_option(label="CSV")
    page.get_by_role("button", name="Export").click()
    page.get_by_text("Export queued").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert list(rows[0])[:2] == ["record_id", "redcap_event_name"]
    assert [(r["redcap_event_name"], r["lesions"]) for r in rows] == [
        ("baseline_arm_1", ""),
        ("week_6_arm_1", "3"),
    ]
