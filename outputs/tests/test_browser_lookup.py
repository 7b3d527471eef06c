"""Issue 17 item 6 in Chromium: a trainee adds outputs by DOI and ORCID iD (recorded
answers, no network), watches the look-up finish and confirms the preview, on a phone."""

from __future__ import annotations

import re

import pytest

from core.testing.demo import demo_network
from outputs import lookup
from outputs.models import Output, OutputImport
from outputs.tests.test_browser_journey import sign_in
from outputs.tests.test_lookup import FakeNetwork

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trainee_adds_outputs_by_identifier_and_confirms_the_preview(
    browser, live_server, monkeypatch, settings
):
    # First, with the settings every test has: the first call in a process seeds the copy
    # that the process's other tests start from (queued tasks would be in it).
    demo_network()
    # Queued for a worker (as in production), so that the page shows progress first.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(lookup, "fetch", FakeNetwork())
    monkeypatch.setattr(lookup, "sleep", lambda seconds: None)
    before = Output.objects.count()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server.url, "trainee@demo.radcollab.org")
    page.goto(f"{live_server.url}/outputs/import/")

    field = page.get_by_label("DOIs, PMIDs or ORCID iDs")
    field.fill("0000-0002-1825-0098")
    page.get_by_role("button", name="Look them up").click()
    page.get_by_text(re.compile("looks like an ORCID iD but its last character")).wait_for()
    assert not OutputImport.objects.exists()

    page.get_by_label("DOIs, PMIDs or ORCID iDs").fill(
        "10.1101/2023.01.15.23284567\n10.9999/missing\nhttps://orcid.org/0000-0002-1825-0097"
    )
    page.get_by_role("button", name="Look them up").click()
    page.get_by_text(re.compile(r"0 of 3 done")).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    lookup.lookup_run(OutputImport.objects.get().pk)  # the task worker's part
    page.get_by_role("heading", name="Import preview").wait_for(timeout=10_000)
    new = page.get_by_role("region", name="New (4)")
    assert new.get_by_text("Reporting turnaround in trainee-led on-call radiology").is_visible()
    assert new.get_by_text("Reading room ergonomics: a poster").is_visible()
    notes = page.get_by_role("region", name="Not found or not kept (1)")
    assert notes.get_by_text("DOI 10.9999/missing: not found at Crossref").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name=re.compile("^Import the ticked entries")).click()
    page.get_by_text(re.compile(r"^Imported: \d+ new")).wait_for()
    assert Output.objects.count() > before
    assert Output.objects.filter(doi="10.1101/2023.01.15.23284567", kind="preprint").exists()
    context.close()
