"""core.conflicts: one edit-conflict notice for pages, one 409 schema for the API."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.loader import render_to_string

from core.conflicts import (
    CONFLICT,
    Conflict,
    conflict_body,
    conflict_notice,
    conflict_text,
    form_save,
    page_status,
    restamp,
)
from core.exceptions import EditConflict


class GoalForm(forms.Form):
    hours_per_week = forms.IntegerField(label="Hours a week")
    kind = forms.ChoiceField(choices=[("paper", "A paper"), ("poster", "A poster")])
    themes = forms.MultipleChoiceField(choices=[("ct", "CT"), ("mr", "MRI")], required=False)
    full_name = forms.CharField(label="Full name", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def posted(**values: object) -> GoalForm:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = str(value)
    form = GoalForm(data)
    form.is_valid()
    return form


def clash(**current: object) -> EditConflict:
    return EditConflict("This goal was saved elsewhere.", current=current, version=4)


def test_each_saved_value_is_shown_beside_the_persons_own_with_the_fields_label():
    form = posted(hours_per_week=6, kind="poster", themes=["ct", "mr"], version=3)
    notice = conflict_notice(clash(**{"hours per week": 9, "kind": "paper"}), form=form)
    assert [(r.label, r.saved, r.yours) for r in notice.rows] == [
        ("Hours a week", "9", "6"),
        ("Kind", "paper", "A poster"),  # the person's choice by its label, not its code
    ]
    assert notice.shows_yours
    assert str(notice) == "This goal was saved elsewhere."
    assert (notice.version, notice.current) == (4, {"hours per week": 9, "kind": "paper"})


def test_a_field_is_found_by_its_label_and_lists_and_blanks_are_written_out():
    form = posted(hours_per_week=2, kind="paper", themes=["ct", "mr"], full_name="")
    notice = conflict_notice(clash(**{"Full name": "Dr Two", "themes": ["CT"]}), form=form)
    assert [(r.label, r.saved, r.yours) for r in notice.rows] == [
        ("Full name", "Dr Two", "—"),
        ("Themes", "CT", "CT, MRI"),
    ]


def test_values_given_directly_and_their_labels_replace_the_forms():
    notice = conflict_notice(
        clash(age="41", smoker=None), yours={"age": "42"}, labels={"age": "Age at scan"}
    )
    assert [(r.label, r.saved, r.yours) for r in notice.rows] == [
        ("Age at scan", "41", "42"),
        ("Smoker", "—", "—"),
    ]


def test_without_the_persons_values_only_the_saved_ones_are_shown():
    notice = conflict_notice(clash(title="Collect 100 cases"))
    assert not notice.shows_yours
    html = render_to_string("core/conflict_notice.html", {"conflict": notice})
    assert "Collect 100 cases" in html
    assert "Yours, not saved" not in html


def test_the_partial_shows_heading_both_values_and_the_next_step_escaped():
    form = posted(hours_per_week=6, kind="paper", full_name="<b>Me</b>")
    notice = conflict_notice(clash(**{"full name": "<i>Them</i>"}), form=form)
    html = render_to_string("core/conflict_notice.html", {"conflict": notice})
    assert 'role="alert"' in html
    assert "Saved elsewhere while you were editing" in html
    assert "This goal was saved elsewhere. Nothing of yours was saved yet." in html
    assert "&lt;i&gt;Them&lt;/i&gt;" in html
    assert "&lt;b&gt;Me&lt;/b&gt;" in html
    assert "save again" in html
    assert render_to_string("core/conflict_notice.html", {"conflict": None}).strip() == ""


def test_a_page_may_name_its_own_heading_and_next_step():
    notice = conflict_notice(clash(), heading="Someone saved this form", next_step="Look again.")
    html = render_to_string("core/conflict_notice.html", {"conflict": notice})
    assert "Someone saved this form" in html
    assert "Look again." in html


def test_restamping_keeps_every_posted_value_with_the_saved_version():
    form = posted(hours_per_week=6, kind="paper", themes=["ct", "mr"], version=3)
    restamp(form, 7)
    assert form.data["version"] == "7"
    assert isinstance(form.data, QueryDict)
    assert form.data.getlist("themes") == ["ct", "mr"]
    assert form["hours_per_week"].value() == "6"


def test_form_save_returns_the_services_result_when_it_saves():
    form = posted(hours_per_week=6, kind="paper")
    outcome = form_save(form, lambda: "saved row")
    assert (outcome.saved, outcome.result, outcome.conflict, outcome.status) == (
        True,
        "saved row",
        None,
        200,
    )


def test_form_save_turns_a_conflict_into_the_notice_and_restamps_the_form():
    form = posted(hours_per_week=6, kind="paper", version=3)

    def save() -> None:
        raise clash(**{"hours per week": 9})

    outcome = form_save(form, save, heading="Changed meanwhile")
    assert not outcome.saved
    assert outcome.status == 409
    assert outcome.conflict is not None
    assert outcome.conflict.heading == "Changed meanwhile"
    assert [(r.saved, r.yours) for r in outcome.conflict.rows] == [("9", "6")]
    assert form.data["version"] == "4"  # saving again replaces version 4 on purpose


def test_form_save_puts_a_refusal_on_the_field_it_names():
    form = posted(hours_per_week=6, kind="paper")

    def save() -> None:
        raise ValidationError({"hours_per_week": "At most 40 hours."})

    outcome = form_save(form, save)
    assert (outcome.saved, outcome.conflict, outcome.status) == (False, None, 400)
    assert form.errors["hours_per_week"] == ["At most 40 hours."]


def test_form_save_lets_any_other_error_through():
    form = posted(hours_per_week=6, kind="paper")

    def save() -> None:
        raise LookupError("a bug")

    with pytest.raises(LookupError):
        form_save(form, save)


def test_the_page_status_is_409_for_a_conflict_400_for_errors_else_200():
    assert page_status(posted(hours_per_week=1, kind="paper")) == 200
    assert page_status(posted(hours_per_week="x", kind="paper")) == 400
    assert page_status(None, conflict_notice(clash())) == 409


def test_the_api_body_carries_the_detail_the_version_and_the_saved_values():
    body = conflict_body(clash(state="In progress"))
    assert body.model_dump() == {
        "detail": "This goal was saved elsewhere.",
        "version": 4,
        "current": {"state": "In progress"},
    }
    assert CONFLICT[409] is Conflict


def test_a_message_after_a_redirect_names_the_saved_values():
    assert conflict_text(clash(title="Data in", due_on=None)) == (
        "This goal was saved elsewhere. Saved now: title: Data in; due_on: —."
    )
    assert conflict_text(clash()) == "This goal was saved elsewhere."


# Every API operation whose service can refuse a stale save or delete.
CONFLICTING = [
    ("patch", "/api/v1/projects/tasks/{task_id}"),
    ("delete", "/api/v1/projects/tasks/{task_id}"),
    ("patch", "/api/v1/projects/milestones/{milestone_id}"),
    ("delete", "/api/v1/projects/milestones/{milestone_id}"),
    ("patch", "/api/v1/projects/meetings/{meeting_id}"),
    ("delete", "/api/v1/projects/meetings/{meeting_id}"),
    ("post", "/api/v1/projects/{project_id}/agreement/confirm"),
    ("put", "/api/v1/outputs/{output_id}"),
    ("put", "/api/v1/opportunities/programmes/{programme_id}"),
    ("post", "/api/v1/events/projects/{project_id}/plan"),
    ("put", "/api/v1/studies/{study_id}/records/{record_id}/{instrument}"),
    ("post", "/api/v1/studies/{study_id}/dictionary/proposal"),
]


def test_the_openapi_document_gives_every_operation_that_can_conflict_the_one_409_schema():
    from radcollab.api import api

    document = api.get_openapi_schema()
    schema = document["components"]["schemas"]["Conflict"]
    assert set(schema["required"]) == {"detail", "version", "current"}
    for method, path in CONFLICTING:
        answer = document["paths"][path][method]["responses"]["409"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Conflict"
        }, (method, path)
