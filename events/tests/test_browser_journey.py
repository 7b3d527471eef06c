"""Issue 6's “Done when” in Chromium: a trainee follows RSNA, plans a project back from its
abstract deadline, subscribes to the feed (parsed with icalendar: milestones in UTC), sees
the funding calls she is eligible for, and reads a glossary tooltip."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request

import icalendar
import pytest

from core.testing.demo import demo_network
from events.demo import TRAINEE_PROJECT
from events.models import Follow, ProjectTarget
from projects.models import Milestone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill("radcollab-demo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()


def test_a_trainee_plans_an_rsna_abstract_and_subscribes_to_the_feed(page, live_server):
    demo_network()
    base = live_server.url
    sign_in(page, base, "trainee@demo.radcollab.org")

    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_role("link", name="RSNA", exact=True).click()
    page.get_by_role("button", name="Follow RSNA").click()
    page.get_by_text("You follow RSNA").wait_for()
    assert Follow.objects.filter(
        person__email="trainee@demo.radcollab.org", conference__slug="rsna"
    ).exists()
    assert page.get_by_text("Estimate, not yet published").first.is_visible()

    page.get_by_role(
        "link", name=re.compile(r"Plan “Incidental thyroid nodules.*” for RSNA 2027")
    ).click()
    page.get_by_role("heading", name="Proposed milestones").wait_for()
    assert page.get_by_role("cell", name="Abstract submitted").is_visible()
    page.get_by_role("button", name="Accept the plan and add the milestones").click()
    page.get_by_text("The plan's milestones are in the project workspace.").wait_for()
    target = ProjectTarget.objects.get(project__title=TRAINEE_PROJECT)
    milestones = Milestone.objects.filter(project=target.project, plan_step__isnull=False)
    assert milestones.count() == 5

    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_role("link", name="Feeds and reminders").click()
    page.get_by_role("button", name="Make my feed address").click()
    webcal = page.get_by_role("link", name="Subscribe in my calendar app").get_attribute("href")
    assert webcal.startswith("webcal://")
    feed_url = "http://" + webcal.removeprefix("webcal://")
    with urllib.request.urlopen(feed_url) as response:
        calendar = icalendar.Calendar.from_ical(response.read())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    for milestone in milestones:
        event = events[f"milestone-{milestone.pk}@radcollab"]
        start = event.decoded("DTSTART")
        assert start.utcoffset() == dt.timedelta(0), "milestones are written in UTC"
        assert start.astimezone(dt.UTC).date() == milestone.due_on
    rsna = [
        e for e in events.values() if str(e["SUMMARY"]).startswith("Abstract submission: RSNA 2027")
    ]
    assert rsna
    assert "(estimate)" in str(rsna[0]["SUMMARY"])

    page.get_by_role("link", name="Opportunities", exact=True).click()
    page.get_by_label("Eligible for me").check()
    page.wait_for_url(lambda url: "eligible=on" in url)
    results = page.locator("#results")
    results.get_by_role("link", name="Network pump-priming grant (demo)").wait_for()
    assert results.get_by_text("Eligible for you").first.is_visible()
    assert (
        results.get_by_role(
            "link", name="Academic neuroradiology research fellowship (demo)"
        ).count()
        == 0
    )

    term = page.locator(".glossary-term").first
    term.focus()
    tip = page.locator("#" + term.get_attribute("aria-describedby"))
    assert tip.get_attribute("role") == "tooltip"
    assert tip.bounding_box()["width"] > 50, "the explanation shows on keyboard focus"
