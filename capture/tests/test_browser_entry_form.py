"""The entry form in Chromium draws what REDCap draws (issue 15, "Done when"): a slider, a
matrix, HTML labels with live piping, action tags and calculations with the new
functions, and after the save the server and the browser agree on every shown field and
every calculated value."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from capture import services
from capture.logic import resolve
from capture.models import Entry
from capture.tests.entry_dictionary import reading_study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALCS = ("summary_length", "size_up", "scan_year", "confidence_band", "ct_reader")

# Every field wrapper of the form: shown (not hidden) or not, as the page has it now.
SHOWN = """form => Array.from(form.querySelectorAll('[data-field]')).map(
  box => [box.getAttribute('data-field'), !box.hidden])"""


@pytest.fixture
def reading(personas):
    return reading_study(personas)


def signed_in_page(browser, base, person, width=1280, height=900):
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def shown_fields(page):
    return dict(page.locator("form[data-capture-form]").evaluate(SHOWN))


def test_a_person_fills_the_form_and_the_server_agrees_with_the_browser(
    browser, live_server, personas, reading
):
    study, record = reading
    page = signed_in_page(browser, live_server.url, personas.trainee)
    url = f"{live_server.url}/studies/{study.pk}/records/{record.pk}/forms/reading/"
    page.goto(url)
    page.wait_for_load_state("load")

    # Action tags: a default piped from the user, a read-only default, today, hidden.
    assert (
        page.get_by_label("Reader", exact=True).input_value()
        == personas.trainee.email.partition("@")[0]
    )
    assert page.get_by_label("Reading code").input_value() == "R-STH-1"
    assert page.get_by_label("Reading code").get_attribute("readonly") is not None
    assert page.get_by_label("Scan date").input_value() == timezone.localdate().isoformat()
    assert shown_fields(page)["secret"] is False

    # HTML labels: emphasis and colour kept, the script gone; piping follows the answer.
    size_label = page.locator('[data-field="size"] label')
    assert size_label.locator("b").inner_text() == "largest"
    assert page.locator("script:not([src]):not([type])").count() == 0
    pipe = size_label.locator("[data-pipe]")
    assert pipe.inner_text() == "______"
    page.get_by_label("MRI").check()
    assert pipe.inner_text() == "MRI"
    page.get_by_label("CT", exact=True).check()
    assert pipe.inner_text() == "CT"
    colour = size_label.locator("span[data-colour]").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(204, 0, 0)"

    # The slider: no value until moved, then its number shows.
    slider = page.get_by_label("How confident are you?")
    assert page.locator('[data-slider="confidence"] [data-slider-empty]').is_visible()
    slider.fill("73")
    assert page.locator('[data-slider="confidence"] output').inner_text() == "73"
    assert not page.locator('[data-slider="confidence"] [data-slider-empty]').is_visible()
    assert not page.locator("[data-slider-blank=confidence]").is_checked()

    # The matrix: one row per field, the choices as columns.
    page.get_by_label("Image quality: Good").check()
    page.get_by_label("Contrast: Fair").check()

    # Limits, and branching with a new function (contains) as the person types.
    assert shown_fields(page)["mass_note"] is False
    page.get_by_label("Summary", exact=True).fill("a mass here")
    assert shown_fields(page)["mass_note"] is True
    assert page.locator('[data-counter="summary"]').inner_text() == (
        "29 characters left, 3 words left"
    )
    findings = page.locator('[data-field="findings"]')
    findings.get_by_label("Nodule").check()
    findings.get_by_label("Mass").check()
    assert findings.get_by_label("Effusion").is_disabled()  # @MAXCHECKED=2
    findings.get_by_label("Mass").uncheck()
    findings.get_by_label("None of these").check()  # @NONEOFTHEABOVE
    assert not findings.get_by_label("Nodule").is_checked()
    findings.get_by_label("Mass").check()
    assert not findings.get_by_label("None of these").is_checked()

    # An autocomplete dropdown: typing narrows its choices.
    page.get_by_label("Search the choices of Protocol").fill("low")
    assert page.locator('#id_protocol option[value="1"]').evaluate("o => o.hidden")
    assert not page.locator('#id_protocol option[value="2"]').evaluate("o => o.hidden")
    page.get_by_label("Protocol", exact=True).select_option("2")

    page.get_by_label("Reader", exact=True).fill("dr smith")
    page.get_by_label("Size of the largest lesion").fill("12.2")
    assert page.get_by_label("Mass seen by").locator("..").locator("[data-pipe]").count() == 2

    browser_calcs = {name: page.locator(f"[name={name}]").input_value() for name in CALCS}
    browser_shown = shown_fields(page)
    assert browser_calcs["size_up"] == "13"
    assert browser_calcs["confidence_band"] == "7"
    assert browser_calcs["summary_length"] == "11"
    assert browser_calcs["ct_reader"] == "1"

    page.get_by_role("button", name="Save").click()
    page.get_by_text("STH-1 reading saved.").wait_for()
    saved = Entry.objects.get(record=record, instrument="reading").data
    assert {name: saved[name] for name in CALCS} == browser_calcs
    assert saved["confidence"] == "73"
    assert saved["findings"] == ["2"]
    assert (saved["image_quality"], saved["contrast_quality"]) == ("3", "2")
    assert saved["secret"] == "k1"  # @HIDDEN: kept and saved, never shown
    assert saved["protocol"] == "2"

    # The server decides the same fields are shown.
    dictionary = services.current_dictionary(study)
    context = services.logic_context(
        record=record,
        instrument="reading",
        instance=1,
        actor=personas.trainee,
        now=timezone.now(),
    )
    resolved = resolve(dictionary.active_logic, saved, context=context)
    server_shown = {
        name: name not in resolved.hidden and name != "secret" for name in browser_shown
    }
    assert server_shown == browser_shown

    # Reopened, the page the server draws shows what the browser showed.
    page.goto(url)
    page.wait_for_load_state("load")
    assert shown_fields(page) == browser_shown
    assert pipe.inner_text() == "CT"
    assert page.locator('[data-slider="confidence"] output').inner_text() == "73"


def test_the_form_fits_a_phone_and_the_matrix_scrolls_in_its_own_box(
    browser, live_server, personas, reading
):
    study, record = reading
    page = signed_in_page(browser, live_server.url, personas.trainee, width=390, height=844)
    page.goto(f"{live_server.url}/studies/{study.pk}/records/{record.pk}/forms/reading/")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".matrix-scroll")
    assert box.evaluate("e => e.getBoundingClientRect().right") <= 390
