"""Arms, events and designations of a study: replaced as a whole, never losing data."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from capture import longitudinal, services
from capture.models import DictionaryVersion, Entry, Event
from capture.tests.factories import make_study
from capture.tests.longitudinal_study import DESIGN, make_longitudinal_study
from formats.datadictionary.tests.builders import dictionary_csv, row
from formats.longitudinal import Arm, Design, Designation
from formats.longitudinal import Event as EventSpec

pytestmark = pytest.mark.django_db


def test_a_design_is_written_read_back_and_recorded_by_the_draft(personas):
    study, _, _ = make_longitudinal_study(personas, live=False)
    assert longitudinal.is_longitudinal(study)
    assert longitudinal.design_of(study) == DESIGN
    draft = study.versions.get()
    assert draft.design == DESIGN.as_dict()
    row = AuditEvent.objects.filter(action="study.events").get()
    assert row.changes["events_added"][1] == ["baseline_arm_1", "week_6_arm_1"]


def test_a_classic_study_has_no_events_and_repeats_as_before(personas):
    study, _, _ = make_study(personas)
    assert not longitudinal.is_longitudinal(study)
    assert services.repeats(study, None, "reading") is False


def test_an_inconsistent_design_is_refused_whole(personas):
    study, _, _ = make_study(personas, live=False)
    bad = replace(DESIGN, designations=(*DESIGN.designations, Designation("week_6_arm_1", "nope")))
    with pytest.raises(ValidationError) as caught:
        longitudinal.design_replace(actor=personas.committee, study=study, design=bad)
    assert "the study has no instrument 'nope'" in str(caught.value)
    assert not Event.objects.filter(study=study).exists()


def test_an_event_or_designation_holding_data_cannot_be_removed(personas):
    study, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    week6 = Event.objects.get(study=study, unique_name="week_6_arm_1")
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="reading",
        event=week6,
        values={"lesions": "2"},
    )
    fewer = replace(DESIGN, events=DESIGN.events[:1], designations=DESIGN.designations[:2])
    with pytest.raises(ValidationError) as caught:
        longitudinal.design_replace(actor=personas.committee, study=study, design=fewer)
    assert "Event 'week_6_arm_1' holds 1 entries" in str(caught.value)
    undesignated = replace(DESIGN, designations=DESIGN.designations[:2])
    with pytest.raises(ValidationError) as caught:
        longitudinal.design_replace(actor=personas.committee, study=study, design=undesignated)
    assert "must stay designated" in str(caught.value)


def test_a_change_to_a_study_with_data_is_a_new_version(personas):
    study, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"age": "40"},
        event=Event.objects.get(study=study, unique_name="baseline_arm_1"),
    )
    more = replace(
        DESIGN,
        events=(*DESIGN.events, EventSpec("Week 12", 1, "week_12_arm_1", day_offset=84)),
        designations=(*DESIGN.designations, Designation("week_12_arm_1", "reading")),
    )
    change = longitudinal.design_replace(actor=personas.committee, study=study, design=more)
    assert change.added == ["week_12_arm_1"]
    assert change.version == 2
    v2 = study.versions.get(number=2)
    assert v2.state == DictionaryVersion.State.APPLIED
    assert v2.design == more.as_dict()
    assert v2.csv == study.versions.get(number=1).csv


def test_a_classic_study_with_data_moves_its_entries_to_the_first_event(personas):
    study, site_a, _ = make_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", values={"age": "40"}
    )
    change = longitudinal.design_replace(actor=personas.committee, study=study, design=DESIGN)
    assert change.moved_entries == 1
    moved = Entry.objects.get(record=record).event
    assert moved is not None
    assert moved.unique_name == "baseline_arm_1"


LOGIC_CSV = dictionary_csv(
    row("record_id", label="Record ID", form="baseline"),
    row("age", label="Age", form="baseline", validation="integer"),
    row("score", label="Score", form="visit", validation="integer"),
    row("change", "calc", "Change since baseline", form="visit",
        choices="[week_6_arm_1][score] - [baseline_arm_1][score]"),
    row("older", label="Only when older", form="visit", logic="[baseline_arm_1][age] > 60"),
)  # fmt: skip
LOGIC_DESIGN = Design(
    arms=(Arm(1, "Arm 1"),),
    events=(EventSpec("Baseline", 1, "baseline_arm_1"), EventSpec("Week 6", 1, "week_6_arm_1")),
    designations=(
        Designation("baseline_arm_1", "baseline"),
        Designation("baseline_arm_1", "visit"),
        Designation("week_6_arm_1", "visit"),
    ),
)


def test_logic_reads_a_field_at_another_event(personas):
    study, _ = services.study_create(
        actor=personas.committee, title="Visits", dictionary_csv=LOGIC_CSV
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="AAA"
    )
    longitudinal.design_replace(actor=personas.committee, study=study, design=LOGIC_DESIGN)
    services.study_go_live(actor=personas.committee, study=study, acknowledged=True)
    logic = services.current_dictionary(study).logic
    assert logic["change"].calc is not None
    assert logic["older"].branching is not None
    record = services.record_create(actor=personas.committee, study=study, study_site=site)
    baseline = Event.objects.get(study=study, unique_name="baseline_arm_1")
    week6 = Event.objects.get(study=study, unique_name="week_6_arm_1")
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", event=baseline,
        values={"age": "70"},
    )  # fmt: skip
    services.entry_save(
        actor=personas.committee, record=record, instrument="visit", event=baseline,
        values={"score": "10"},
    )  # fmt: skip
    result = services.entry_save(
        actor=personas.committee, record=record, instrument="visit", event=week6,
        values={"score": "4", "older": "yes"},
    )  # fmt: skip
    assert result.entry.data["change"] == "-6"
    assert result.entry.data["older"] == "yes"  # shown: the age at baseline is over 60


def test_an_import_evaluates_logic_across_events(personas):
    study, _ = services.study_create(
        actor=personas.committee, title="Visits", dictionary_csv=LOGIC_CSV
    )
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_a, code="AAA")
    longitudinal.design_replace(actor=personas.committee, study=study, design=LOGIC_DESIGN)
    services.study_go_live(actor=personas.committee, study=study, acknowledged=True)
    from capture import imports
    from core.testing.mfa import enable_totp

    enable_totp(personas.committee)
    text = (
        "record_id,redcap_event_name,age,score,older\r\n"
        "AAA-1,baseline_arm_1,50,10,\r\n"
        "AAA-1,week_6_arm_1,,13,kept?\r\n"
    )
    imports.import_commit(actor=personas.committee, study=study, text=text)
    week6 = Entry.objects.get(event__unique_name="week_6_arm_1")
    assert week6.data["change"] == "3"
    assert week6.data["older"] == ""  # hidden: the age at baseline is 50


def _without(csv_text, form):
    lines = csv_text.splitlines(keepends=True)
    return "".join(line for line in lines if f",{form}," not in line)


def test_a_new_dictionary_may_not_drop_a_form_an_event_collects(personas):
    from capture import versions
    from capture.tests.factories import STUDY_CSV

    study, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", values={"age": "40"},
        event=Event.objects.get(study=study, unique_name="baseline_arm_1"),
    )  # fmt: skip
    proposal, _ = versions.dictionary_change(
        actor=personas.committee, study=study, csv_text=_without(STUDY_CSV, "reading")
    )
    with pytest.raises(ValidationError) as caught:
        versions.version_apply(
            actor=personas.committee, version=proposal, expected=versions.digest(proposal.csv)
        )
    assert "The form reading is collected at the event week_6_arm_1" in str(caught.value)


def test_a_field_moved_to_another_form_stays_at_its_event(personas):
    from capture import versions
    from capture.tests.factories import STUDY_CSV

    study, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    baseline = Event.objects.get(study=study, unique_name="baseline_arm_1")
    week6 = Event.objects.get(study=study, unique_name="week_6_arm_1")
    services.entry_save(
        actor=personas.committee, record=record, instrument="baseline", event=baseline,
        values={"comment": "seen"},
    )  # fmt: skip
    services.entry_save(
        actor=personas.committee, record=record, instrument="reading", event=week6,
        values={"lesions": "4"},
    )  # fmt: skip
    # lesions is held at week 6, where the baseline form is not collected: refused.
    stranded = STUDY_CSV.replace("lesions,reading,", "lesions,baseline,")
    proposal, _ = versions.dictionary_change(
        actor=personas.committee, study=study, csv_text=stranded
    )
    with pytest.raises(ValidationError) as caught:
        versions.version_apply(
            actor=personas.committee, version=proposal, expected=versions.digest(proposal.csv)
        )
    assert "lesions moves to the form baseline, which is not collected at the event " in str(
        caught.value
    )
    # comment moves to reading, which the baseline event collects: it stays at baseline.
    lines = STUDY_CSV.splitlines(keepends=True)
    comment = next(line for line in lines if line.startswith("comment,baseline,"))
    moved = "".join(line for line in lines if line != comment) + comment.replace(
        "comment,baseline,", "comment,reading,"
    )
    proposal, _ = versions.dictionary_change(actor=personas.committee, study=study, csv_text=moved)
    versions.version_apply(
        actor=personas.committee, version=proposal, expected=versions.digest(proposal.csv)
    )
    entries = Entry.objects.filter(record=record).values_list(
        "event__unique_name", "instrument", "data"
    )
    found = {(event, form): data for event, form, data in entries}
    assert found[("baseline_arm_1", "reading")]["comment"] == "seen"
    assert "comment" not in found[("baseline_arm_1", "baseline")]
    assert found[("week_6_arm_1", "reading")]["lesions"] == "4"


def test_an_event_holding_entries_cannot_be_deleted_even_outside_the_service(personas):
    from django.db.models import RestrictedError

    study, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    week6 = Event.objects.get(study=study, unique_name="week_6_arm_1")
    services.entry_save(
        actor=personas.committee, record=record, instrument="reading", values={"lesions": "1"},
        event=week6,
    )  # fmt: skip
    with pytest.raises(RestrictedError):
        week6.delete()
    assert Entry.objects.filter(event=week6).exists()
