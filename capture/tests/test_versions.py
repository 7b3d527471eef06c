"""Dictionary versions after go-live: the impact preview and the apply that moves the data."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from capture import exports, imports, services, versions
from capture.logic.changes import rule_changes
from capture.models import DictionaryVersion, Entry, Export, Study
from capture.tests.factories import STUDY_CSV, make_study
from core.exceptions import EditConflict
from core.testing.mfa import enable_totp
from core.testing.present import present
from formats.datadictionary import HEADER, read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row

pytestmark = pytest.mark.django_db

BASE_ROWS = [
    row("record_id", label="Record ID", form="baseline"),
    row("age", label="Age (years)", form="baseline", validation="integer", min="18", max="100"),
    row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI | 3, US"),
    row(
        "mri_field",
        "radio",
        "MRI field strength",
        form="baseline",
        choices="1, 1.5 T | 2, 3 T",
        logic="[modality(2)] = '1'",
    ),
    row("comment", "notes", "Comment", form="baseline"),
    row("scan_date", label="Scan date", form="baseline", validation="date_ymd"),
    row("lesions", label="Lesions", form="reading", validation="integer", min="0", max="50"),
    row("reader_size", label="Largest (mm)", form="reading", validation="number"),
    row("size_cm", "calc", "Largest (cm)", form="reading", choices="[reader_size] / 10"),
]


def rows_with(**changes):
    """BASE_ROWS with rows replaced by name (None removes one); new ones end baseline."""
    found = []
    names = set()
    for r in BASE_ROWS:
        names.add(r[0])
        if r[0] in changes:
            if changes[r[0]] is not None:
                found.append(changes[r[0]])
        else:
            found.append(r)
    extra = [value for name, value in changes.items() if name not in names and value]
    at = next(i for i, r in enumerate(found) if r[1] != "baseline")
    return dictionary_csv(*found[:at], *extra, *found[at:])


@pytest.fixture
def study(personas):
    study, site_a, site_b = make_study(personas)
    saved = {}
    for site, age, modality, comment in [
        (site_a, "44", ["1", "3"], "fine"),
        (site_b, "61", ["2"], "seen twice"),
        (site_a, "", [], ""),
    ]:
        record = services.record_create(actor=personas.committee, study=study, study_site=site)
        values = {"age": age, "modality": modality, "comment": comment}
        if modality == ["2"]:
            values["mri_field"] = "2"
        saved[record.label] = services.entry_save(
            actor=personas.committee, record=record, instrument="baseline", values=values
        ).entry
    return study, saved


def propose(personas, study, csv, **plan):
    version, _ = versions.dictionary_change(actor=personas.committee, study=study, csv_text=csv)
    if plan:
        versions.proposal_plan(
            actor=personas.committee,
            version=version,
            renames=plan.get("renames", {}),
            mappings=plan.get("mappings", {}),
        )
    return version


def apply(personas, version, **options):
    version.refresh_from_db()
    return versions.version_apply(
        actor=personas.committee, version=version, expected=versions.digest(version.csv), **options
    )


def data(study, label):
    return Entry.objects.get(record__study=study, record__label=label, instrument="baseline").data


def test_a_change_to_a_live_study_is_a_proposal_that_leaves_the_dictionary_in_use(personas, study):
    study, _ = study
    version = propose(personas, study, rows_with(comment=None))
    assert version.state == DictionaryVersion.State.PROPOSED
    assert version.number == 2
    assert services.current_dictionary(study).field("comment") is not None
    # A second upload replaces the proposal instead of stacking another.
    again = propose(personas, study, rows_with(scan_date=None))
    assert again.pk == version.pk
    assert study.versions.count() == 2


def test_a_study_in_design_without_data_has_its_draft_replaced(personas):
    study, _, _ = make_study(personas, live=False)
    version, _ = versions.dictionary_change(
        actor=personas.committee, study=study, csv_text=rows_with(comment=None)
    )
    assert version.number == 1
    assert version.state == DictionaryVersion.State.APPLIED
    assert services.current_dictionary(study).field("comment") is None
    assert AuditEvent.objects.filter(action="dictionary.replace").exists()


def test_a_rename_carries_the_values_over_with_an_audit_row_per_entry(personas, study):
    study, saved = study
    renamed = row("age_years", label="Age", form="baseline", validation="integer")
    version = propose(personas, study, rows_with(age=renamed), renames={"age": "age_years"})
    preview = versions.impact(study, version)
    assert preview.renamed == [("age", "age_years", 2)]
    assert preview.removed == []
    apply(personas, version)
    assert data(study, "AAA-1")["age_years"] == "44"
    assert "age" not in data(study, "AAA-1")
    assert data(study, "BBB-1")["age_years"] == "61"
    assert services.current_dictionary(study).field("age_years") is not None
    event = AuditEvent.objects.filter(action="entry.dictionary", object_label="AAA-1 baseline")
    assert event.get().changes["age_years"] == [None, "44"]
    assert AuditEvent.objects.get(action="dictionary.apply").scope == f"study:{study.pk}"
    # A form opened before the change is refused as stale, not saved under old names.
    with pytest.raises(EditConflict):
        services.entry_save(
            actor=personas.committee,
            record=saved["AAA-1"].record,
            instrument="baseline",
            values={"age_years": "45"},
            version=saved["AAA-1"].version,
        )


def test_an_unstated_rename_is_offered_as_a_candidate_and_otherwise_archives(personas, study):
    study, _ = study
    renamed = row("age_years", label="Age (years)", form="baseline", validation="integer")
    version = propose(personas, study, rows_with(age=renamed))
    preview = versions.impact(study, version)
    assert preview.candidates == [("age", "age_years")]
    assert preview.removed == [("age", "age__v1", 2)]
    apply(personas, version)
    assert data(study, "AAA-1")["age__v1"] == "44"
    assert data(study, "AAA-1").get("age_years", "") == ""


def test_a_removed_field_is_archived_and_stays_exportable(personas, study, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enable_totp(personas.committee)
    study, saved = study
    version = propose(personas, study, rows_with(comment=None))
    assert versions.impact(study, version).removed == [("comment", "comment__v1", 2)]
    apply(personas, version)
    assert data(study, "AAA-1")["comment__v1"] == "fine"
    version.refresh_from_db()
    assert version.archived == {"comment__v1": {"field": "comment", "version": 1}}
    # A later save of the form keeps the archived value.
    services.entry_save(
        actor=personas.committee,
        record=saved["AAA-1"].record,
        instrument="baseline",
        values={"age": "45"},
    )
    assert data(study, "AAA-1")["comment__v1"] == "fine"
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    assert "comment__v1" not in _header(exports.export_run(export.pk))
    export = exports.export_request(
        actor=personas.committee, study=study, format="csv", archived=True
    )
    done = exports.export_run(export.pk)
    assert done.state == Export.State.DONE, done.error
    header, rows = _read(done)
    assert "comment__v1" in header
    assert {r["record_id"]: r["comment__v1"] for r in rows}["BBB-1"] == "seen twice"
    # Imported again, the export's archived column is read past with a notice.
    with done.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    check = imports.import_preview(actor=personas.committee, study=study, text=text)
    assert check.ok, check.errors
    assert any(n.column == "comment__v1" and "archived" in n.message for n in check.notices)


def _read(export):
    import csv
    import io

    with export.file.open("rb") as handle:
        reader = csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig")))
        return reader.fieldnames, list(reader)


def _header(export):
    return _read(export)[0]


def test_a_recoded_choice_needs_a_mapping_naming_field_and_codes(personas, study):
    study, _ = study
    recoded = row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI")
    version = propose(personas, study, rows_with(modality=recoded))
    preview = versions.impact(study, version)
    [recode] = preview.recodes
    assert recode.missing == ["3"]
    with pytest.raises(ValidationError) as refused:
        apply(personas, version)
    assert "modality: code 3 (1 value) is not among the new choices" in str(refused.value)
    assert data(study, "AAA-1")["modality"] == ["1", "3"]
    assert study.versions.get(number=2).state == DictionaryVersion.State.PROPOSED


def test_a_mapping_recodes_values_or_archives_them(personas, study):
    study, _ = study
    recoded = row(
        "modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI | 4, US"
    )
    version = propose(
        personas, study, rows_with(modality=recoded), mappings={"modality": {"3": "4"}}
    )
    assert versions.impact(study, version).refusals() == []
    apply(personas, version)
    assert data(study, "AAA-1")["modality"] == ["1", "4"]

    fewer = row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI")
    rows = dictionary_csv(*[fewer if r[0] == "modality" else r for r in BASE_ROWS])
    version = propose(personas, study, rows, mappings={"modality": {"4": "archive"}})
    apply(personas, version)
    assert data(study, "AAA-1")["modality"] == ["1"]
    assert data(study, "AAA-1")["modality__v2"] == ["4"]


def test_a_mapping_to_a_code_that_does_not_exist_is_refused(personas, study):
    study, _ = study
    recoded = row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI")
    version = propose(
        personas, study, rows_with(modality=recoded), mappings={"modality": {"3": "9"}}
    )
    refusals = versions.impact(study, version).refusals()
    assert any("3 -> 9, but 9 is not one of the new codes" in r for r in refusals)


def test_a_relabelled_code_is_shown_so_a_swap_can_be_mapped(personas, study):
    study, _ = study
    swapped = row(
        "modality", "checkbox", "Imaging done", form="baseline", choices="1, MRI | 2, CT | 3, US"
    )
    version = propose(
        personas, study, rows_with(modality=swapped), mappings={"modality": {"1": "2", "2": "1"}}
    )
    [recode] = versions.impact(study, version).recodes
    assert ("1", "CT", "MRI") in recode.relabelled
    apply(personas, version)
    assert data(study, "AAA-1")["modality"] == ["2", "3"]
    assert data(study, "BBB-1")["modality"] == ["1"]


def test_a_type_change_lists_the_records_whose_values_become_invalid(personas, study):
    study, _ = study
    dated = row("comment", label="Comment date", form="baseline", validation="date_ymd")
    version = propose(personas, study, rows_with(comment=dated))
    preview = versions.impact(study, version)
    [invalid] = preview.invalid
    assert invalid.field == "comment"
    assert invalid.total == 2
    assert [r[0] for r in invalid.rows] == ["AAA-1", "BBB-1"]
    with pytest.raises(ValidationError, match="comment: 2 values are invalid"):
        apply(personas, version)
    apply(personas, version, archive_invalid=True)
    assert data(study, "AAA-1")["comment"] == ""
    assert data(study, "AAA-1")["comment__v1"] == "fine"


def test_a_type_change_that_keeps_values_valid_converts_them(personas, study):
    study, _ = study
    number = row("age", label="Age (years)", form="baseline", validation="number")
    version = propose(personas, study, rows_with(age=number))
    assert versions.impact(study, version).invalid == []
    apply(personas, version)
    assert data(study, "AAA-1")["age"] == "44"


def test_a_field_moved_to_another_instrument_takes_its_values(personas, study):
    study, _ = study
    moved = row("comment", "notes", "Comment", form="reading")
    rows = [r for r in BASE_ROWS if r[0] != "comment"] + [moved]
    version = propose(personas, study, dictionary_csv(*rows))
    assert versions.impact(study, version).moved == [("comment", "baseline", "reading", 2)]
    apply(personas, version)
    reading = Entry.objects.get(record__label="AAA-1", instrument="reading")
    assert reading.data == {"comment": "fine"}
    assert "comment" not in data(study, "AAA-1")


def test_an_identifier_field_or_a_clash_with_archived_values_is_refused(personas, study):
    study, _ = study
    version = propose(personas, study, rows_with(comment=None))
    apply(personas, version)
    clash = row("comment__v1", "notes", "Comment", form="baseline")
    nhs = row("nhs", label="NHS number", form="baseline", identifier="y")
    version = propose(personas, study, rows_with(comment=None, comment__v1=clash, nhs=nhs))
    problems = versions.impact(study, version).problems
    assert any(p.startswith("comment__v1: is the name of archived values") for p in problems)
    assert any(p.startswith("nhs: flagged as an identifier") for p in problems)


def test_an_apply_from_a_stale_preview_is_refused(personas, study):
    study, _ = study
    version = propose(personas, study, rows_with(comment=None))
    seen = versions.digest(version.csv)
    propose(personas, study, rows_with(scan_date=None))
    version.refresh_from_db()
    with pytest.raises(EditConflict):
        versions.version_apply(actor=personas.committee, version=version, expected=seen)


def test_a_rename_that_keeps_the_old_field_is_refused(personas, study):
    study, _ = study
    extra = row("age2", label="Age again", form="baseline", validation="integer")
    version = propose(personas, study, rows_with(age2=extra), renames={"age": "age2"})
    problems = versions.impact(study, version).problems
    assert any("age is still in the new dictionary" in p for p in problems)


def test_a_discarded_proposal_leaves_the_study_as_it_was(personas, study):
    study, _ = study
    version = propose(personas, study, rows_with(comment=None))
    versions.proposal_discard(actor=personas.committee, version=version)
    assert list(study.versions.values_list("number", flat=True)) == [1]
    assert data(study, "AAA-1")["comment"] == "fine"


def test_a_closed_study_keeps_its_dictionary(personas, study):
    study, _ = study
    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)
    study.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        versions.dictionary_change(actor=personas.committee, study=study, csv_text=STUDY_CSV)


def test_two_codes_mapped_to_one_tick_it_once(personas, study):
    study, _ = study
    merged = row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI")
    version = propose(
        personas, study, rows_with(modality=merged), mappings={"modality": {"3": "1"}}
    )
    apply(personas, version)
    assert data(study, "AAA-1")["modality"] == ["1"]


def test_a_new_field_may_not_take_the_archive_key_of_a_removed_one(personas, study):
    study, _ = study
    taken = row("comment__v1", "notes", "Comment", form="baseline")
    version = propose(personas, study, rows_with(comment=None, comment__v1=taken))
    problems = versions.impact(study, version).problems
    assert "comment__v1: is the archive key of comment in this version; choose another name" in (
        problems
    )


# --- Branching logic and calculations follow a recode --------------------------------

RADIO_ROWS = [
    row("record_id", label="Record ID", form="baseline"),
    row("modality", "radio", "Modality", form="baseline", choices="1, CT | 2, MRI | 3, US"),
    row(
        "mri_field",
        "radio",
        "MRI field strength",
        form="baseline",
        choices="1, 1.5 T | 2, 3 T",
        logic="[modality] = '2'",
    ),
    row("is_mri", "calc", "MRI (1 = yes)", form="baseline", choices="if([modality]='2', 1, 0)"),
    row("flag", "radio", "Flag", form="baseline", choices="1, No | 2, Yes"),
    row("flag_note", label="Why", form="baseline", logic="[flag] = '2' or [flag_note] = 'MRI 2'"),
]


def radio_csv(modality_choices="1, CT | 2, MRI | 3, US", **logic):
    rows = [list(r) for r in RADIO_ROWS]
    rows[1][5] = modality_choices
    for r in rows:
        if r[0] in logic:
            r[11 if r[3] != "calc" else 5] = logic[r[0]]
    return dictionary_csv(*rows)


@pytest.fixture
def radio(personas):
    study, _ = services.study_create(
        actor=personas.committee, title="MRI audit", dictionary_csv=radio_csv()
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="AAA"
    )
    services.study_go_live(actor=personas.committee, study=study)
    record = services.record_create(actor=personas.committee, study=study, study_site=site)
    values = {"modality": "2", "mri_field": "2", "flag": "2", "flag_note": "seen"}
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", values=values
    )
    return study, record


def resave(personas, record):
    entry = Entry.objects.get(record=record, instrument="baseline")
    values = {k: v for k, v in entry.data.items() if k != "is_mri"}
    return services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values=values,
        version=entry.version,
    ).entry.data


def test_a_recode_rewrites_the_branching_and_calculation_that_read_the_code(personas, radio):
    study, record = radio
    version = propose(
        personas, study, radio_csv("1, CT | 20, MRI | 3, US"), mappings={"modality": {"2": "20"}}
    )
    preview = versions.impact(study, version)
    rules = {(r.field, r.column): (r.before, r.after) for r in preview.logic}
    assert rules == {
        ("mri_field", "branching logic"): ("[modality] = '2'", "[modality] = '20'"),
        ("is_mri", "calculation"): ("if([modality]='2', 1, 0)", "if([modality] = '20', 1, 0)"),
    }
    assert preview.refusals() == []
    apply(personas, version)
    applied = services.current_dictionary(study)
    assert present(applied.field("mri_field")).branching_logic == "[modality] = '20'"
    assert present(applied.field("is_mri")).calculation == "if([modality] = '20', 1, 0)"
    # Another field's '2', and '2' inside a text, are not the code of modality.
    assert (
        present(applied.field("flag_note")).branching_logic
        == "[flag] = '2' or [flag_note] = 'MRI 2'"
    )
    # The next save keeps the answer that hangs on MRI, and the calculation still counts it.
    saved = resave(personas, record)
    assert (saved["modality"], saved["mri_field"], saved["is_mri"]) == ("20", "2", "1")
    event = AuditEvent.objects.get(action="dictionary.apply")
    assert event.changes["logic_rewritten"][1] == {
        "mri_field (branching logic)": ["[modality] = '2'", "[modality] = '20'"],
        "is_mri (calculation)": ["if([modality]='2', 1, 0)", "if([modality] = '20', 1, 0)"],
    }


def test_a_rule_left_reading_a_code_that_is_gone_refuses_the_apply(personas, radio):
    study, record = radio
    # Code 3 holds no values, so the data needs no mapping; the rule still reads it.
    version = propose(
        personas, study, radio_csv("1, CT | 2, MRI", flag_note="[modality] = '3' or [flag] = '2'")
    )
    refusal = (
        "flag_note, branching logic “[modality] = '3' or [flag] = '2'”: code 3 of modality is "
        "not among the new choices; map code 3 of modality to a new code (the rule is "
        "then rewritten), or change the rule"
    )
    assert versions.impact(study, version).refusals() == [refusal]
    with pytest.raises(ValidationError) as refused:
        apply(personas, version)
    assert refusal in refused.value.messages
    versions.proposal_plan(
        actor=personas.committee, version=version, renames={}, mappings={"modality": {"3": "1"}}
    )
    assert versions.impact(study, version).refusals() == []
    apply(personas, version)
    rule = present(services.current_dictionary(study).field("flag_note")).branching_logic
    assert rule == "[modality] = '1' or [flag] = '2'"
    assert resave(personas, record)["mri_field"] == "2"


def test_a_code_archived_by_the_version_leaves_the_rule_dead(personas, radio):
    study, _ = radio
    version = propose(
        personas, study, radio_csv("1, CT | 3, US"), mappings={"modality": {"2": "archive"}}
    )
    refusals = versions.impact(study, version).refusals()
    assert any(
        r.startswith(
            "mri_field, branching logic “[modality] = '2'”: code 2 of modality is archived"
        )
        for r in refusals
    )
    assert any(r.startswith("is_mri, calculation “if([modality]='2', 1, 0)”") for r in refusals)


def test_a_rule_the_version_rewrote_itself_is_listed_and_left_alone(personas, radio):
    study, _ = radio
    csv = radio_csv("1, CT | 20, MRI | 3, US", mri_field="[modality] = '20'")
    version = propose(personas, study, csv, mappings={"modality": {"2": "20"}})
    preview = versions.impact(study, version)
    by_field = {r.field: r for r in preview.logic}
    assert (by_field["mri_field"].before, by_field["mri_field"].after) == (
        "[modality] = '2'",
        "[modality] = '20'",
    )
    assert not by_field["mri_field"].rewritten
    assert by_field["is_mri"].rewritten
    assert preview.as_dict()["logic"][0]["proposed"] == "[modality] = '20'"


def test_a_recoded_checkbox_option_is_rewritten_in_the_rule(personas, study):
    study, _ = study
    recoded = row(
        "modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 20, MRI | 3, US"
    )
    version = propose(
        personas, study, rows_with(modality=recoded), mappings={"modality": {"2": "20"}}
    )
    [rule] = versions.impact(study, version).logic
    assert (rule.field, rule.before, rule.after) == (
        "mri_field",
        "[modality(2)] = '1'",
        "[modality(20)] = '1'",
    )
    apply(personas, version)
    assert data(study, "BBB-1")["modality"] == ["20"]
    assert data(study, "BBB-1")["mri_field"] == "2"
    field = present(services.current_dictionary(study).field("mri_field"))
    assert field.branching_logic == "[modality(20)] = '1'"


def test_a_rule_reading_a_renamed_field_is_listed(personas, study):
    study, _ = study
    renamed = row(
        "imaging", "checkbox", "Imaging done", form="baseline", choices="1, CT | 2, MRI | 3, US"
    )
    mri = list(BASE_ROWS[3])
    mri[11] = "[imaging(2)] = '1'"
    version = propose(
        personas, study, rows_with(modality=renamed, mri_field=mri), renames={"modality": "imaging"}
    )
    [rule] = versions.impact(study, version).logic
    assert (rule.field, rule.before, rule.after, rule.renamed) == (
        "mri_field",
        "[modality(2)] = '1'",
        "[imaging(2)] = '1'",
        (("modality", "imaging"),),
    )
    assert versions.impact(study, version).refusals() == []


def test_a_draft_that_drops_a_code_its_rules_read_is_refused(personas):
    study, _, _ = make_study(personas, live=False)
    fewer = row("modality", "checkbox", "Imaging done", form="baseline", choices="1, CT | 3, US")
    with pytest.raises(ValidationError) as refused:
        versions.dictionary_change(
            actor=personas.committee, study=study, csv_text=rows_with(modality=fewer)
        )
    assert refused.value.messages == [
        "mri_field, branching logic “[modality(2)] = '1'”: code 2 of modality is not among "
        "the new choices; change the rule or keep the code"
    ]


def test_rewriting_a_rule_keeps_every_other_cell_of_the_uploaded_text():
    rows = [[*r, "kept"] for r in RADIO_ROWS]
    text = "\ufeff" + dictionary_csv(*rows, header=(*HEADER, "Site notes"))
    [rule] = [
        r
        for r in rule_changes(
            read_data_dictionary(text).dictionary.fields,
            read_data_dictionary(text.replace("2, MRI", "20, MRI")).dictionary.fields,
            {r[0]: r[0] for r in RADIO_ROWS},
            {"modality": {"2": "20"}},
        )
        if r.field == "mri_field"
    ]
    rewritten = versions.rewrite_rules(text, [rule])
    assert rewritten == text.replace("[modality] = '2'", "[modality] = '20'")
