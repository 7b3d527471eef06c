from __future__ import annotations

import pytest

from core.extensions import demo_seeders
from mentors.demo import seed_track_records
from network.demo import seed_network
from people.demo import seed_people
from training.demo import seed
from training.models import ChecklistItem, Credential, Evidence
from training.selectors import Status, gcp_status_for

pytestmark = pytest.mark.django_db

TRAINEE = "trainee@demo.radcollab.org"


def test_seed_demo_runs_the_training_seeder():
    assert seed in demo_seeders()


def test_the_demo_shows_due_gcp_a_tracker_and_a_signed_checklist_and_runs_twice():
    # The seeders that `seed_demo` runs before this one (other apps' come after or apart).
    seed_network()
    seed_people()
    seed_track_records()
    seed()
    counts = (Credential.objects.count(), Evidence.objects.count(), ChecklistItem.objects.count())
    seed()
    assert counts == (
        Credential.objects.count(),
        Evidence.objects.count(),
        ChecklistItem.objects.count(),
    )
    credential = Credential.objects.filter(person__email=TRAINEE).first()
    assert credential is not None
    trainee = credential.person
    assert gcp_status_for([trainee]) == {trainee.pk: Status.DUE}
    assert Evidence.objects.filter(tracker__person=trainee).count() >= 4
    signed = ChecklistItem.objects.filter(checklist__person=trainee, signed_at__isnull=False)
    assert signed.count() == 2
    assert {getattr(item.signed_by, "email", None) for item in signed} == {
        "mentor@demo.radcollab.org"
    }
