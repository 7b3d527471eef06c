"""Issue 3's journey in Chromium: find a nearby neuroradiology mentor who answers, write, accept."""

from __future__ import annotations

import re
import time

import pytest

from core.testing.demo import demo_network
from mentors.models import ContactRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill("radcollab-demo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()


def test_a_trainee_finds_a_quick_neuroradiology_mentor_nearby_and_is_accepted(browser, live_server):
    demo_network()
    base = live_server.url
    trainee = browser.new_context(viewport={"width": 1280, "height": 900})
    page = trainee.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")

    started = time.perf_counter()
    page.get_by_role("link", name="Mentors", exact=True).click()
    page.get_by_label("Subspecialty").select_option(label="Neuroradiology")
    page.get_by_label("Within:", exact=True).select_option(label="50 km")
    page.get_by_label("Taking trainees").check()
    page.get_by_label("Answers within 14 days").check()
    # htmx swaps the results and puts every filter in the address once the last one lands.
    page.wait_for_url(lambda url: "within_km=50" in url and "quick_reply=on" in url)
    results = page.locator("#results")
    results.get_by_role("link", name="Dr Helen Marsh").wait_for()
    assert "subspecialty=" in page.url, "the search lives in the URL"
    results.get_by_role("link", name="Dr Helen Marsh").click()
    page.get_by_role("link", name="Write to Dr Helen Marsh").click()
    page.get_by_label("Who I am").fill(
        "ST3 on the London South scheme, keen on neuro MRI. I would like to learn how a "
        "diagnostic-accuracy study runs from protocol to paper, with your group."
    )
    page.get_by_label("What I read of your work").fill("Your DWI study in stroke mimics.")
    page.get_by_label("What I can offer").fill("Four hours a week, Python, data collection.")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Request sent to Dr Helen Marsh").wait_for()
    elapsed = time.perf_counter() - started
    print(f"\nfrom the directory to a sent request: {elapsed:.1f} s of browser time")

    mentor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mentor_page = mentor.new_page()
    sign_in(mentor_page, base, "mentor@demo.radcollab.org")
    mentor_page.goto(f"{base}/mentors/requests/")
    mentor_page.get_by_role("link", name="Dr Amara Okafor").click()
    mentor_page.get_by_label("Reply").fill("Happy to help: let's meet on Tuesday.")
    mentor_page.get_by_role("button", name="Accept").click()
    mentor_page.get_by_text("Done: the other side has been emailed.").wait_for()

    sent = ContactRequest.objects.get(trainee__email="trainee@demo.radcollab.org")
    assert sent.state == ContactRequest.State.ACCEPTED
    assert sent.replied_at is not None
    trainee.close()
    mentor.close()


def test_a_trainee_confirms_before_withdrawing_and_a_mentor_before_declining(browser, live_server):
    """Withdraw and decline end a request for good, so each asks first: no JavaScript."""
    demo_network()
    base = live_server.url
    trainee = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = trainee.new_page()
    sign_in(page, base, "trainee@demo.radcollab.org")
    page.goto(f"{base}/mentors/{mentor_id('mentor@demo.radcollab.org')}/contact/")
    page.get_by_label("Who I am").fill("Keen on neuro MRI.")
    page.get_by_label("What I read of your work").fill("Your DWI study in stroke mimics.")
    page.get_by_label("What I can offer").fill("Four hours a week, Python, data collection.")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Write at least 20 words here (you wrote 4)").wait_for()
    page.get_by_label("Who I am").fill(
        "ST3 on the London South scheme, keen on neuro MRI. I would like to learn how a "
        "diagnostic-accuracy study runs from protocol to paper, with your group."
    )
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Request sent to Dr Helen Marsh").wait_for()
    page.get_by_role("button", name="Withdraw my request").click()
    page.get_by_role("heading", name="Withdraw your request?").wait_for()
    page.get_by_role("link", name="No, go back").click()
    sent = ContactRequest.objects.get(trainee__email="trainee@demo.radcollab.org")
    assert sent.state == ContactRequest.State.PENDING
    page.get_by_role("button", name="Withdraw my request").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    page.get_by_text("Done: the other side has been emailed.").wait_for()
    sent.refresh_from_db()
    assert sent.state == ContactRequest.State.WITHDRAWN

    mentor = browser.new_context(viewport={"width": 1280, "height": 900})
    mentor_page = mentor.new_page()
    sign_in(mentor_page, base, "mentor@demo.radcollab.org")
    panel = mentor_page.locator("article", has=mentor_page.get_by_role("heading", name="Mentoring"))
    panel.get_by_text("2 requests waiting for your reply").wait_for()
    panel.locator(".waiting-requests a").first.click()
    mentor_page.get_by_label("Reply").fill("My list is full this term; try Dr Lin.")
    mentor_page.get_by_role("button", name="Decline").click()
    mentor_page.get_by_role("heading", name="Decline this request?").wait_for()
    assert mentor_page.get_by_label("Reply to").input_value().startswith("My list is full")
    mentor_page.get_by_role("button", name="Yes, decline").click()
    mentor_page.get_by_text("Done: the other side has been emailed.").wait_for()
    declined = ContactRequest.objects.filter(
        mentor__email="mentor@demo.radcollab.org", state=ContactRequest.State.DECLINED
    ).latest("replied_at")
    assert declined.reply == "My list is full this term; try Dr Lin."
    trainee.close()
    mentor.close()


def mentor_id(email: str) -> int:
    from accounts.models import User

    return User.objects.get(email=email).pk
