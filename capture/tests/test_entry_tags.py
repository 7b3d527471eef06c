"""The entry form draws what REDCap draws and applies the action tags (issue 15, items 5
and 7): the service that fills and limits values, the page, and the save."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from capture import services
from capture.actiontags import opening_values, tag_errors, tags_of
from capture.entry_form import EntryField, Matrix, Render, entry_blocks
from capture.entry_html import field_html, matrix_html
from capture.labels import readable_colour, safe_html
from capture.logic import Context
from capture.models import Entry
from capture.piping import Pipes, piped_text
from capture.tests.entry_dictionary import ENTRY_CSV, reading_study
from core.testing.mfa import enable_totp
from formats.datadictionary import read_data_dictionary

FIELDS = read_data_dictionary(ENTRY_CSV).dictionary.fields
BY_NAME = {f.name: f for f in FIELDS}
PIPES = Pipes.of(FIELDS)
CONTEXT = Context(
    today=date(2026, 3, 4),
    now=datetime(2026, 3, 4, 9, 30, 15, tzinfo=UTC),
    record_name="STH-7",
    user_name="dr.who@example.org",
)


# --- Action tags, piping and labels (no database) --------------------------------------


def test_the_tags_read_from_the_annotation():
    assert tags_of(BY_NAME["summary"]).charlimit == 40
    assert tags_of(BY_NAME["summary"]).wordlimit == 6
    findings = tags_of(BY_NAME["findings"])
    assert (findings.maxchecked, findings.none_of_the_above) == (2, ("99",))
    assert tags_of(BY_NAME["secret"]).hidden
    assert tags_of(BY_NAME["reading_code"]).readonly
    assert tags_of(BY_NAME["reader"]).placeholder == "e.g. your email"
    assert not tags_of(BY_NAME["gone"]).any  # @HIDDEN-SURVEY: kept, not applied


def test_a_new_form_opens_with_its_defaults_piped_and_today():
    fields = list(FIELDS)
    opened = opening_values(fields, {}, new=True, pipes=PIPES, context=CONTEXT)
    assert opened["reader"] == "dr.who@example.org"
    assert opened["reading_code"] == "R-STH-7"
    assert opened["scan_date"] == "2026-03-04"
    assert opened["secret"] == "k1"


def test_a_saved_form_keeps_its_values_and_gets_no_defaults():
    saved = {"reader": "", "scan_date": "2025-01-02"}
    opened = opening_values(list(FIELDS), saved, new=False, pipes=PIPES, context=CONTEXT)
    assert opened["reader"] == ""
    assert opened["scan_date"] == "2025-01-02"


def test_piping_shows_a_choices_label_and_a_blank_as_nothing():
    values = {"modality": "2", "scan_date": "2026-01-05"}
    assert piped_text("on [modality] ([modality:value])", PIPES, values) == "on MRI (2)"
    assert piped_text("[reader] [see below]", PIPES, values) == " [see below]"


@pytest.mark.parametrize(
    ("name", "value", "saved", "expected"),
    [
        ("summary", "x" * 41, {}, "at most 40 characters (@CHARLIMIT); it has 41"),
        ("summary", "one two three four five six seven", {}, "at most 6 words (@WORDLIMIT)"),
        ("findings", ["1", "2", "3"], {}, "tick at most 2 (@MAXCHECKED); 3 are ticked"),
        ("findings", ["1", "99"], {}, "“None of these” means none of the others"),
        ("reading_code", "R-XXX", {"reading_code": "R-STH-7"}, "read-only (@READONLY)"),
        ("reading_code", "made up", {}, "read-only (@READONLY)"),
    ],
)
def test_the_server_refuses_what_a_tag_forbids(name, value, saved, expected):
    errors = tag_errors(list(FIELDS), {name: value}, saved, pipes=PIPES, context=CONTEXT)
    assert expected in errors[name]


@pytest.mark.parametrize(
    ("name", "value", "saved"),
    [
        ("summary", "x" * 40, {}),
        ("findings", ["99"], {}),
        ("findings", ["1", "3"], {}),
        ("reading_code", "R-STH-7", {}),  # the default the form filled in
        ("reading_code", "R-STH-7", {"reading_code": "R-STH-7"}),
    ],
)
def test_the_server_takes_what_a_tag_allows(name, value, saved):
    assert tag_errors(list(FIELDS), {name: value}, saved, pipes=PIPES, context=CONTEXT) == {}


def test_labels_keep_emphasis_colour_tables_and_links_and_lose_scripts_and_hiding_styles():
    cleaned = safe_html(
        '<b>B</b> <span style="color:red; display:none" onclick="x()">r</span>'
        '<script>alert(1)</script><a href="javascript:x()">j</a><a href="https://x.org">l</a>'
        "<table><tr><td>1</td></tr></table><ul><li>i</li></ul><img src=https://t.example/p>"
    )
    assert "<b>B</b>" in cleaned
    assert '<span data-colour="red">r</span>' in cleaned
    assert "script" not in cleaned
    assert "alert" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript" not in cleaned
    assert "display" not in cleaned
    assert "<img" not in cleaned
    assert '<a href="https://x.org" rel="noopener noreferrer">l</a>' in cleaned
    assert "<td>1</td>" in cleaned
    assert "<li>i</li>" in cleaned


@pytest.mark.parametrize(
    ("colour", "kept"),
    [("red", True), ("#c00", True), ("rgb(0, 102, 0)", True), ("white", False),
     ("yellow", False), ("#fefefe", False), ("expression(alert(1))", False)],
)  # fmt: skip
def test_only_colours_that_read_on_white_are_kept(colour, kept):
    assert (readable_colour(colour) is not None) is kept


def test_the_blocks_draw_a_matrix_a_slider_and_a_piped_sanitised_label():
    values = {"modality": "1"}
    render = Render(PIPES, values, CONTEXT)
    blocks = entry_blocks(list(FIELDS), values, render)
    matrix = next(b for b in blocks if isinstance(b, Matrix))
    assert [row.name for row in matrix.rows] == ["image_quality", "contrast_quality"]
    assert [label for _, label in matrix.choices] == ["Poor", "Fair", "Good"]
    confidence = next(b for b in blocks if getattr(b, "name", "") == "confidence")
    assert isinstance(confidence, EntryField)
    slider = confidence.slider
    assert slider is not None
    assert (slider.low, slider.high, slider.show_number) == (0, 100, True)
    assert slider.anchors == ("Not at all", "Somewhat", "Completely")
    size = next(b for b in blocks if getattr(b, "name", "") == "size")
    assert isinstance(size, EntryField)
    assert size.label_html == (
        'Size of the <b>largest</b> lesion on <span data-colour="#c00">'
        '<span class="piped" data-pipe="0">CT</span></span>'
    )
    assert render.piped.trees[0]["name"] == "modality"


def test_values_are_escaped_wherever_they_are_drawn():
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    values = {"reader": hostile, "scan_date": "2026-01-05", "summary": hostile}
    render = Render(PIPES, values, CONTEXT)
    blocks = entry_blocks(list(FIELDS), values, render)
    drawn = "".join(
        matrix_html(b)
        if isinstance(b, Matrix)
        else field_html(b, record_id_field="record_id", record_label="X-1")
        for b in blocks
    )
    assert "<script>" not in drawn
    assert "<img" not in drawn
    assert 'value="&quot;&gt;&lt;script&gt;' in drawn  # the reader's box
    assert 'Mass seen by <span class="piped" data-pipe="1">&quot;&gt;&lt;script&gt;' in drawn


# --- The page and the save -----------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(personas):
    return reading_study(personas)


def entry_url(study, record):
    return reverse("capture:entry", args=[study.pk, record.pk, "reading"])


def test_the_page_draws_the_slider_matrix_labels_and_tags(client, personas, reading):
    study, record = reading
    client.force_login(personas.trainee)
    page = client.get(entry_url(study, record)).content.decode()
    assert 'type="range" id="id_confidence" name="confidence" min="0" max="100"' in page
    assert "<span>Not at all</span><span>Somewhat</span><span>Completely</span>" in page
    assert 'data-slider-blank="confidence" checked' in page
    assert '<table class="matrix" data-matrix="q">' in page
    assert 'aria-label="Image quality: Good"' in page
    assert "<b>largest</b>" in page
    assert "alert(1)" not in page
    assert "In millimetres, <em>longest</em> axis" in page
    assert '<div data-field="secret" hidden data-tag-hidden' in page
    assert 'placeholder="e.g. your email"' in page
    assert f'value="{personas.trainee.email.partition("@")[0]}"' in page  # @DEFAULT='[user-name]'
    assert 'value="R-STH-1" readonly' in page
    assert 'maxlength="40" data-charlimit="40" data-wordlimit="6"' in page
    assert 'data-maxchecked="2" data-none-of-the-above="99"' in page
    assert 'id="capture-pipes"' in page
    assert '<input type="search" data-filter-for="id_protocol"' in page
    assert 'name="size" type="text" value="" pattern="' in page  # REDCap's number pattern


def test_a_slider_left_blank_saves_blank_and_a_tag_limit_is_refused(client, personas, reading):
    study, record = reading
    client.force_login(personas.trainee)
    form = {
        "modality": "1",
        "confidence": "50",
        "confidence__blank": "1",
        "reading_code": "R-STH-1",
        "summary": "x" * 41,
        "status": "0",
    }
    refused = client.post(entry_url(study, record), form)
    assert refused.status_code == 400
    assert "at most 40 characters (@CHARLIMIT)" in refused.content.decode()
    form["summary"] = "a mass"
    assert client.post(entry_url(study, record), form).status_code == 302
    data = Entry.objects.get(record=record, instrument="reading").data
    assert data["confidence"] == ""
    assert data["reading_code"] == "R-STH-1"
    assert data["summary_length"] == "6"


def test_the_service_keeps_a_read_only_value_and_applies_the_context(personas, reading):
    _study, record = reading
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="reading",
        values={"reading_code": "R-STH-1", "confidence": "73", "modality": "1", "reader": "dr x"},
    )
    with pytest.raises(ValidationError) as refused:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="reading",
            values={"reading_code": "R-OTHER"},
        )
    assert "read-only (@READONLY)" in refused.value.message_dict["reading_code"][0]
    data = Entry.objects.get(record=record, instrument="reading").data
    assert (data["confidence_band"], data["ct_reader"]) == ("7", "1")


def test_the_study_page_lists_what_is_not_applied_or_evaluated(client, personas, reading):
    study, _ = reading
    client.force_login(personas.committee)
    enable_totp(personas.committee)
    page = client.get(reverse("capture:study", args=[study.pk])).content.decode()
    assert "@HIDDEN-SURVEY is kept, not applied" in page
    assert "[baseline_arm_1][modality] reads a field at another event" in page


@pytest.fixture
def in_design(personas):
    study, _ = services.study_create(
        actor=personas.committee, title="Reading study", dictionary_csv=ENTRY_CSV
    )
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_a, code="STH")
    return study


def test_going_live_needs_the_list_acknowledged(personas, in_design):
    with pytest.raises(ValidationError) as refused:
        services.study_go_live(actor=personas.committee, study=in_design)
    assert "2 item(s) RadCollab keeps but does not apply" in str(refused.value)
    services.study_go_live(actor=personas.committee, study=in_design, acknowledged=True)
    in_design.refresh_from_db()
    assert in_design.status == "live"


def test_the_go_live_form_lists_the_items_and_refuses_without_the_tick(client, personas, in_design):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    admin_page = client.get(reverse("capture:study_admin", args=[in_design.pk])).content.decode()
    assert "@HIDDEN-SURVEY is kept, not applied" in admin_page
    assert 'name="acknowledged"' in admin_page
    url = reverse("capture:study_manage", args=[in_design.pk, "live"])
    refused = client.post(url, follow=True).content.decode()
    assert "tick that you have read the list" in refused
    in_design.refresh_from_db()
    assert in_design.status == "design"
    client.post(url, {"acknowledged": "on"})
    in_design.refresh_from_db()
    assert in_design.status == "live"


def test_the_api_refuses_what_a_tag_forbids_naming_the_field(personas, reading):
    study, record = reading
    secret = api_token_create(user=personas.trainee, name="script").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/studies/{study.pk}/records/{record.pk}/reading"
    refused = client.put(
        url,
        data={"values": {"findings": ["1", "2", "3"]}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    problem = refused.json()["detail"][0]
    assert problem["loc"] == ["body", "findings"]
    assert "tick at most 2 (@MAXCHECKED)" in problem["msg"]
