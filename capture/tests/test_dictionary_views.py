"""The dictionary pages: the form builder, an uploaded version, its preview and apply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture import builder, services, versions
from capture.models import DictionaryVersion, Entry
from capture.tests.factories import STUDY_CSV, make_study
from core.testing.mfa import enable_totp
from formats.datadictionary.tests.builders import dictionary_csv, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, personas):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    return client


@pytest.fixture
def live(personas):
    study, site_a, _ = make_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"age": "44", "modality": ["1", "3"], "comment": "fine"},
    )
    return study


@pytest.fixture
def design(personas):
    study, _, _ = make_study(personas, live=False)
    return study


def base_of(study):
    return versions.digest(versions.proposal_csv(study))


def field_post(study, **values):
    data = {
        "name": "",
        "form": "baseline",
        "field_type": "text",
        "label": "A label",
        "base": base_of(study),
    }
    data.update(values)
    return data


def test_the_builder_adds_a_field_to_a_draft_directly(admin, design):
    url = reverse("capture:dictionary_field_new", args=[design.pk])
    page = admin.get(url + "?form=reading")
    assert page.status_code == 200
    response = admin.post(
        url,
        field_post(
            design,
            name="contrast",
            form="reading",
            field_type="radio",
            label="Contrast given?",
            choices="1, Yes\n0, No",
            branching_logic="[lesions] > 0",
            required="on",
        ),
    )
    assert response.status_code == 302
    added = services.current_dictionary(design).field("contrast")
    assert added is not None
    assert [c.code for c in added.choices] == ["1", "0"]
    assert added.required
    assert added.branching_logic == "[lesions] > 0"
    assert [f.name for f in services.current_dictionary(design).fields_of("reading")][-1] == (
        "contrast"
    )
    assert design.versions.count() == 1


def test_the_builder_names_the_field_at_fault(admin, design):
    url = reverse("capture:dictionary_field_new", args=[design.pk])
    response = admin.post(
        url,
        field_post(
            design,
            name="size",
            validation="integer",
            validation_min="ten",
            branching_logic="[nowhere] = '1'",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        'id="id_validation_min_error"><li>size: &#x27;ten&#x27; is not a whole number '
        "(validation integer)</li>" in page
    )
    assert (
        'id="id_branching_logic_error"><li>size: [nowhere] is not a variable of this '
        "dictionary (at character 1)</li>" in page
    )
    assert services.current_dictionary(design).field("size") is None


def test_the_builder_refuses_broken_branching_logic_from_the_safe_parser(admin, design):
    url = reverse("capture:dictionary_field", args=[design.pk, "comment"])
    values = field_post(design, name="comment", field_type="notes", branching_logic="[age] >")
    response = admin.post(url, values)
    assert response.status_code == 400
    assert (
        'id="id_branching_logic_error"><li>comment: expected a value but found the end of the '
        "expression (at character 8)</li>" in response.content.decode()
    )
    comment = services.current_dictionary(design).field("comment")
    assert comment is not None
    assert comment.branching_logic == ""


def test_the_builder_reorders_and_removes_fields(admin, design):
    move = reverse("capture:dictionary_field_action", args=[design.pk, "comment", "up"])
    assert admin.post(move, {"base": base_of(design)}).status_code == 302
    names = [f.name for f in services.current_dictionary(design).fields_of("baseline")]
    assert names.index("comment") < names.index("mri_field")
    remove = reverse("capture:dictionary_field_action", args=[design.pk, "scan_date", "remove"])
    assert admin.post(remove, {"base": base_of(design)}).status_code == 302
    assert services.current_dictionary(design).field("scan_date") is None


def test_an_htmx_reorder_redraws_only_the_field_list(admin, design):
    move = reverse("capture:dictionary_field_action", args=[design.pk, "comment", "down"])
    response = admin.post(move, {"base": base_of(design)}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="dictionary-fields"' in page
    assert "<html" not in page


def test_a_stale_builder_page_does_not_overwrite_another_change(admin, design):
    stale = base_of(design)
    remove = reverse("capture:dictionary_field_action", args=[design.pk, "scan_date", "remove"])
    admin.post(remove, {"base": stale})
    move = reverse("capture:dictionary_field_action", args=[design.pk, "comment", "up"])
    response = admin.post(move, {"base": stale}, follow=True)
    assert "Someone changed the data dictionary" in response.content.decode()


def test_the_record_id_field_stays_first(admin, design):
    remove = reverse("capture:dictionary_field_action", args=[design.pk, "record_id", "remove"])
    response = admin.post(remove, {"base": base_of(design)}, follow=True)
    assert "record_id: the record id field cannot be removed" in response.content.decode()


def test_in_a_live_study_the_builder_edits_a_proposal_and_records_renames(admin, live):
    url = reverse("capture:dictionary_field", args=[live.pk, "age"])
    page = admin.get(url)
    assert 'value="age"' in page.content.decode()
    response = admin.post(
        url, field_post(live, name="age_years", label="Age", validation="integer")
    )
    assert response.status_code == 302
    proposal = versions.proposal_of(live)
    assert proposal is not None
    assert proposal.renames == {"age": "age_years"}
    assert services.current_dictionary(live).field("age") is not None
    # Renaming it again keeps one rename from the applied name.
    url = reverse("capture:dictionary_field", args=[live.pk, "age_years"])
    admin.post(url, field_post(live, name="age_y", label="Age", validation="integer"))
    proposal.refresh_from_db()
    assert proposal.renames == {"age": "age_y"}
    preview = admin.get(reverse("capture:dictionary_proposal", args=[live.pk]))
    assert "Renamed <code>age</code> → <code>age_y</code>: 1 value carried over" in (
        preview.content.decode()
    )
    apply = admin.post(
        reverse("capture:dictionary_proposal", args=[live.pk]),
        {
            "action": "apply",
            "renames": "age -> age_y",
            "expected": versions.digest(proposal.csv),
        },
    )
    assert apply.status_code == 302
    assert Entry.objects.get(instrument="baseline").data["age_y"] == "44"


def test_an_upload_is_previewed_and_a_recode_needs_its_mapping(admin, live):
    recoded = STUDY_CSV.replace("1, CT | 2, MRI | 3, Ultrasound", "1, CT | 2, MRI")
    upload = SimpleUploadedFile("dd.csv", recoded.encode(), "text/csv")
    response = admin.post(
        reverse("capture:dictionary_upload", args=[live.pk]), {"dictionary": upload}
    )
    preview_url = reverse("capture:dictionary_proposal", args=[live.pk])
    assert response["Location"] == preview_url
    page = admin.get(preview_url).content.decode()
    assert "Code 3 is in use and no longer a choice: map it." in page
    expected = versions.digest(recoded)
    refused = admin.post(preview_url, {"action": "apply", "expected": expected}, follow=True)
    assert refused.status_code == 400
    assert "modality: code 3 (1 value) is not among the new choices" in (refused.content.decode())
    applied = admin.post(
        preview_url, {"action": "apply", "expected": expected, "map__modality__3": "archive"}
    )
    assert applied.status_code == 302
    data = Entry.objects.get(instrument="baseline").data
    assert data["modality"] == ["1"]
    assert data["modality__v1"] == ["3"]
    assert versions.applied_version(live).number == 2


def test_a_broken_upload_is_refused_on_the_page(admin, live):
    upload = SimpleUploadedFile("dd.csv", b"not,a,dictionary\n", "text/csv")
    response = admin.post(
        reverse("capture:dictionary_upload", args=[live.pk]), {"dictionary": upload}
    )
    assert response.status_code == 400
    assert "Variable / Field Name" in response.content.decode()
    assert versions.proposal_of(live) is None


def test_a_proposal_can_be_discarded(admin, live, personas):
    versions.dictionary_change(
        actor=personas.committee,
        study=live,
        csv_text=dictionary_csv(row("record_id", form="baseline")),
    )
    response = admin.post(
        reverse("capture:dictionary_proposal", args=[live.pk]), {"action": "discard"}
    )
    assert response.status_code == 302
    assert not live.versions.filter(state=DictionaryVersion.State.PROPOSED).exists()


def test_the_edit_moves_a_field_to_a_new_instrument(personas, design):
    edit = builder.field_save(
        "comment", {"name": "comment", "form": "notes_form", "field_type": "notes", "label": "C"}
    )
    builder.dictionary_edit(actor=personas.committee, study=design, edit=edit, base=base_of(design))
    assert services.current_dictionary(design).instruments == ["baseline", "reading", "notes_form"]


MRI_RECODED = STUDY_CSV.replace("1, CT | 2, MRI | 3, Ultrasound", "1, CT | 20, MRI | 3, Ultrasound")


def test_the_preview_lists_a_rule_left_dead_and_rewrites_it_once_the_code_is_mapped(admin, live):
    upload = SimpleUploadedFile("dd.csv", MRI_RECODED.encode(), "text/csv")
    admin.post(reverse("capture:dictionary_upload", args=[live.pk]), {"dictionary": upload})
    preview_url = reverse("capture:dictionary_proposal", args=[live.pk])
    page = admin.get(preview_url).content.decode()
    assert "<code>mri_field</code>, branching logic:\n      left dead" in page
    assert (
        "mri_field, branching logic “[modality(2)] = &#x27;1&#x27;”: code 2 of modality is not "
        "among the new choices" in page
    )
    expected = versions.digest(MRI_RECODED)
    refused = admin.post(preview_url, {"action": "apply", "expected": expected})
    assert refused.status_code == 400
    assert versions.applied_version(live).number == 1
    mapped = admin.post(
        preview_url, {"action": "preview", "expected": expected, "map__modality__2": "20"}
    )
    page = mapped.content.decode()
    assert "<code>mri_field</code>, branching logic:\n      rewritten" in page
    assert "<code>[modality(2)]</code> → <code>[modality(20)]</code>" in page
    assert "<dd><code>[modality(20)] = &#x27;1&#x27;</code></dd>" in page
    assert "Not ready to apply" not in page
    applied = admin.post(
        preview_url, {"action": "apply", "expected": expected, "map__modality__2": "20"}
    )
    assert applied.status_code == 302
    field = services.current_dictionary(live).field("mri_field")
    assert field is not None
    assert field.branching_logic == "[modality(20)] = '1'"


def test_renaming_a_field_in_the_builder_rewrites_the_rules_that_read_it(admin, design):
    url = reverse("capture:dictionary_field", args=[design.pk, "modality"])
    values = field_post(
        design,
        name="imaging",
        field_type="checkbox",
        label="Imaging done",
        choices="1, CT\n2, MRI\n3, Ultrasound",
    )
    response = admin.post(url, values, follow=True)
    assert response.status_code == 200
    assert "mri_field (branching logic)" in response.content.decode()
    field = services.current_dictionary(design).field("mri_field")
    assert field is not None
    assert field.branching_logic == "[imaging(2)] = '1'"


def test_a_recode_in_the_builder_rewrites_the_rules_and_a_dropped_code_is_refused(admin, live):
    url = reverse("capture:dictionary_field", args=[live.pk, "modality"])
    values = field_post(
        live, name="modality", field_type="checkbox", label="Imaging done", choices="1, CT\n3, US"
    )
    refused = admin.post(url, values)
    assert refused.status_code == 400
    assert (
        "mri_field (branching logic) “[modality(2)] = &#x27;1&#x27;”: code 2 of modality is not "
        "among the new choices; change that rule first, or keep the code"
    ) in refused.content.decode()
    assert versions.proposal_of(live) is None
    # The same code under a new number, with its label kept, takes the rule with it.
    values = field_post(
        live,
        name="modality",
        field_type="checkbox",
        label="Imaging done",
        choices="1, CT\n20, MRI\n3, Ultrasound",
    )
    assert admin.post(url, values).status_code == 302
    proposal = versions.proposal_of(live)
    assert proposal is not None
    assert "[modality(20)] = '1'" in proposal.csv
    assert proposal.note.endswith("rules rewritten: mri_field (branching logic)")
    [rule] = versions.impact(live, proposal).logic
    assert (rule.before, rule.proposed, rule.rewritten) == (
        "[modality(2)] = '1'",
        "[modality(20)] = '1'",
        False,
    )
