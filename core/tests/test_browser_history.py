"""Back after filtering shows the whole page with its filters, with and without JavaScript.

htmx fetches a filtered list's fragment at the address it then shows; the browser kept
that fragment in its cache and showed it, bare, when the person came back to the
address. Pages that answer htmx with a fragment now say `Vary: HX-Request`, and going
back over htmx's own history entries fetches the whole page again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import User
from core.testing.demo import demo_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Filtered:
    """A page, a filter to choose on it, and where its results are."""

    path: str
    label: str
    first: str  # an option to choose
    second: str  # another option to choose after it
    results: str  # the element htmx swaps
    submit: str  # the button that submits the filters without JavaScript


PAGES = [
    Filtered(
        "/mentors/directory/", "Subspecialty", "Neuroradiology", "Musculoskeletal", "#results",
        "Search",
    ),
    Filtered(
        "/projects/", "Research type", "Diagnostic accuracy", "Quality improvement / audit",
        "#results", "Search",
    ),
    Filtered("/events/", "Subspecialty", "Neuroradiology", "Musculoskeletal", "#listing", "Filter"),
]  # fmt: skip


def signed_in(browser, base: str, person: User, *, javascript: bool = True):
    client = Client()
    client.force_login(person)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def assert_whole_page_filtered_by(page, spec: Filtered, option: str) -> None:
    """The site's own page (header and navigation, styled), its filter showing `option`."""
    page.locator("header.site-header nav").wait_for()
    assert page.locator("link[rel=stylesheet]").count() >= 1
    chosen = page.get_by_label(re.compile(f"^{spec.label}:?$")).evaluate(
        "select => select.options[select.selectedIndex].text"
    )
    assert chosen == option, f"{spec.path}: the filter shows {chosen!r}, not {option!r}"


def choose(page, spec: Filtered, option: str) -> None:
    """Choose a filter and wait for htmx to swap the results and push the address."""
    address = page.url
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label(re.compile(f"^{spec.label}:?$")).select_option(label=option)
    page.wait_for_url(lambda url: url != address)


def open_a_result(page, spec: Filtered) -> str:
    address = page.url
    page.locator(f"{spec.results} a[href^='/']").first.click()
    page.wait_for_url(lambda url: url != address)
    return address


def back_after_opening_a_result(page, base: str, spec: Filtered) -> None:
    page.goto(base + spec.path)
    choose(page, spec, spec.first)
    filtered = open_a_result(page, spec)
    page.go_back()
    page.wait_for_url(filtered)
    assert_whole_page_filtered_by(page, spec, spec.first)


def back_over_htmx_history(page, base: str, spec: Filtered) -> None:
    """htmx's own history entries: a snapshot would show the filter last chosen beside the
    results of the one before it, so the page is fetched again instead."""
    page.goto(base + spec.path)
    choose(page, spec, spec.first)
    first = page.url
    choose(page, spec, spec.second)
    page.go_back()
    page.wait_for_url(first)
    assert_whole_page_filtered_by(page, spec, spec.first)
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None


def back_without_javascript(page, base: str, spec: Filtered) -> None:
    page.goto(base + spec.path)
    page.get_by_label(re.compile(f"^{spec.label}:?$")).select_option(label=spec.first)
    page.get_by_role("button", name=spec.submit, exact=True).click()
    page.wait_for_url(re.compile(r"\?"))
    filtered = open_a_result(page, spec)
    page.go_back()
    page.wait_for_url(filtered)
    assert_whole_page_filtered_by(page, spec, spec.first)


def test_back_after_filtering_shows_the_whole_page_with_its_filters(browser, live_server):
    """The directory, the board and the calendar: filter, open a result, press Back; filter
    twice, press Back; and the same without JavaScript. One demo network for all."""
    demo_network()
    person = User.objects.get(email="trainee@demo.radcollab.org")
    base = live_server.url
    with_js = signed_in(browser, base, person)
    without_js = signed_in(browser, base, person, javascript=False)
    for spec in PAGES:
        back_after_opening_a_result(with_js, base, spec)
        back_over_htmx_history(with_js, base, spec)
        back_without_javascript(without_js, base, spec)
