"""Reminder emails: 30, 7 and 1 days before followed deadlines and own milestones,
and a weekly digest. Run daily and weekly by cron (see docs/calendar.md).

Each reminder commits in its own transaction with the row that records it, so a run
that fails half-way leaves the sent ones recorded and the next run sends only the
rest; the unique keys make sending one twice impossible, even from two runs at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.tasks import deliver_email
from events.models import Deadline, DigestSent, Follow, ReminderPreference, ReminderSent
from events.times import countdown, stated
from projects.models import Member, Milestone

MARKS = (30, 7, 1)
DIGEST_DAYS = 28


def mark_for(days_left: float) -> int | None:
    """The reminder due now: the smallest mark the time left is within."""
    marks = [mark for mark in sorted(MARKS) if 0 <= days_left <= mark]
    return marks[0] if marks else None


@dataclass(frozen=True)
class Due:
    person: User
    kind: str
    object_id: int
    due: dt.datetime
    subject: str
    body: str


def _preferences(people: set[int]) -> dict[int, ReminderPreference]:
    return {p.person_id: p for p in ReminderPreference.objects.filter(person_id__in=people)}


def _deadline_dues(now: dt.datetime) -> list[Due]:
    window = now + dt.timedelta(days=max(MARKS))
    deadlines = {
        d.pk: d
        for d in Deadline.objects.with_conference().filter(due_at__gt=now, due_at__lte=window)
    }
    follows = (
        Follow.objects.filter(
            conference__editions__deadlines__in=list(deadlines), person__is_active=True
        )
        .select_related("person")
        .distinct()
    )
    by_conference: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in deadlines.values():
        by_conference[deadline.edition.conference_id].append(deadline)
    dues = []
    for follow in follows:
        for deadline in by_conference[follow.conference_id]:
            estimate = " (an estimate: check the society's site)" if deadline.is_estimate else ""
            dues.append(
                Due(
                    follow.person,
                    ReminderSent.Kind.DEADLINE,
                    deadline.pk,
                    deadline.due_at,
                    f"{deadline} closes in {countdown(deadline.due_at, now).removesuffix(' left')}",
                    f"{deadline} closes {stated(deadline.due_at, deadline.time_zone)}{estimate}.\n"
                    f"{settings.SITE_URL}{deadline.get_absolute_url()}\n",
                )
            )
    return dues


def _milestone_due(milestone: Milestone, zone: str) -> dt.datetime:
    return dt.datetime.combine(milestone.due_on, dt.time(17), tzinfo=zoneinfo.ZoneInfo(zone))


def _milestone_dues(now: dt.datetime) -> list[Due]:
    today, last = now.date(), now.date() + dt.timedelta(days=max(MARKS) + 1)
    milestones = Milestone.objects.filter(
        done_on__isnull=True, due_on__gte=today, due_on__lte=last
    ).select_related("project")
    members = Member.objects.filter(
        project__in=[m.project_id for m in milestones], person__is_active=True
    ).select_related("person")
    team: dict[int, list[User]] = defaultdict(list)
    for member in members:
        team[member.project_id].append(member.person)
    dues = []
    for milestone in milestones:
        for person in team[milestone.project_id]:
            due = _milestone_due(milestone, person.time_zone or "UTC")
            if due <= now:
                continue
            dues.append(
                Due(
                    person,
                    ReminderSent.Kind.MILESTONE,
                    milestone.pk,
                    due,
                    f"Milestone due {milestone.due_on:%-d %b}: {milestone.title}",
                    f"“{milestone.title}” on {milestone.project} is due on "
                    f"{milestone.due_on:%-d %B %Y}.\n{settings.SITE_URL}/projects/"
                    f"{milestone.project_id}/tasks/\n",
                )
            )
    return dues


def _wanted(due: Due, preferences: dict[int, ReminderPreference]) -> bool:
    preference = preferences.get(due.person.pk)
    if preference is None:
        return True
    return preference.deadlines if due.kind == ReminderSent.Kind.DEADLINE else preference.milestones


def _send(due: Due, mark: int, now: dt.datetime) -> ReminderSent | None:
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(
                person=due.person,
                kind=due.kind,
                object_id=due.object_id,
                due=due.due,
                days_before=mark,
                sent_at=now,
            )
            audit_record(
                actor=None,
                action=f"reminder.{due.kind}",
                obj=sent,
                changes={"days_before": (None, mark)},
            )
            transaction.on_commit(
                lambda: deliver_email.enqueue(
                    subject=f"[RadCollab] {due.subject}",
                    body=due.body + "\nTurn reminders off under Calendar → Feeds and reminders.\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[due.person.email],
                )
            )
    except IntegrityError:
        return None  # already sent by an earlier run: never twice
    return sent


def deadline_reminders_send(*, now: dt.datetime | None = None) -> list[ReminderSent]:
    """Send the reminders due now for followed deadlines and own milestones."""
    now = now or timezone.now()
    dues = _deadline_dues(now) + _milestone_dues(now)
    preferences = _preferences({due.person.pk for due in dues})
    sent = []
    for due in dues:
        mark = mark_for((due.due - now).total_seconds() / 86400)
        if mark is None or not _wanted(due, preferences):
            continue
        if (row := _send(due, mark, now)) is not None:
            sent.append(row)
    return sent


def _digest_body(person: User, now: dt.datetime) -> str:
    from events.selectors import my_deadlines, my_milestones

    until = now + dt.timedelta(days=DIGEST_DAYS)
    deadlines = [d for d in my_deadlines(person, now=now, limit=20) if d.due_at <= until]
    milestones = list(my_milestones(person, since=now.date()).filter(due_on__lte=until.date()))
    if not deadlines and not milestones:
        return ""
    lines = ["Your next four weeks in RadCollab:", ""]
    lines += [
        f"- {d}: {stated(d.due_at, d.time_zone)} ({countdown(d.due_at, now)})" for d in deadlines
    ]
    lines += [f"- Milestone “{m.title}” ({m.project}): {m.due_on:%-d %b %Y}" for m in milestones]
    return "\n".join([*lines, "", f"{settings.SITE_URL}/events/", ""])


def _queue_digest(email: str, body: str) -> None:
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject="[RadCollab] Your week ahead: deadlines and milestones",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
    )


def weekly_digest_send(*, now: dt.datetime | None = None) -> list[DigestSent]:
    """One digest a week to each person who follows something or is on a project team."""
    now = now or timezone.now()
    week_of = now.date() - dt.timedelta(days=now.weekday())
    off = set(ReminderPreference.objects.filter(digest=False).values_list("person_id", flat=True))
    people = (
        User.objects.filter(is_active=True)
        .filter(
            pk__in=set(Follow.objects.values_list("person_id", flat=True))
            | set(Member.objects.values_list("person_id", flat=True))
        )
        .exclude(pk__in=off)
    )
    sent = []
    for person in people:
        body = _digest_body(person, now)
        if not body:
            continue
        try:
            with transaction.atomic():
                row = DigestSent.objects.create(person=person, week_of=week_of, sent_at=now)
                audit_record(actor=None, action="reminder.digest", obj=row)
                _queue_digest(person.email, body)
        except IntegrityError:
            continue
        sent.append(row)
    return sent
