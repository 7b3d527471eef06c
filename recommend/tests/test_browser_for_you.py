"""Issue 18's "for you" journey in Chromium: a trainee sees a project and a funding call,
each with its reasons, turns the project down, and it stays gone after a reload."""

from __future__ import annotations

import pytest
from django.test import Client

from people.services import taxonomy_seed
from recommend.models import Dismissal
from recommend.services import recommendations_refresh
from recommend.tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_person(browser, base, person, *, phone=False):
    client = Client()
    client.force_login(person)
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, is_mobile=phone)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_a_trainee_sees_reasons_and_turns_a_project_down_for_good(browser, live_server, personas):
    # A transactional test starts from a flushed database: seed the shipped taxonomy.
    taxonomy_seed()
    world = build_world(personas)
    recommendations_refresh(person_id=world.trainee.pk)  # what the nightly task stores
    base = live_server.url

    page = as_person(browser, base, world.trainee)
    page.goto(f"{base}/dashboard/")
    page.get_by_role("link", name="For you", exact=True).first.click()
    page.get_by_role("heading", name="For you", level=1).wait_for()

    project = page.locator("article.suggestion", has_text=world.project.title)
    project.get_by_text("Fits your hours: a role needs 2 h a week; you have 4").wait_for()
    project.get_by_text("Shared interests: Diagnostic accuracy, MRI, Neuroradiology").wait_for()
    call = page.locator("article.suggestion", has_text=world.funding.title)
    call.get_by_text("You are eligible: Grades ST1 to ST6; you are ST3").wait_for()

    project.get_by_role("button", name="Not for me").click()
    page.get_by_text(f"Removed “{world.project.title}”").wait_for()
    page.reload()
    page.get_by_role("heading", name="For you", level=1).wait_for()
    assert page.locator("article.suggestion", has_text=world.project.title).count() == 0
    assert page.locator("article.suggestion", has_text=world.funding.title).count() == 1
    assert Dismissal.objects.filter(person=world.trainee).count() == 1

    phone = as_person(browser, base, world.trainee, phone=True)
    phone.goto(f"{base}/for-you/")
    phone.get_by_role("heading", name="For you", level=1).wait_for()
    phone.locator("article.suggestion", has_text=world.funding.title).wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"


def test_for_you_fits_a_phone_and_passes_axe_for_every_persona(browser, live_server, personas):
    """The shell test's checks (no sideways scroll, axe) on /for-you/ for each persona."""
    from core.tests.test_browser_shell import PHONE, Place, check_page, open_as

    taxonomy_seed()
    world = build_world(personas)
    recommendations_refresh(person_id=world.trainee.pk)
    base = live_server.url
    failures: list[str] = []
    seen: set[str] = set()
    for who in ("trainee", "mentor", "site_lead_a", "pending", "outsider"):
        page = open_as(browser, base, personas.people[who], PHONE)
        failures += check_page(page, base, who, Place("for you", "/for-you/"), seen)
        page.context.close()
    assert not failures, "\n".join(failures)
