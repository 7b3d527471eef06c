"""A site lead makes a study token on the page and hands it to a PyCap script unchanged."""

from __future__ import annotations

import pytest
from redcap import Project
from redcap.request import _session as pycap_session

from capture.tests.test_browser_journey import as_person
from capture.tests.test_redcap_api import world  # noqa: F401 - the same study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_site_lead_gives_a_pycap_script_a_study_token(browser, live_server, personas, world):  # noqa: F811
    base = live_server.url
    study = world[0]
    page = as_person(browser, base, personas.site_lead_a)
    page.goto(f"{base}/studies/{study.pk}/tokens/")
    address = page.get_by_test_id("redcap-url").inner_text()
    assert address == f"{base}/redcap/api/"
    page.get_by_label("Name").fill("R and Python scripts")
    page.get_by_role("button", name="Create study token").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()

    project = Project(address, secret)
    rows = project.export_records(fields=["age"])
    assert [r["record_id"] for r in rows] == ["AAA-1"]
    assert project.import_records([{"record_id": "AAA-2", "age": "44"}]) == {"count": 1}
    assert [r["age"] for r in project.export_records(records=["AAA-2"], fields=["age"])] == ["44"]
    pycap_session.close()  # no keep-alive connection outlives the test
