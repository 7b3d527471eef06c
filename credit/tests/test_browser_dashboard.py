"""The network dashboard in a browser on the demo network: the committee reads
engagement by region (chart and table), switches the public summary on, and anyone
then reads it; both pages fit a phone's 390 px."""

from __future__ import annotations

import pytest

from accounts.models import User
from core.testing.demo import demo_network
from core.testing.mfa import enable_totp
from credit.tests.test_browser_journey import fits, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_committee_reads_engagement_by_region_and_publishes_the_summary(browser, live_server):
    demo_network()
    base = live_server.url
    person = User.objects.get(email="committee@demo.radcollab.org")
    enable_totp(person)
    committee = signed_in(browser, base, person, 390)
    committee.goto(f"{base}/credit/")
    committee.get_by_role("link", name="Network dashboard").click()
    committee.get_by_role("heading", name="1. Engagement in audit and research").wait_for()
    assert committee.get_by_role("img", name="Members by region: Trainees").is_visible()
    assert fits(committee)
    committee.get_by_text("The figures as a table").first.click()
    assert committee.get_by_role("columnheader", name="Trainees").first.is_visible()
    assert fits(committee)

    anonymous = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    assert anonymous.goto(f"{base}/credit/summary/").status == 404
    committee.get_by_label("Show the public summary", exact=False).check()
    committee.get_by_role("button", name="Save").click()
    committee.get_by_text("The public summary is on.").wait_for()
    assert anonymous.goto(f"{base}/credit/summary/").status == 200
    anonymous.get_by_role("heading", name="Members by region").wait_for()
    assert fits(anonymous)


def test_a_site_lead_records_a_portfolio_study_and_its_month_on_a_phone(browser, live_server):
    demo_network()
    base = live_server.url
    person = User.objects.get(email="sitelead.a@demo.radcollab.org")
    enable_totp(person)
    page = signed_in(browser, base, person, 390)
    page.goto(f"{base}/credit/")
    page.get_by_role("link", name="Portfolio studies").click()
    page.get_by_role("link", name="Record a study").click()
    page.get_by_label("Study title").fill("SPINE-MR: cauda equina pathway")
    page.get_by_label("This site's recruitment target").fill("0")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("greater than or equal to 1").wait_for()
    page.get_by_label("This site's recruitment target").fill("25")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Study recorded.").wait_for()
    page.get_by_role("textbox", name="Month").fill("2026-01")
    page.get_by_label("Participants recruited that month").fill("6")
    page.get_by_role("button", name="Record the month").click()
    page.get_by_text("Recruitment recorded.").wait_for()
    assert page.get_by_text("of a target of").is_visible()
    assert "6" in page.locator("p", has_text="of a target of").inner_text()
    assert fits(page)
