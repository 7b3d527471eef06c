"""logic.js in Chromium: the shared table of cases, and the form binder on a real form."""

from __future__ import annotations

import json

import pytest

from capture.logic import parse, to_json
from capture.tests.test_logic_cases import (
    LOGIC_JS,
    cases_with_trees,
    forms_with_trees,
    js_context,
    mismatch,
)

pytestmark = pytest.mark.browser

BLANK = "<!doctype html><html lang='en'><head><title>logic</title></head><body></body></html>"


def test_chromium_passes_every_case(page):
    page.set_content(BLANK)
    page.add_script_tag(path=str(LOGIC_JS))
    cases = cases_with_trees()
    results = page.evaluate(
        """(cases) => cases.map((c) => {
            const value = window.RadCollabLogic.evaluate(c.tree, c.values, c.context);
            return {value: value, text: window.RadCollabLogic.formatValue(value)};
        })""",
        [{"tree": c["tree"], "values": c["values"], "context": js_context(c)} for c in cases],
    )
    failures = [
        problem
        for case, result in zip(cases, results, strict=True)
        if (problem := mismatch(case, result["value"], result["text"]))
    ]
    assert not failures, "\n".join(failures)


def test_chromium_resolves_every_form_as_python_does(page):
    page.set_content(BLANK)
    page.add_script_tag(path=str(LOGIC_JS))
    for form in forms_with_trees():
        result = page.evaluate(
            "([fields, values]) => window.RadCollabLogic.resolve(fields, values, {})",
            [form["trees"], form["values"]],
        )
        assert sorted(result["hidden"]) == sorted(form["hidden"]), form["about"]
        for name, value in form["calcs"].items():
            assert result["values"][name] == value, form["about"]


def island(fields: dict[str, dict[str, str]]) -> str:
    trees = {
        name: {kind: to_json(parse(text)) for kind, text in logic.items()}
        for name, logic in fields.items()
    }
    # In a <script> element only "</" could end it early; JSON never needs it unescaped.
    return json.dumps(trees).replace("</", "<\\/")


FORM = """<!doctype html><html lang="en"><head><title>Entry</title></head><body>
<form method="post" data-capture-form data-today="2025-01-10">
  <fieldset data-field="smoker">
    <legend>Smoker?</legend>
    <label><input type="radio" name="smoker" value="1"> Yes</label>
    <label><input type="radio" name="smoker" value="0"> No</label>
  </fieldset>
  <div data-field="packs"><label for="id_packs">Packs a day</label>
    <input id="id_packs" name="packs" inputmode="decimal"></div>
  <div data-field="years"><label for="id_years">Years smoked</label>
    <input id="id_years" name="years" inputmode="decimal"></div>
  <div data-field="pack_years"><label for="id_pack_years">Pack-years</label>
    <input id="id_pack_years" name="pack_years" readonly></div>
  <fieldset data-field="modality">
    <legend>Modality</legend>
    <label><input type="checkbox" name="modality" value="1"> CT</label>
    <label><input type="checkbox" name="modality" value="2"> MRI</label>
  </fieldset>
  <div data-field="ct_dlp"><label for="id_ct_dlp">CT DLP (mGy·cm)</label>
    <input id="id_ct_dlp" name="ct_dlp"></div>
  <div data-field="scan_date"><label for="id_scan_date">Scan date</label>
    <input id="id_scan_date" name="scan_date" type="date"></div>
  <div data-field="days_since"><label for="id_days_since">Days since the scan</label>
    <input id="id_days_since" name="days_since" readonly></div>
  <script type="application/json" id="capture-logic">ISLAND</script>
  <button type="submit">Save</button>
</form></body></html>"""


def test_the_binder_shows_hides_and_calculates_as_a_person_types(page):
    fields = {
        "smoker": {},
        "packs": {"branching": '[smoker] = "1"'},
        "years": {"branching": "[packs] > 0"},
        "pack_years": {"calc": "[packs] * [years]", "branching": '[smoker] = "1"'},
        "modality": {},
        "ct_dlp": {"branching": "[modality(1)] = '1'"},
        "days_since": {"calc": 'datediff([scan_date], "today", "d", true)'},
    }
    page.set_content(FORM.replace("ISLAND", island(fields)))
    page.add_script_tag(path=str(LOGIC_JS))

    assert page.get_by_label("Packs a day").is_hidden()
    assert page.get_by_label("CT DLP (mGy·cm)").is_hidden()
    page.get_by_label("Yes").check()
    page.get_by_label("Packs a day").fill("2")
    page.get_by_label("Years smoked").fill("15")
    assert page.get_by_label("Pack-years").input_value() == "30"

    page.get_by_label("No").check()
    assert page.get_by_label("Packs a day").is_hidden()
    assert page.get_by_label("Years smoked").is_hidden(), "hiding cascades"
    assert page.get_by_label("Pack-years").is_hidden()
    assert page.get_by_label("Pack-years").input_value() == ""

    page.get_by_label("CT", exact=True).check()
    assert page.get_by_label("CT DLP (mGy·cm)").is_visible()
    page.get_by_label("CT", exact=True).uncheck()
    assert page.get_by_label("CT DLP (mGy·cm)").is_hidden()

    assert page.get_by_label("Days since the scan").input_value() == ""
    page.get_by_label("Scan date").fill("2025-01-01")
    assert page.get_by_label("Days since the scan").input_value() == "9", "today from the form"


OTHER_FORM = """<!doctype html><html lang="en"><head><title>Reporting</title></head><body>
<form method="post" data-capture-form data-today="2025-01-10">
  <div data-field="report_time"><label for="id_report_time">Report verified</label>
    <input id="id_report_time" name="report_time" value="2025-01-09 12:48"></div>
  <div data-field="tat_hours"><label for="id_tat_hours">Request to report (hours)</label>
    <input id="id_tat_hours" name="tat_hours" value="2.8" readonly></div>
  <div data-field="within_1h"><label for="id_within_1h">Within 1 hour</label>
    <input id="id_within_1h" name="within_1h" value="0" readonly></div>
  <script type="application/json" id="capture-logic">ISLAND</script>
  <script type="application/json" id="capture-record-values">RECORD</script>
  <button type="submit">Save</button>
</form></body></html>"""


def test_the_binder_reads_the_records_other_forms(page):
    """A calculation on one form that reads a field of another keeps its value on load."""
    fields = {
        "tat_hours": {"calc": 'round(datediff([request_time], [report_time], "h", true), 1)'},
        "within_1h": {"calc": "if([tat_hours] <> '' and [tat_hours] <= 1, 1, 0)"},
    }
    record = json.dumps({"request_time": "2025-01-09 10:00", "record_id": "STH-1"})
    page.set_content(OTHER_FORM.replace("ISLAND", island(fields)).replace("RECORD", record))
    page.add_script_tag(path=str(LOGIC_JS))

    assert page.get_by_label("Request to report (hours)").input_value() == "2.8"
    assert page.get_by_label("Within 1 hour").input_value() == "0"
    page.get_by_label("Report verified").fill("2025-01-09 10:30")
    assert page.get_by_label("Request to report (hours)").input_value() == "0.5"
    assert page.get_by_label("Within 1 hour").input_value() == "1"
