"""Back-planning: the proposal (pure) and its acceptance into the project workspace."""

# ruff: noqa: DTZ001 - wall-clock times typed in a named zone are naive on purpose.

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.exceptions import EditConflict
from events import services
from events.backplan import DeadlinePassed, deadline_day, propose
from events.models import AOE, PlannedMilestone, PlanStep
from events.services import DeadlineInput, plan_accept, plan_state
from events.tests.factories import make_deadline
from projects.models import Milestone
from projects.tests.factories import join, make_project

UTC = dt.UTC
TODAY = dt.date(2026, 11, 23)
RSNA_2027 = dt.datetime(2027, 5, 6, 17, 0, tzinfo=UTC)  # noon CDT


def proposal(**overrides):
    values = {
        "due_at": RSNA_2027,
        "zone": "Europe/London",
        "today": TODAY,
        "buffer_days": 7,
        "approval_weeks": 0,
        "work_weeks": 4,
        "hours_per_week": 4,
        "label": "RSNA 2027",
    }
    return propose(**{**values, **overrides})


def test_steps_count_back_from_the_deadline_day_minus_the_buffer():
    plan = proposal()
    assert plan.deadline_day == dt.date(2027, 5, 6)
    assert plan.due(PlanStep.SUBMISSION) == dt.date(2027, 4, 29)
    assert plan.due(PlanStep.REVIEW) == dt.date(2027, 4, 26)
    assert plan.due(PlanStep.DRAFT) == dt.date(2027, 4, 19)
    assert plan.due(PlanStep.ANALYSIS) == dt.date(2027, 4, 5)
    assert plan.due(PlanStep.COLLECTION) == dt.date(2027, 3, 15)
    assert [s.step for s in plan.steps] == list(PlanStep)
    assert plan.fits


def test_a_passed_deadline_is_refused():
    with pytest.raises(DeadlinePassed, match="passed on 6 May 2026"):
        proposal(due_at=dt.datetime(2026, 5, 6, 17, tzinfo=UTC))


def test_it_warns_when_collection_ends_after_the_deadline():
    plan = proposal(approval_weeks=12, work_weeks=40)
    assert not plan.fits
    assert "after the abstract deadline" in plan.warnings[0]


def test_it_warns_when_collection_ends_after_the_plan_needs_it():
    plan = proposal(work_weeks=20)
    assert "later than the 15 Mar 2027 this plan needs" in plan.warnings[0]


def test_it_warns_when_early_steps_are_already_due():
    plan = proposal(due_at=dt.datetime(2026, 12, 20, 12, tzinfo=UTC), work_weeks=0)
    assert "would already be due" in plan.warnings[0]


def test_the_deadline_day_depends_on_the_planners_zone():
    aoe_midnight = dt.datetime(2027, 3, 1, 23, 59).replace(
        tzinfo=__import__("zoneinfo").ZoneInfo(AOE)
    )
    assert deadline_day(aoe_midnight, AOE) == dt.date(2027, 3, 1)
    assert deadline_day(aoe_midnight, "Europe/London") == dt.date(2027, 3, 2)
    # 00:59 on 3 March in Auckland: the first hour counts as the day before.
    assert deadline_day(aoe_midnight, "Pacific/Auckland") == dt.date(2027, 3, 2)
    # 00:59 local counts as the day before, where people expect it.
    assert deadline_day(dt.datetime(2027, 3, 2, 0, 59, tzinfo=UTC), "UTC") == dt.date(2027, 3, 1)


@pytest.fixture
def project(personas):
    return make_project(
        personas.trainee,
        mentor=personas.mentor,
        ethics="not_needed",
        data_protection="not_needed",
        cases=60,
        minutes_collection=10,
        minutes_reading=10,
    )


@pytest.mark.django_db
def test_accepting_adds_five_milestones_through_the_projects_service(project, personas):
    deadline = make_deadline(due_at=RSNA_2027)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    titles = list(Milestone.objects.filter(project=project).values_list("title", flat=True))
    assert len(titles) == 5
    assert titles[-1] == "Abstract submitted (TESTCON 2027)"
    assert target.planned_due_at == RSNA_2027
    assert PlannedMilestone.objects.filter(target=target).count() == 5


@pytest.mark.django_db
def test_only_the_lead_changes_the_plan(project, personas):
    join(project, personas.site_lead_a)
    deadline = make_deadline(due_at=RSNA_2027)
    with pytest.raises(PermissionDenied, match="Only the project lead"):
        plan_accept(actor=personas.site_lead_a, project=project, deadline=deadline, today=TODAY)
    assert not Milestone.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_passed_deadline_changes_nothing(project, personas):
    deadline = make_deadline(year=2026, due_at=dt.datetime(2026, 5, 6, 17, tzinfo=UTC))
    with pytest.raises(ValidationError, match="passed"):
        plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    assert not Milestone.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_moved_deadline_moves_the_milestones_instead_of_adding(project, personas):
    deadline = make_deadline(due_at=RSNA_2027)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    done = target.steps.get(step=PlanStep.COLLECTION).milestone
    done.done_on = TODAY
    done.save()
    given = DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 5, 20, 12), time_zone="America/Chicago"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    deadline.refresh_from_db()
    state = plan_state(target, zone="Europe/London", today=TODAY)
    assert "it moved" in state.moved
    assert "20 May 2027" in state.moved
    plan_accept(
        actor=personas.trainee,
        project=project,
        deadline=deadline,
        today=TODAY,
        version=target.version,
    )
    milestones = Milestone.objects.filter(project=project)
    assert milestones.count() == 5
    assert milestones.get(plan_step__step="submission").due_on == dt.date(2027, 5, 13)
    assert milestones.get(pk=done.pk).due_on == dt.date(2027, 3, 15), "done steps stay"


@pytest.mark.django_db
def test_a_time_zone_correction_is_seen_as_a_move(project, personas):
    deadline = make_deadline(due_at=dt.datetime(2027, 3, 2, 11, 59, tzinfo=UTC), time_zone=AOE)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    given = DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 3, 1, 23, 59), time_zone="Asia/Tokyo"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    deadline.refresh_from_db()
    state = plan_state(target, zone="Europe/London", today=TODAY)
    assert "time zone changed" in state.moved
    assert "2 Mar 2027 and is now 1 Mar 2027" in state.moved


def _accepted_twice(project, personas):
    """A plan accepted, then accepted again from its first version (3 days of buffer):
    the deadline and the first acceptance, whose version is now stale."""
    deadline = make_deadline(due_at=RSNA_2027)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    plan_accept(
        actor=personas.trainee,
        project=project,
        deadline=deadline,
        today=TODAY,
        buffer_days=3,
        version=target.version,
    )
    return deadline, target


@pytest.mark.django_db
def test_a_stale_second_acceptance_is_a_conflict(project, personas):
    deadline, target = _accepted_twice(project, personas)
    with pytest.raises(EditConflict, match="Someone saved this plan"):
        plan_accept(
            actor=personas.trainee,
            project=project,
            deadline=deadline,
            today=TODAY,
            buffer_days=10,
            version=target.version,
        )


@pytest.mark.django_db
def test_the_plan_is_hidden_from_people_off_the_team(project, personas):
    from events.access import get_plan_project

    with pytest.raises(Http404):
        get_plan_project(personas.site_lead_b, project.pk)
    assert get_plan_project(personas.trainee, project.pk, change=True) == project


@pytest.mark.django_db
def test_a_replan_moves_milestones_through_the_projects_service(project, personas):
    from audit.models import AuditEvent

    deadline = make_deadline(due_at=RSNA_2027)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    submission = target.steps.get(step=PlanStep.SUBMISSION).milestone
    assert submission.version == 1
    given = DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 5, 20, 12), time_zone="America/Chicago"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    deadline.refresh_from_db()
    plan_accept(
        actor=personas.trainee,
        project=project,
        deadline=deadline,
        today=TODAY,
        version=target.version,
    )
    submission.refresh_from_db()
    assert (submission.due_on, submission.version) == (dt.date(2027, 5, 13), 2)
    moved = AuditEvent.objects.get(action="project.milestone_update", object_id=str(submission.pk))
    assert moved.actor_id == personas.trainee.pk
    assert moved.changes["due_on"] == ["2027-04-29", "2027-05-13"]


@pytest.mark.django_db
def test_a_replan_refuses_a_milestone_changed_meanwhile_and_changes_nothing(
    project, personas, monkeypatch
):
    from projects import workspace as project_workspace

    deadline = make_deadline(due_at=RSNA_2027)
    target = plan_accept(actor=personas.trainee, project=project, deadline=deadline, today=TODAY)
    review = target.steps.get(step=PlanStep.REVIEW).milestone
    update = project_workspace.milestone_update

    def teammate_first(**kwargs):
        # A teammate renames the milestone after the plan read it, before the move.
        if kwargs["milestone"].pk == review.pk:
            update(
                actor=personas.trainee,
                milestone=review,
                version=review.version,
                title="Mentor review (booked)",
                due_on=review.due_on,
            )
        return update(**kwargs)

    monkeypatch.setattr(project_workspace, "milestone_update", teammate_first)
    with pytest.raises(EditConflict, match="someone else"):
        plan_accept(
            actor=personas.trainee,
            project=project,
            deadline=deadline,
            today=TODAY,
            buffer_days=14,
            version=target.version,
        )
    target.refresh_from_db()
    assert target.buffer_days == 7, "the acceptance was rolled back"


@pytest.mark.django_db
def test_a_stale_acceptance_through_the_api_answers_409_with_the_saved_plan(project, personas):
    from core.testing.api import api_client

    deadline, target = _accepted_twice(project, personas)
    stale = api_client(personas.trainee).post(
        f"/api/v1/events/projects/{project.pk}/plan",
        {"deadline_id": deadline.pk, "buffer_days": 10, "version": target.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "Someone saved this plan" in body["detail"]
    assert body["version"] == target.version + 1
    assert body["current"]["buffer_days"] == 3
