"""Two tabs edit the person's name in Chromium: the second save is told, and merges."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_second_tab_is_shown_the_saved_name_and_saves_after_merging(
    browser, live_server, personas
):
    base = live_server.url
    client = Client()
    client.force_login(personas.trainee)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    first, second = context.new_page(), context.new_page()
    first.goto(f"{base}/account/profile/")
    second.goto(f"{base}/account/profile/")

    first.get_by_label("Full name").fill("Dr Tab One")
    first.get_by_role("button", name="Save").click()
    first.get_by_text("Profile saved.").wait_for()

    second.get_by_label("Full name").fill("Dr Tab Two")
    second.get_by_role("button", name="Save").click()
    notice = second.get_by_role("alert")
    notice.get_by_role("heading", name="Saved elsewhere while you were editing").wait_for()
    assert "Dr Tab One" in notice.inner_text()
    assert second.get_by_label("Full name").input_value() == "Dr Tab Two"
    assert second.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    second.get_by_role("button", name="Save").click()
    second.get_by_text("Profile saved.").wait_for()
    personas.trainee.refresh_from_db()
    assert personas.trainee.full_name == "Dr Tab Two"
    context.close()
