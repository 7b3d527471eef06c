"""Reminders at 30, 7 and 1 days, never twice; the digest once a week; each kind can be off."""

# ruff: noqa: DTZ001 - wall-clock times typed in a named zone are naive on purpose.

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from events import services
from events.models import ReminderSent
from events.reminders import deadline_reminders_send, mark_for, weekly_digest_send
from events.tests.factories import make_deadline
from projects import workspace as project_workspace
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db(transaction=True)
DUE = dt.datetime(2027, 5, 6, 17, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("days", "mark"), [(45, None), (30, 30), (29.5, 30), (7, 7), (3, 7), (0.5, 1), (-1, None)]
)
def test_the_mark_is_the_smallest_one_the_time_left_is_within(days, mark):
    assert mark_for(days) == mark


def test_a_followed_deadline_is_reminded_once_at_each_mark(personas):
    deadline = make_deadline(due_at=DUE)
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    thirty = DUE - dt.timedelta(days=29, hours=23)
    assert len(deadline_reminders_send(now=thirty)) == 1
    assert deadline_reminders_send(now=thirty + dt.timedelta(hours=1)) == [], "never twice"
    assert len(deadline_reminders_send(now=DUE - dt.timedelta(days=6))) == 1
    assert len(deadline_reminders_send(now=DUE - dt.timedelta(hours=20))) == 1
    assert [m.to for m in mail.outbox] == [[personas.trainee.email]] * 3
    assert "closes 6 May 2027, 12:00 CDT" in mail.outbox[0].body


def test_a_moved_deadline_is_reminded_again(personas):
    deadline = make_deadline(due_at=DUE)
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    deadline_reminders_send(now=DUE - dt.timedelta(days=5))
    given = services.DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 5, 7, 12), time_zone="America/Chicago"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    assert len(deadline_reminders_send(now=DUE - dt.timedelta(days=5))) == 1


def test_own_milestones_are_reminded_and_can_be_turned_off(personas):
    project = make_project(personas.trainee, mentor=personas.mentor)
    project_workspace.milestone_create(
        actor=personas.trainee, project=project, title="Collection done", due_on=dt.date(2027, 3, 8)
    )
    now = dt.datetime(2027, 3, 2, 9, tzinfo=dt.UTC)
    services.reminder_preferences_save(
        person=personas.mentor, deadlines=True, milestones=False, digest=True
    )
    sent = deadline_reminders_send(now=now)
    assert [(r.person_id, r.kind, r.days_before) for r in sent] == [
        (personas.trainee.pk, "milestone", 7)
    ]


def test_turning_deadline_reminders_off_sends_none(personas):
    deadline = make_deadline(due_at=DUE)
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    services.reminder_preferences_save(
        person=personas.trainee, deadlines=False, milestones=True, digest=True
    )
    assert deadline_reminders_send(now=DUE - dt.timedelta(days=2)) == []
    assert not ReminderSent.objects.exists()


def test_the_weekly_digest_goes_once_a_week_unless_turned_off(personas):
    deadline = make_deadline(due_at=DUE)
    for person in (personas.trainee, personas.mentor):
        services.conference_follow(person=person, conference=deadline.edition.conference)
    services.reminder_preferences_save(
        person=personas.mentor, deadlines=True, milestones=True, digest=False
    )
    monday = dt.datetime(2027, 4, 19, 7, tzinfo=dt.UTC)
    assert [d.person_id for d in weekly_digest_send(now=monday)] == [personas.trainee.pk]
    assert weekly_digest_send(now=monday + dt.timedelta(days=2)) == []
    assert "Your next four weeks" in mail.outbox[-1].body


def test_the_commands_run(personas, capsys):
    call_command("send_deadline_reminders")
    call_command("send_weekly_digest")
    assert "reminders queued" in capsys.readouterr().out
