"""Each step of `capture.services.entry_save`, alone: read, validate, apply branching,
calculate, screen identifiers, save, audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from capture import services
from capture.models import Entry
from capture.tests.factories import make_study
from core.exceptions import EditConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas):
    study, site_a, _ = make_study(personas)
    return services.record_create(actor=personas.trainee, study=study, study_site=site_a)


def read(personas, record, instrument="baseline", version=None):
    return services.entry_read(
        actor=personas.trainee,
        record=record,
        instrument=instrument,
        instance=1,
        version=version,
        event=None,
        now=timezone.now(),
    )


def save(personas, record, values, instrument="baseline", version=None):
    return services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument=instrument,
        values=values,
        version=version,
    )


def test_read_gives_a_new_unsaved_entry_with_the_instruments_fields(personas, record):
    target = read(personas, record)
    assert target.entry.pk is None
    assert target.entry.version == 0
    assert target.before == {}
    assert [f.name for f in target.fields][:3] == ["record_id", "age", "modality"]
    assert target.logic.record_name == record.label


def test_read_finds_the_saved_entry_and_refuses_a_stale_version_or_a_lock(personas, record):
    save(personas, record, {"age": "40"})
    target = read(personas, record, version=1)
    assert target.before["age"] == "40"
    with pytest.raises(EditConflict) as clash:
        read(personas, record, version=0)
    assert clash.value.current["age"] == "40"
    with pytest.raises(ValidationError, match="no instrument"):
        read(personas, record, instrument="nowhere")
    record.locked = True
    record.save(update_fields=["locked"])
    with pytest.raises(PermissionDenied, match="locked"):
        read(personas, record)


def test_validate_names_type_errors_warnings_and_a_foreign_record_id(personas, record):
    target = read(personas, record)
    checked = services.entry_validate(
        target,
        {"age": "forty", "scan_date": "2026-02-30", "record_id": "ZZZ-9"},
        reason="",
        now=timezone.now(),
    )
    assert set(checked.errors) == {"age", "scan_date", "record_id"}
    assert "cannot be changed" in checked.errors["record_id"]
    high = services.entry_validate(target, {"age": "150"}, reason="", now=timezone.now())
    assert (high.errors, set(high.warnings), high.values["age"]) == ({}, {"age"}, "150")


def test_validate_screens_the_reason_for_identifiers(personas, record):
    target = read(personas, record)
    checked = services.entry_validate(
        target, {"age": "40"}, reason="for NHS 943 476 5919", now=timezone.now()
    )
    assert set(checked.errors) == {"reason"}


def test_branching_shows_a_field_only_when_its_logic_holds(personas, record):
    target = read(personas, record)
    shown = services.entry_apply_branching(target, {"modality": ["2"]})
    hidden = services.entry_apply_branching(target, {"modality": ["1"]})
    assert "mri_field" not in shown.hidden
    assert "mri_field" in hidden.hidden


def test_calculate_writes_calculations_the_record_id_and_clears_hidden_values(personas, record):
    reading = read(personas, record, instrument="reading")
    typed: dict[str, Any] = {"lesions": "2", "reader_size": "25"}
    after, cleared = services.entry_calculate(
        reading, typed, services.entry_apply_branching(reading, typed)
    )
    assert after["size_cm"] == "2.5"
    baseline = read(personas, record)
    typed = {"modality": ["1"], "mri_field": "2"}
    after, cleared = services.entry_calculate(
        baseline, typed, services.entry_apply_branching(baseline, typed)
    )
    assert (after["mri_field"], cleared) == ("", ["mri_field"])
    assert after["record_id"] == record.label  # RadCollab gives it, on the first form


def test_screening_finds_identifiers_in_typed_and_written_values(personas, record):
    target = read(personas, record)
    found = services.entry_screen_identifiers(
        target, {"comment": "patient NHS 943 476 5919 seen"}, {"comment": ""}
    )
    assert set(found) == {"comment"}
    assert services.entry_screen_identifiers(target, {"comment": "fine"}, {}) == {}


def test_write_saves_one_version_up_and_gives_the_changes(personas, record):
    target = read(personas, record)
    changes = services.entry_write(personas.trainee, target, {"age": "40"}, status=2)
    entry = Entry.objects.get()
    assert (entry.version, entry.status, entry.data) == (1, 2, {"age": "40"})
    assert changes["age"] == (None, "40")
    assert changes["__status"] == ("Incomplete", "Complete")
    assert not AuditEvent.objects.filter(action__startswith="entry.").exists()


def test_audit_records_the_change_and_each_cleared_value(personas, record):
    target = read(personas, record)
    changes = services.entry_write(personas.trainee, target, {"age": "40"}, status=0)
    services.entry_audit(
        personas.trainee,
        target,
        changes,
        reason="typo",
        cleared=["mri_field"],
        typed={"mri_field": "2"},
    )
    rows = AuditEvent.objects.filter(action__startswith="entry.").order_by("pk")
    assert [row.action for row in rows] == ["entry.create", "entry.clear_hidden"]
    assert rows[0].reason == "typo"
    assert rows[1].changes["mri_field"] == ["2", ""]
