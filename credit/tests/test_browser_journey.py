"""The committee's journey in a browser, on the demo's closed study (docs/credit.md).

The committee regroups the list by country, the demo trainee confirms their name
(correcting it and adding an ORCID iD) from their confirmation page, the committee
locks the list and downloads the manuscript appendix, which the test opens to find
the groups and the corrected name. The pages also fit a phone's 390 px.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client

from accounts.models import User
from capture.models import Study
from core.testing.demo import demo_network
from core.testing.mfa import enable_totp
from credit.demo import TITLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, base: str, person: User, width: int = 1280):
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_committee_sets_rules_a_collaborator_confirms_and_the_list_is_locked_and_exported(
    browser, live_server
):
    from docx import Document

    demo_network()
    base = live_server.url
    study = Study.objects.get(title=TITLE)
    committee_person = User.objects.get(email="committee@demo.radcollab.org")
    enable_totp(committee_person)
    committee = signed_in(browser, base, committee_person)

    committee.goto(f"{base}/credit/studies/{study.pk}/")
    committee.get_by_role("link", name="Change the rules").click()
    committee.get_by_label("Group the list").select_option(label="By country")
    committee.get_by_role("button", name="Save the rules").click()
    committee.get_by_text("Authorship rules saved").wait_for()
    assert committee.get_by_role("heading", name="United States").is_visible()

    trainee = signed_in(browser, base, User.objects.get(email="trainee@demo.radcollab.org"), 390)
    trainee.goto(f"{base}/dashboard/confirm/")
    trainee.get_by_role("link", name="RadCollab CT Head Collaborative", exact=False).click()
    # Wait for the confirmation page: measuring while it loads finds no document.
    trainee.get_by_label("Given names").wait_for()
    assert fits(trainee)
    trainee.get_by_label("Given names").fill("Amara N.")
    trainee.get_by_label("ORCID iD").fill("0000-0002-1825-0098")
    trainee.get_by_role("button", name="Confirm my name").click()
    trainee.get_by_text("last character does not match").wait_for()
    trainee.get_by_label("ORCID iD").fill("0000-0002-1825-0097")
    trainee.get_by_role("button", name="Confirm my name").click()
    trainee.get_by_text("your name is confirmed").wait_for()
    assert fits(trainee)

    committee.reload()
    committee.get_by_text("Lock the list for submission…").click()
    committee.get_by_role("button", name="Lock the list").click()
    committee.get_by_text("Locked for submission on").wait_for()
    with committee.expect_download() as download:
        committee.get_by_role("link", name="manuscript appendix (DOCX)").click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert "United Kingdom" in texts
    assert "United States" in texts
    assert any(text.startswith("Amara N. Okafor") for text in texts)

    trainee.goto(f"{base}/credit/studies/{study.pk}/")
    trainee.get_by_role("heading", name="The published list").wait_for()
    assert trainee.get_by_text("Amara N. Okafor").count() >= 1
    assert fits(trainee)
