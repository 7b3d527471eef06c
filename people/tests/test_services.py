from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from core.exceptions import EditConflict
from people.models import Term, TraineeProfile
from people.services import (
    TAXONOMY,
    mentor_profile_save,
    taxonomy_seed,
    trainee_profile_save,
)

pytestmark = pytest.mark.django_db


def term(name: str) -> Term:
    return Term.objects.get(name=name)


def save_trainee(person, version=None, **overrides):
    values = {
        "grade": "st3",
        "hours_per_week": 4,
        "interests": [term("Neuroradiology"), term("MRI")],
        "skills": [term("Python")],
        **overrides,
    }
    return trainee_profile_save(person=person, version=version, **values)


def test_the_taxonomy_is_seeded_once_and_admin_renames_survive():
    expected = sum(len(names) for names in TAXONOMY.values())
    assert Term.objects.count() == expected  # by the data migration
    Term.objects.filter(name="CT").update(name="Computed tomography")
    assert taxonomy_seed() == 0
    assert Term.objects.filter(name="Computed tomography").exists()
    assert not Term.objects.filter(name="CT").exists()


def test_a_trainee_profile_is_created_with_interests_and_audited(personas):
    profile = save_trainee(personas.trainee)
    assert profile.version == 1
    assert {t.name for t in profile.interests.all()} == {"Neuroradiology", "MRI"}
    event = AuditEvent.objects.get(action="traineeprofile.save")
    assert event.changes["interests"] == [None, ["MRI", "Neuroradiology"]]


def test_saving_from_the_current_version_updates_and_counts_up(personas):
    first = save_trainee(personas.trainee)
    second = save_trainee(personas.trainee, version=first.version, hours_per_week=8)
    assert second.version == 2
    assert TraineeProfile.objects.get(person=personas.trainee).hours_per_week == 8


def test_a_save_from_a_stale_version_is_refused_and_shows_what_changed(personas):
    first = save_trainee(personas.trainee)
    save_trainee(personas.trainee, version=first.version, hours_per_week=8)
    with pytest.raises(EditConflict) as clash:
        save_trainee(personas.trainee, version=first.version, hours_per_week=2)
    assert clash.value.current == {"hours per week": "8"}
    assert clash.value.version == 2
    assert TraineeProfile.objects.get(person=personas.trainee).hours_per_week == 8


def test_a_skill_among_interests_is_refused_and_nothing_is_saved(personas):
    with pytest.raises(ValidationError) as refused:
        save_trainee(personas.trainee, interests=[term("Python")])
    assert "interests" in refused.value.message_dict
    assert not TraineeProfile.objects.exists()


def test_too_many_hours_are_refused_by_field(personas):
    with pytest.raises(ValidationError) as refused:
        save_trainee(personas.trainee, hours_per_week=90)
    assert "hours_per_week" in refused.value.message_dict
    assert not TraineeProfile.objects.exists()


def test_a_person_can_be_trainee_and_mentor(personas):
    save_trainee(personas.site_lead_a)
    mentor = mentor_profile_save(
        person=personas.site_lead_a,
        version=None,
        title="consultant",
        site=personas.site_a,
        expertise=[term("Neuroradiology")],
        accepting_trainees=True,
        capacity=2,
    )
    assert mentor.person == personas.site_lead_a
    assert personas.site_lead_a.trainee_profile.grade == "st3"
