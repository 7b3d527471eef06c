from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import PASSWORD
from audit.models import AuditEvent
from audit.selectors import events_visible_to
from capture import services
from capture.models import DataQuery, Entry, Study
from capture.tests.factories import STUDY_CSV, make_study
from core.exceptions import EditConflict
from core.testing.mfa import enable_totp
from formats.datadictionary.tests.builders import dictionary_csv, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    return make_study(personas)


@pytest.fixture
def record(personas, study):
    study, site_a, _ = study
    return services.record_create(actor=personas.trainee, study=study, study_site=site_a)


def test_a_study_is_created_from_a_dictionary_with_its_creator_as_admin(personas, study):
    study, _, _ = study
    assert study.status == Study.Status.LIVE
    assert study.roles.get().person == personas.committee
    assert services.current_dictionary(study).instruments == ["baseline", "reading"]


def test_a_dictionary_with_broken_logic_is_refused_with_the_field_named(personas):
    broken = dictionary_csv(row("record_id"), row("x", logic="[nowhere] = '1'"))
    with pytest.raises(ValidationError) as error:
        services.study_create(actor=personas.committee, title="T", dictionary_csv=broken)
    assert "line 3" in str(error.value)
    assert "[nowhere]" in str(error.value)
    assert not Study.objects.exists()


def test_an_identifier_field_keeps_a_study_from_going_live(personas):
    csv = dictionary_csv(row("record_id"), row("nhs", identifier="y"))
    study, _ = services.study_create(actor=personas.committee, title="T", dictionary_csv=csv)
    services.study_add_site(actor=personas.committee, study=study, site=personas.site_a, code="AA")
    with pytest.raises(ValidationError, match="nhs: flagged as an identifier"):
        services.study_go_live(actor=personas.committee, study=study)
    study.refresh_from_db()
    assert study.status == Study.Status.DESIGN


def test_record_ids_count_per_site(personas, study):
    study, site_a, site_b = study
    labels = [
        services.record_create(actor=personas.trainee, study=study, study_site=site).label
        for site in (site_a, site_a, site_b)
    ]
    assert labels == ["AAA-1", "AAA-2", "BBB-1"]


def test_a_save_checks_types_and_refuses_identifiers_naming_each_field(personas, record):
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": "forty", "comment": "patient NHS 943 476 5919 seen"},
        )
    assert set(error.value.message_dict) == {"age", "comment"}
    assert not Entry.objects.exists()


def test_a_value_out_of_range_needs_confirming(personas, record):
    with pytest.raises(services.NeedsConfirmation) as warning:
        services.entry_save(
            actor=personas.trainee, record=record, instrument="baseline", values={"age": "120"}
        )
    assert "age" in warning.value.warnings
    saved = services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"age": "120"},
        confirmed=True,
    )
    assert saved.entry.data["age"] == "120"


def test_branching_hides_and_clears_a_value_with_an_audit_row(personas, record):
    first = services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"modality": ["2"], "mri_field": "2"},
    )
    assert first.entry.data["mri_field"] == "2"
    second = services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"modality": ["1"], "mri_field": "2"},
        version=first.entry.version,
    )
    assert second.cleared == ["mri_field"]
    assert second.entry.data["mri_field"] == ""
    assert AuditEvent.objects.filter(action="entry.clear_hidden").count() == 1


def test_calculations_are_computed_on_the_server(personas, record):
    saved = services.entry_save(
        actor=personas.trainee, record=record, instrument="reading", values={"reader_size": "25"}
    )
    assert saved.entry.data["size_cm"] == "2.5"


def test_a_stale_save_is_refused_with_the_other_values(personas, record):
    first = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    services.entry_save(
        actor=personas.site_lead_a,
        record=record,
        instrument="baseline",
        values={"age": "41"},
        version=first.entry.version,
    )
    with pytest.raises(EditConflict) as conflict:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": "42"},
            version=first.entry.version,
        )
    assert conflict.value.current["age"] == "41"
    assert Entry.objects.get().data["age"] == "41"


def test_every_change_is_audited_with_old_and_new_values_in_the_study_scope(personas, record):
    first = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"age": "44"},
        version=first.entry.version,
        reason="typo",
    )
    update = AuditEvent.objects.get(action="entry.update")
    assert update.changes["age"] == ["40", "44"]
    assert update.reason == "typo"
    assert update.scope == f"study:{record.study_id}"
    # The network audit page never shows study data, even to the committee (with the
    # two-factor that reading it asks for).
    enable_totp(personas.committee)
    assert not events_visible_to(personas.committee).filter(scope__startswith="study:").exists()


def test_a_locked_record_refuses_saves_and_unlocking_voids_the_signature(personas, record):
    with pytest.raises(ValidationError, match="password"):
        services.record_lock(actor=personas.site_lead_a, record=record, password="wrong")
    locked = services.record_lock(actor=personas.site_lead_a, record=record, password=PASSWORD)
    assert locked.locked
    assert locked.signed
    with pytest.raises(PermissionDenied):
        services.entry_save(
            actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
        )
    with pytest.raises(ValidationError, match="why"):
        services.record_unlock(actor=personas.site_lead_a, record=record, reason=" ")
    unlocked = services.record_unlock(actor=personas.site_lead_a, record=record, reason="fix age")
    assert not unlocked.locked
    assert not unlocked.signed
    assert AuditEvent.objects.filter(action="record.unlock", reason="fix age").exists()


def test_a_query_is_raised_answered_closed_and_reopened(personas, record):
    saved = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    query = services.query_raise(
        actor=personas.mentor, entry=saved.entry, field_name="age", text="Is 40 right?"
    )
    assert query.state == DataQuery.State.OPEN
    services.query_answer(actor=personas.trainee, query=query, text="Yes, checked the notes.")
    assert query.state == DataQuery.State.ANSWERED
    services.query_close(actor=personas.mentor, query=query)
    with pytest.raises(ValidationError):
        services.query_answer(actor=personas.trainee, query=query, text="More")
    services.query_reopen(actor=personas.mentor, query=query, text="Ward says 41")
    assert query.state == DataQuery.State.OPEN
    assert query.messages.count() == 3


def test_the_study_csv_round_trips_through_the_version(personas, study):
    study, _, _ = study
    assert study.versions.get().csv == STUDY_CSV


def test_a_study_that_requires_gcp_refuses_people_without_a_valid_certificate(personas, study):
    from training.tests.factories import credential

    study, site_a, _ = study
    study.require_gcp = True
    study.save()
    with pytest.raises(ValidationError, match="Good Clinical Practice"):
        services.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.trainee,
            role="collaborator",
            study_site=site_a,
        )
    credential(personas.trainee, days_ago=100)
    granted = services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    assert granted.role == "collaborator"
