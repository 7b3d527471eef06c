"""The shortlist's main journey in Chromium on a phone: an international graduate enters
a profile and a budget, sees a grouped shortlist with the reasons and a programme left
out for its visa, replaces one estimate with their own, and downloads the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing.browser import axe_findings, with_axe
from opportunities import services
from opportunities.models import ShortlistProfile
from people.services import taxonomy_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_phone(browser, base, person):
    client = Client()
    client.force_login(person)
    context = with_axe(browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True))
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def residencies() -> None:
    read = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    sources = {
        f: {"source": "Programme website (test)", "as_of": read}
        for f in ("visa", "step2", "interviews", "graduation")
    }
    common: dict[str, Any] = {
        "kind": "residency",
        "specialty": "diagnostic",
        "country": "US",
        "research": "none",
    }
    rows = [
        ("Lakeshore", "Midwest", "J-1, H-1B", 800, 96, 245),
        ("Prairie", "Midwest", "J-1", 500, 150, 238),
        ("Harborview", "Northeast", "J-1", 1000, 60, 258),
        ("Bluebonnet", "South", "None", 700, 80, 248),
    ]
    for institution, region, visas, applied, interviewed, median in rows:
        services.programme_save(
            actor=None,
            name="Diagnostic Radiology Residency",
            institution=institution,
            region=region,
            visa_sponsorship=visas,
            applications_received=applied,
            interviews_offered=interviewed,
            step2_median=median,
            sources=sources,
            **common,
        )


def test_an_img_makes_a_shortlist_on_a_phone_and_sees_why(browser, live_server):
    # A transactional test starts from a flushed database: seed what the page needs.
    taxonomy_seed()
    residencies()
    applicant = UserFactory.create(full_name="Dr Ana Souza")
    base = live_server.url
    page = on_phone(browser, base, applicant)

    page.goto(f"{base}/opportunities/shortlist/")
    page.get_by_label("Before residency").check()
    page.get_by_label("Year you graduated from medical school").fill(
        str(timezone.localdate().year - 3)
    )
    page.get_by_label("USMLE Step 2 CK score").fill("250")
    page.get_by_label("Visa you need").select_option(label="J-1 only")
    page.get_by_label("Research outputs").fill("2")
    page.get_by_label("Midwest").check()
    page.get_by_label("A number of programmes").check()
    page.locator("#id_budget_programmes").fill("3")
    page.get_by_role("button", name="Save and make my shortlist").click()

    page.get_by_role("heading", name="Your shortlist").wait_for()
    shortlist = page.locator("#shortlist")
    body = shortlist.inner_text()
    assert "3 programmes" in body
    for group in ("Reach", "Target", "Likely"):
        assert page.get_by_role("heading", name=f"{group} (").count() == 1
    assert "Published: 150 interviews offered to 500 applicants (30%)" in body
    assert "Programme website (test), as of" in body
    assert "Likely (1)" in body  # Prairie: 30% x 1.5 (score) x 1.2 (region) = 54%
    excluded = page.locator(".shortlist-excluded")
    assert excluded.count() == 1
    assert "Visa: it sponsors no visa; you need J-1" in excluded.inner_text()
    assert "Bluebonnet" in excluded.inner_text()
    assert "chance" not in page.locator("main").inner_text().lower()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page scrolls sideways on a phone"
    assert axe_findings(page) == [], "serious accessibility findings"

    # Their own estimate for Harborview, labelled as theirs.
    card = page.locator("article", has=page.get_by_role("link", name="Harborview"))
    card.get_by_text("Change this estimate").click()
    card.get_by_label("Your own estimate (%)").fill("45")
    card.get_by_role("button", name="Use my estimate").click()
    page.get_by_text("your own estimate, 45%").wait_for()
    card = page.locator("article", has=page.get_by_role("link", name="Harborview"))
    assert "Interview likelihood: 45%" in card.inner_text()
    assert card.locator(".tag", has_text="Your own estimate").is_visible()
    assert "Likely (2)" in page.locator("#shortlist").inner_text()
    profile = ShortlistProfile.objects.get(person=applicant)
    assert list(profile.own_estimates.values()) == [45]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the list (CSV)").click()
    assert download.value.suggested_filename == "programme-shortlist.csv"
