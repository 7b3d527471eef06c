"""Issue 8's journey in Chromium on the demo reader study: the statistician runs a paired
ROC analysis, reads the sentence and the figure, downloads the results, repeats the run
on the same data, meets a clear message for bad input, and runs a Bland-Altman analysis."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accounts.models import User
from core.testing.demo import demo_network
from core.testing.mfa import enable_totp
from network.demo import DEMO_DOMAIN
from stats.demo import TITLE
from stats.models import AnalysisRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_person(browser, base, person):
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_the_statistician_analyses_the_demo_reader_study(browser, live_server, tmp_path):
    demo_network()
    statistician = User.objects.get(email=f"statistician@{DEMO_DOMAIN}")
    enable_totp(statistician)
    base = live_server.url
    page = as_person(browser, base, statistician)

    page.goto(f"{base}/stats/")
    assert page.get_by_role("link", name="Statistics").get_attribute("aria-current") == "page"
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name="New analysis").wait_for()

    # A paired ROC analysis: the AI score against reader 2's confidence rating.
    page.get_by_label("ROC curve and AUC (DeLong)").check()
    page.get_by_label("Index test:", exact=True).select_option(
        label="AI haemorrhage score (0-100) (ai_score)"
    )
    page.get_by_label("Second test (paired DeLong):", exact=True).select_option(
        label="Reader 2: confidence that haemorrhage is present (r2_conf)"
    )
    page.get_by_label("Reference standard:", exact=True).select_option(
        label="Intracranial haemorrhage on the reference standard (ref_ich)"
    )
    page.get_by_role("button", name="Run the analysis").click()
    page.get_by_text("The AUC of AI haemorrhage score (0-100) (ai_score) was").wait_for()
    page.get_by_text("paired DeLong test").first.wait_for()
    page.get_by_text("Paired DeLong test (AI haemorrhage").wait_for()  # the table's caption
    figure = page.get_by_role("img", name="ROC curve: the numbers are in the tables above.")
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=figure.element_handle()
    )
    first = AnalysisRun.objects.get()
    assert first.result is not None
    assert first.snapshot is not None
    assert first.result["n"] == 60
    assert set(first.snapshot["sites"]) == {"STH", "MRI"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Results (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert ["analysis", "ROC curve and AUC (DeLong)"] in rows

    # The same data again: a new run with the same digest and the same numbers.
    page.get_by_role("button", name="Run again on the same data").click()
    page.get_by_text(f"repeats run #{first.pk} on the same data").first.wait_for()
    again = AnalysisRun.objects.exclude(pk=first.pk).get()
    assert again.snapshot_sha256 == first.snapshot_sha256
    assert again.result == first.result

    # Bad input: a score is not a yes/no index test; the message names field and records.
    page.goto(f"{base}/stats/studies/{first.study_id}/")
    page.get_by_label("Diagnostic accuracy").check()
    page.get_by_label("Index test:", exact=True).select_option(
        label="AI haemorrhage score (0-100) (ai_score)"
    )
    page.get_by_label("Reference standard:", exact=True).select_option(
        label="Intracranial haemorrhage on the reference standard (ref_ich)"
    )
    page.get_by_role("button", name="Run the analysis").click()
    page.get_by_text("The analysis could not run (Index test)").wait_for()
    page.get_by_text("is not binary").wait_for()
    page.get_by_role("link", name="Change the settings and run again").click()
    page.get_by_label("Or: index test positive at or above:").fill("50")
    page.get_by_role("button", name="Run the analysis").click()
    page.get_by_text("Sensitivity was").wait_for()

    # Bland-Altman between the two readers' measurements.
    page.goto(f"{base}/stats/studies/{first.study_id}/")
    page.get_by_label("Bland\u2013Altman agreement").check()
    page.get_by_label("Reader 1: frontal horn width (mm) (r1_fhw)").check()
    page.get_by_label("Reader 2: frontal horn width (mm) (r2_fhw)").check()
    page.get_by_role("button", name="Run the analysis").click()
    page.get_by_text("The limits of agreement (bias \u00b1 1.96 SD) were").wait_for()
    page.get_by_role(
        "img", name="Bland\u2013Altman plot: the numbers are in the tables above."
    ).wait_for()

    page.goto(f"{base}/stats/studies/{first.study_id}/")
    history = page.get_by_role("table")
    assert history.get_by_role("row").count() == 1 + AnalysisRun.objects.count()
    page.context.close()  # no request of this page outlives the live server
