"""A longitudinal study's data in and out: imports and exports carry redcap_event_name."""

from __future__ import annotations

import csv
import io

import pytest

from capture import exports, imports, services
from capture.models import Entry, Event, Export
from capture.tests.longitudinal_study import make_longitudinal_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

FILE = (
    "record_id,redcap_event_name,age,baseline_complete,lesions,reading_complete\r\n"
    "AAA-1,baseline_arm_1,40,2,1,1\r\n"
    "AAA-1,week_6_arm_1,,,3,2\r\n"
    "AAA-2,baseline_arm_1,55,0,,\r\n"
)


@pytest.fixture
def study(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enable_totp(personas.committee)
    found, _, _ = make_longitudinal_study(personas)
    return found


def test_an_import_puts_each_row_at_its_event(personas, study):
    check = imports.import_preview(actor=personas.committee, study=study, text=FILE)
    assert check.ok, check.errors
    imports.import_commit(actor=personas.committee, study=study, text=FILE)
    rows = Entry.objects.filter(record__study=study).values_list(
        "record__label", "event__unique_name", "instrument", "data", "status"
    )
    found = {(label, event, form): (data, status) for label, event, form, data, status in rows}
    assert found[("AAA-1", "week_6_arm_1", "reading")][0]["lesions"] == "3"
    assert found[("AAA-1", "week_6_arm_1", "reading")][1] == 2
    assert found[("AAA-1", "baseline_arm_1", "reading")][0]["lesions"] == "1"
    assert ("AAA-1", "week_6_arm_1", "baseline") not in found


def test_unknown_events_and_forms_not_collected_are_refused_with_nothing_written(personas, study):
    bad = (
        "record_id,redcap_event_name,age,lesions\r\n"
        "AAA-1,week_12_arm_1,40,\r\n"
        "AAA-1,week_6_arm_1,41,2\r\n"
    )
    check = imports.import_preview(actor=personas.committee, study=study, text=bad)
    assert [str(e) for e in check.errors] == [
        "row 2, column redcap_event_name: 'week_12_arm_1' is not an event of this study "
        "(baseline_arm_1, week_6_arm_1)",
        "row 3, field age: '41' belongs to the form baseline, which is not collected at the "
        "event week_6_arm_1",
    ]
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(actor=personas.committee, study=study, text=bad)
    assert not Entry.objects.filter(record__study=study).exists()


def test_a_re_import_updates_the_entry_at_its_event_only(personas, study):
    imports.import_commit(actor=personas.committee, study=study, text=FILE)
    again = "record_id,redcap_event_name,lesions\r\nAAA-1,week_6_arm_1,4\r\n"
    imports.import_commit(actor=personas.committee, study=study, text=again)
    week6 = Entry.objects.get(record__label="AAA-1", event__unique_name="week_6_arm_1")
    baseline = Entry.objects.get(
        record__label="AAA-1", event__unique_name="baseline_arm_1", instrument="reading"
    )
    assert week6.data["lesions"] == "4"
    assert baseline.data["lesions"] == "1"


def _csv(export):
    with export.file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


def test_a_csv_export_has_a_row_per_record_and_event(personas, study):
    imports.import_commit(actor=personas.committee, study=study, text=FILE)
    export = exports.export_run(
        exports.export_request(actor=personas.committee, study=study, format="csv").pk
    )
    assert export.state == Export.State.DONE, export.error
    rows = _csv(export)
    assert list(rows[0])[:2] == ["record_id", "redcap_event_name"]
    assert [(r["record_id"], r["redcap_event_name"], r["lesions"]) for r in rows] == [
        ("AAA-1", "baseline_arm_1", "1"),
        ("AAA-1", "week_6_arm_1", "3"),
        ("AAA-2", "baseline_arm_1", ""),
    ]
    assert rows[1]["age"] == ""


@pytest.mark.parametrize("format", ["sav", "dta", "xlsx", "r"])
def test_every_format_exports_a_longitudinal_study(personas, study, format):
    imports.import_commit(actor=personas.committee, study=study, text=FILE)
    export = exports.export_run(
        exports.export_request(actor=personas.committee, study=study, format=format).pk
    )
    assert export.state == Export.State.DONE, export.error


def test_an_export_imports_back_unchanged(personas, study):
    imports.import_commit(actor=personas.committee, study=study, text=FILE)
    export = exports.export_run(
        exports.export_request(actor=personas.committee, study=study, format="csv", raw=True).pk
    )
    with export.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")

    def stored():
        # Blank values aside: an export writes 0 for each unticked checkbox, read back as [].
        rows = Entry.objects.values_list("pk", "event_id", "data", "status")
        return sorted((pk, e, {k: v for k, v in d.items() if v not in ("", [])}, s)
                      for pk, e, d, s in rows)  # fmt: skip

    before = stored()
    check = imports.import_preview(actor=personas.committee, study=study, text=text)
    assert check.ok, check.errors
    imports.import_commit(actor=personas.committee, study=study, text=text)
    assert stored() == before


def test_a_repeating_form_at_one_event_exports_its_instances(personas, study):
    from dataclasses import replace

    from capture import longitudinal
    from capture.tests.longitudinal_study import DESIGN

    design = replace(
        DESIGN,
        designations=tuple(
            replace(d, repeating=True) if d.event == "week_6_arm_1" else d
            for d in DESIGN.designations
        ),
    )
    longitudinal.design_replace(actor=personas.committee, study=study, design=design)
    record = services.record_create(
        actor=personas.committee, study=study, study_site=study.study_sites.get(code="AAA")
    )
    week6 = Event.objects.get(study=study, unique_name="week_6_arm_1")
    for instance, lesions in ((1, "2"), (2, "5")):
        services.entry_save(
            actor=personas.committee, record=record, instrument="reading", event=week6,
            instance=instance, values={"lesions": lesions},
        )  # fmt: skip
    export = exports.export_run(
        exports.export_request(actor=personas.committee, study=study, format="csv").pk
    )
    rows = [
        (r["redcap_event_name"], r["redcap_repeat_instrument"], r["redcap_repeat_instance"],
         r["lesions"])
        for r in _csv(export)
    ]  # fmt: skip
    assert rows == [("week_6_arm_1", "reading", "1", "2"), ("week_6_arm_1", "reading", "2", "5")]
