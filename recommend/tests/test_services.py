"""Computing, storing and reading "for you", and turning items down."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEvent
from people.services import trainee_profile_save
from recommend import services, tasks
from recommend.core.items import Result
from recommend.models import Dismissal, StoredList
from recommend.services import ForYou
from recommend.tests.world import build_world, make_trainee, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def keys(result) -> list[str]:
    return [item.key for item in result.ranked]


def computed(person: User) -> Result:
    """The ranking for a trainee (None is only for people without a trainee profile)."""
    result = services.recommendations_compute(person)
    assert result is not None
    return result


def shown_to(person: User) -> ForYou:
    """The list a trainee's page shows."""
    found = services.recommendations_for(person)
    assert found is not None
    return found


def test_a_trainee_is_offered_the_mentor_the_project_the_call_and_the_conference(world):
    result = computed(world.trainee)
    assert f"mentor:{world.mentor.pk}" in keys(result)
    assert f"project:{world.project.pk}" in keys(result)
    assert f"opportunity:{world.funding.pk}" in keys(result)
    assert f"conference:{world.conference.pk}" in keys(result)
    project = next(i for i in result.ranked if i.key == f"project:{world.project.pk}")
    codes = {r.code for r in project.reasons}
    assert {"interests", "hours", "nearby", "similar"} <= codes
    funding = next(i for i in result.ranked if i.key == f"opportunity:{world.funding.pk}")
    assert any(r.text.startswith("You are eligible: Grades ST1 to ST6") for r in funding.reasons)


def test_the_rules_take_out_what_does_not_apply_and_say_why(world):
    result = computed(world.trainee)
    why = {e.key: e.why for e in result.excluded}
    assert why[f"project:{world.idle_project.pk}"] == "Not recruiting"
    assert why[f"opportunity:{world.closed.pk}"] == "Its deadline has passed"
    assert why[f"opportunity:{world.academic_only.pk}"].startswith("Not eligible")
    assert f"conference:{world.past_conference.pk}" not in keys(result)


def test_the_trainees_own_projects_and_mentors_are_not_offered(world, personas):
    from projects.tests.factories import join

    join(world.project, world.trainee)
    result = computed(world.trainee)
    assert {e.key: e.why for e in result.excluded}[f"project:{world.project.pk}"] == (
        "Already yours"
    )


def test_without_a_trainee_profile_there_is_no_list(world, personas):
    assert services.recommendations_compute(personas.site_lead_a) is None
    assert services.recommendations_for(personas.site_lead_a) is None
    assert services.recommendations_refresh(person_id=personas.site_lead_a.pk) is None


def test_the_task_stores_the_list_and_the_page_reads_it(world):
    assert shown_to(world.trainee).computed_at is None  # on the fly
    assert tasks.refresh_recommendations.enqueue(person_id=world.trainee.pk).return_value == 1
    stored = StoredList.objects.get(person=world.trainee)
    assert stored.backend == "tfidf"
    shown = shown_to(world.trainee)
    assert shown.computed_at == stored.computed_at
    assert [i.key for i in shown.items] == [row["key"] for row in stored.items][: len(shown.items)]


def test_the_task_refreshes_every_trainee(world, personas):
    make_trainee(personas.pending)
    assert tasks.refresh_recommendations.enqueue().return_value == 2
    assert StoredList.objects.count() == 2


def test_not_for_me_removes_the_item_for_good_and_is_audited(world):
    services.recommendations_refresh(person_id=world.trainee.pk)
    key = f"project:{world.project.pk}"
    dismissal = services.dismissal_create(actor=world.trainee, item_key=key)
    assert key not in [i.key for i in shown_to(world.trainee).items]
    services.recommendations_refresh(person_id=world.trainee.pk)
    assert key not in [row["key"] for row in StoredList.objects.get(person=world.trainee).items]
    event = AuditEvent.objects.get(action="recommendation.dismiss")
    assert event.actor_id == world.trainee.pk
    assert event.object_id == str(dismissal.pk)
    assert event.changes == {"item": [None, key]}
    again = services.dismissal_create(actor=world.trainee, item_key=key)
    assert again == dismissal
    assert Dismissal.objects.count() == 1


def test_undo_lets_the_item_come_back_and_is_audited(world, django_capture_on_commit_callbacks):
    services.recommendations_refresh(person_id=world.trainee.pk)
    key = f"project:{world.project.pk}"
    dismissal = services.dismissal_create(actor=world.trainee, item_key=key)
    services.recommendations_refresh(person_id=world.trainee.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.dismissal_delete(actor=world.trainee, dismissal_id=dismissal.pk)
    assert AuditEvent.objects.filter(action="recommendation.undo_dismiss").count() == 1
    assert key in [i.key for i in shown_to(world.trainee).items]


@pytest.mark.parametrize("key", ["", "project", "project:0", "project:abc", "person:3", "x" * 41])
def test_a_malformed_item_is_refused_and_nothing_is_saved(world, key):
    with pytest.raises(ValidationError) as error:
        services.dismissal_create(actor=world.trainee, item_key=key)
    assert error.value.message_dict == {"item": ["This is not an item of your list."]}
    assert not Dismissal.objects.exists()
    assert not AuditEvent.objects.filter(action="recommendation.dismiss").exists()


def test_an_item_not_on_the_trainees_list_is_refused(world):
    with pytest.raises(ValidationError, match="not on your list"):
        services.dismissal_create(actor=world.trainee, item_key=f"opportunity:{world.closed.pk}")
    with pytest.raises(ValidationError, match="not on your list"):
        services.dismissal_create(actor=world.trainee, item_key="project:999999")
    assert not Dismissal.objects.exists()


def test_one_trainee_cannot_undo_anothers_choice(world, personas):
    make_trainee(personas.pending)
    dismissal = services.dismissal_create(actor=world.trainee, item_key=f"mentor:{world.mentor.pk}")
    with pytest.raises(Dismissal.DoesNotExist):
        services.dismissal_delete(actor=personas.pending, dismissal_id=dismissal.pk)
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()


def test_the_lists_run_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    from projects.tests.factories import make_project

    for n in range(12):
        make_project(world.mentor, title=f"Another stroke study {chr(65 + n)}")
    with django_assert_max_num_queries(40):
        services.recommendations_compute(world.trainee)


def test_an_item_nothing_points_to_is_not_suggested(world):
    from recommend.tests.world import opportunity

    unrelated = opportunity(
        "Pottery weekend", kind="course", funder="Arts centre", summary="Clay and glazes."
    )
    key = f"opportunity:{unrelated.pk}"
    assert key in keys(computed(world.trainee))
    assert key not in [i.key for i in shown_to(world.trainee).items]
    services.recommendations_refresh(person_id=world.trainee.pk)
    assert key not in [row["key"] for row in StoredList.objects.get(person=world.trainee).items]


def test_a_changed_profile_queues_a_new_list_once_saved(world, django_capture_on_commit_callbacks):
    services.recommendations_refresh(person_id=world.trainee.pk)
    before = StoredList.objects.get(person=world.trainee).computed_at
    profile = world.trainee.trainee_profile
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        trainee_profile_save(
            person=world.trainee,
            version=profile.version,
            interests=terms("Neuroradiology", "MRI", "Diagnostic accuracy", "CT"),
            skills=[],
            grade=profile.grade,
            hours_per_week=profile.hours_per_week,
        )
    assert len(callbacks) == 1  # one refresh for one save, however many fields changed
    assert StoredList.objects.get(person=world.trainee).computed_at > before


def test_a_new_profile_queues_nothing(world, personas, django_capture_on_commit_callbacks):
    # Until the nightly run the page computes a new trainee's list on the fly.
    with django_capture_on_commit_callbacks() as callbacks:
        make_trainee(personas.pending)
    assert callbacks == []


def test_a_save_that_changes_nothing_queues_nothing(world, django_capture_on_commit_callbacks):
    profile = world.trainee.trainee_profile
    with django_capture_on_commit_callbacks() as callbacks:
        trainee_profile_save(
            person=world.trainee,
            version=profile.version,
            interests=list(profile.interests.all()),
            skills=list(profile.skills.all()),
            grade=profile.grade,
            hours_per_week=profile.hours_per_week,
        )
    assert callbacks == []
