"""Issue 18's committee journey in Chromium: open a round of 30 mentees and 12 mentors,
run the match, forbid a pair, rerun, publish; a mentee sees why and accepts."""

from __future__ import annotations

import pytest
from django.test import Client

from core.testing.mfa import enable_totp
from matching.models import Decision, Match, Round, Scheme
from matching.tests.factories import add_mentee, add_mentor
from people.services import taxonomy_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUBSPECIALTIES = ["Neuroradiology", "Breast", "Cardiac", "Musculoskeletal", "Paediatric"]


def as_person(browser, base, person, *, phone=False):
    client = Client()
    client.force_login(person)
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, is_mobile=phone)
    context.set_default_timeout(60_000)  # a loaded CI machine is slow to start
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_the_committee_matches_a_round_and_a_mentee_accepts(browser, live_server, personas):
    # A transactional test starts from a flushed database: the shipped taxonomy (a data
    # migration) is gone if another such test ran first on this worker.
    taxonomy_seed()
    base = live_server.url
    enable_totp(personas.committee)
    Scheme.objects.create(name="Network mentoring", summary="A year with a research mentor.")

    committee = as_person(browser, base, personas.committee)
    committee.goto(f"{base}/mentoring/")
    committee.get_by_role("link", name="open a new round").click()
    committee.get_by_label("Name").fill("Spring round")
    committee.get_by_role("button", name="Save").click()
    committee.get_by_text("is open for sign-up").wait_for()

    round_ = Round.objects.get()
    for i in range(12):
        add_mentor(round_, capacity=2 + i % 3, interests=[SUBSPECIALTIES[i % 5], "MRI"])
    for i in range(29):
        add_mentee(round_, interests=[SUBSPECIALTIES[(i * 2) % 5]])
    personas.trainee.full_name = "Tess Trainee"
    personas.trainee.save(update_fields=["full_name"])

    # The 30th mentee answers the call on a phone.
    mentee = as_person(browser, base, personas.trainee, phone=True)
    mentee.goto(committee.url)
    mentee.get_by_role("button", name="Ask for a mentor").click()
    mentee.get_by_label("Publish a first paper").check()
    mentee.get_by_label("What you hope to get from a mentor").fill("A first paper in neuro MRI.")
    mentee.get_by_label("Neuroradiology").check()
    mentee.get_by_role("button", name="Save my answer").click()
    mentee.get_by_text("your answer to the call for mentees is saved").wait_for()
    assert mentee.evaluate("document.documentElement.scrollWidth") <= 390

    committee.reload()
    committee.get_by_text("30 mentees, 12 mentors").wait_for()
    committee.get_by_role("button", name="Run the match").click()
    committee.get_by_text("Draft match run: 30 pairs, 0 left out.").wait_for()
    first = Match.objects.order_by("-score", "pk").first()
    assert first is not None
    forbidden = (first.request_id, first.offer_id)
    label = f"Forbid {first.request.mentee} with {first.offer.mentor}"
    committee.get_by_role("button", name=label).click()
    committee.get_by_text("Rerun the match to see it").wait_for()
    committee.get_by_role("button", name="Rerun the match").click()
    committee.get_by_text("Draft match run").wait_for()
    assert not Match.objects.filter(request_id=forbidden[0], offer_id=forbidden[1]).exists()
    assert Decision.objects.get().kind == "forbid"
    committee.get_by_role("button", name="Publish and email everyone").click()
    committee.get_by_text("Published: every mentee and mentor has been emailed.").wait_for()

    mentee.reload()
    mentee.get_by_role("link", name="See why and accept").click()
    mentee.get_by_role("heading", name="Why this mentor").wait_for()
    mentee.get_by_text("Shared subspecialties").wait_for()
    assert mentee.evaluate("document.documentElement.scrollWidth") <= 390
    mentee.get_by_role("button", name="as my mentor").click()
    mentee.get_by_text("as your mentor.").wait_for()
    assert Match.objects.get(request__mentee=personas.trainee).state == Match.State.ACCEPTED


def test_after_the_match_both_sides_agree_give_feedback_and_get_the_certificate(
    browser, live_server, personas
):
    from django.utils import timezone

    from matching import services, workflow
    from matching.tests.factories import make_round

    taxonomy_seed()
    base = live_server.url
    enable_totp(personas.committee)
    round_ = make_round(exclusion="none")  # both personas work at site A
    add_mentor(round_, person=personas.mentor, interests=["Neuroradiology"])
    add_mentee(round_, person=personas.trainee, interests=["Neuroradiology"])
    services.round_run(actor=personas.committee, round_=round_)
    services.round_publish(actor=personas.committee, round_=round_)
    match = Match.objects.get()
    workflow.match_accept(actor=personas.trainee, match=match)

    mentee = as_person(browser, base, personas.trainee, phone=True)
    mentee.goto(f"{base}/mentoring/matches/{match.pk}/")
    mentee.get_by_label("Date of the first meeting").fill(str(timezone.localdate()))
    mentee.get_by_label("What you will work on together").fill("A first paper on stroke MRI.")
    mentee.get_by_label("How often you will meet").select_option("monthly")
    mentee.get_by_role("button", name="Record what we agreed").click()
    mentee.get_by_text("asked to confirm it").wait_for()
    assert mentee.evaluate("document.documentElement.scrollWidth") <= 390

    mentor = as_person(browser, base, personas.mentor)
    mentor.goto(f"{base}/mentoring/matches/{match.pk}/")
    mentor.get_by_role("button", name="Confirm this agreement").click()
    mentor.get_by_text("confirmed by both of you").wait_for()
    mentor.get_by_label("How useful was the mentoring").select_option("4")
    mentor.get_by_role("button", name="Send my feedback").click()
    mentor.get_by_text("Thank you for your feedback.").wait_for()

    mentee.reload()
    mentee.get_by_label("How useful was the mentoring").select_option("5")
    mentee.get_by_role("button", name="Send my feedback").click()
    mentee.get_by_text("The mentoring is complete").wait_for()
    with mentee.expect_download() as download:
        mentee.get_by_role("button", name="Download the certificate (PDF)").click()
    assert download.value.suggested_filename == f"mentoring-certificate-{match.pk}.pdf"
