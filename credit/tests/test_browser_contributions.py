"""A site lead confirms what a trainee did, and the trainee cites it in their research
certificate tracker, on a phone (docs/credit.md, "Contribution records")."""

from __future__ import annotations

import pytest

from core.testing.mfa import enable_totp
from credit.tests.factories import make_world
from credit.tests.test_browser_journey import fits, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_site_lead_confirms_a_contribution_and_the_trainee_cites_it(
    browser, live_server, personas
):
    from training.tests.factories import tracker

    world = make_world(personas)
    enable_totp(personas.site_lead_a)
    base = live_server.url

    lead = signed_in(browser, base, personas.site_lead_a)
    lead.goto(f"{base}/credit/studies/{world.study.pk}/")
    lead.get_by_role("link", name="Confirm contributions at your site").click()
    confirm = lead.get_by_role("button", name="Confirm the contribution of Trainee")
    confirm.wait_for()  # the site's page has loaded before anything is counted on it
    assert lead.get_by_role("cell", name="Site Lead B").count() == 0  # another site's
    confirm.click()
    lead.get_by_text("Contribution of Trainee confirmed").wait_for()

    started = tracker(personas.trainee)
    trainee = signed_in(browser, base, personas.trainee, 390)
    trainee.goto(f"{base}/training/trackers/{started.pk}/")
    trainee.get_by_label("Kind of evidence").select_option(label="A confirmed study contribution")
    trainee.get_by_label("Contribution (for “A confirmed study contribution”)").select_option(
        label=f"Contribution to {world.study.title}"
    )
    trainee.get_by_role("button", name="Add evidence").click()
    trainee.get_by_text("Evidence added").wait_for()
    assert trainee.get_by_text("Confirmed by Site Lead A").first.is_visible()
    assert fits(trainee)
    trainee.get_by_role("link", name="The confirmed record").first.click()
    trainee.get_by_role("heading", name="Contribution record").wait_for()
    assert trainee.get_by_text("Records entered").is_visible()
    assert fits(trainee)
