"""Every write of the calendar: one transaction each, audited in it, access checked again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from events import access
from events.backplan import DeadlinePassed, Plan, deadline_day, propose
from events.models import (
    Attendance,
    Conference,
    Deadline,
    Edition,
    Event,
    FeedToken,
    Follow,
    PlannedMilestone,
    PlanStep,
    ProjectTarget,
    ReminderPreference,
)
from events.times import aware, zone_named
from projects import workspace as project_workspace
from projects.access import require_lead
from projects.estimates import effort_estimate
from projects.models import Milestone, Project
from training.models import RequirementCategory, Tracker

if TYPE_CHECKING:
    from network.models import Site
    from people.models import Term

DEADLINE_FIELDS = (
    "kind",
    "due_at",
    "time_zone",
    "time_stated",
    "opens_on",
    "stated_as",
    "word_limit",
    "limit_note",
    "categories",
    "source",
)
EVENT_FIELDS = ("kind", "title", "description", "location", "url", "time_zone")


def _check_version(thing: Any, version: int | None, fields: tuple[str, ...], what: str) -> None:
    if version is not None and version != thing.version:
        raise EditConflict(
            f"Someone saved this {what} since you opened it: compare their values with yours.",
            current={field: getattr(thing, field) for field in fields},
            version=thing.version,
        )


# Following ---------------------------------------------------------------------------


@transaction.atomic
def conference_follow(*, person: User, conference: Conference) -> Follow:
    access.require_member(person)
    follow, made = Follow.objects.get_or_create(person=person, conference=conference)
    if made:
        audit_record(actor=person, action="conference.follow", obj=conference)
    return follow


@transaction.atomic
def conference_unfollow(*, person: User, conference: Conference) -> None:
    deleted, _ = Follow.objects.filter(person=person, conference=conference).delete()
    if deleted:
        audit_record(actor=person, action="conference.unfollow", obj=conference)


# Editions and deadlines ----------------------------------------------------------------


@transaction.atomic
def edition_save(
    *, actor: User | None, conference: Conference, year: int, **values: Any
) -> Edition:
    """Create or correct one year's meeting; the end may not come before the start."""
    if actor is not None:
        access.require_curator(actor)
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError(
            {"ends_on": f"The meeting ends ({ends}) before it starts ({starts})."}
        )
    edition = Edition.objects.select_for_update().filter(conference=conference, year=year).first()
    before = {k: getattr(edition, k) for k in values} if edition else {}
    if edition is None:
        edition = Edition(conference=conference, year=year)
    for key, value in values.items():
        setattr(edition, key, value)
    if "is_estimate" not in values:
        edition.is_estimate, edition.basis = False, ""
    edition.full_clean(exclude=["conference"])
    if edition.pk:
        edition.version += 1
    edition.save()
    audit_record(
        actor=actor, action="edition.save", obj=edition, changes=diff_fields(before, values)
    )
    return edition


@dataclass(frozen=True)
class DeadlineInput:
    """A deadline as a person or the seed states it: a wall-clock time in a named zone."""

    kind: str
    local: dt.datetime
    time_zone: str
    time_stated: bool = True
    opens_on: dt.date | None = None
    stated_as: str = ""
    word_limit: int | None = None
    limit_note: str = ""
    categories: str = ""
    source: str = ""


def _deadline_values(given: DeadlineInput, edition: Edition) -> dict[str, Any]:
    zone_named(given.time_zone)
    due_at = aware(given.local, given.time_zone)
    if given.opens_on is not None and given.opens_on > given.local.date():
        raise ValidationError(
            {
                "opens_on": f"Submission opens ({given.opens_on}) after it closes "
                f"({given.local:%Y-%m-%d})."
            }
        )
    if edition.starts_on is not None and due_at.date() > edition.starts_on:
        raise ValidationError(
            {"due_at": f"The deadline ({due_at:%Y-%m-%d}) falls after {edition} begins."}
        )
    values = {field: getattr(given, field) for field in DEADLINE_FIELDS if field != "due_at"}
    values["due_at"] = due_at
    return values


@transaction.atomic
def deadline_save(
    *,
    actor: User | None,
    edition: Edition,
    given: DeadlineInput,
    deadline: Deadline | None = None,
    version: int | None = None,
) -> Deadline:
    """Add or correct a deadline. Saving an estimate confirms it: the same row, the same UID."""
    if actor is not None:
        access.require_curator(actor)
    values = _deadline_values(given, edition)
    if deadline is None:
        deadline = Deadline.objects.filter(edition=edition, kind=given.kind).first()
    if deadline is not None:
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        _check_version(deadline, version, DEADLINE_FIELDS, "deadline")
    before = {k: getattr(deadline, k) for k in values} if deadline else {}
    was_estimate = bool(deadline and deadline.is_estimate)
    deadline = deadline or Deadline(edition=edition)
    for key, value in values.items():
        setattr(deadline, key, value)
    deadline.is_estimate, deadline.basis = False, ""
    deadline.full_clean(exclude=["edition"], validate_unique=deadline.pk is None)
    if deadline.pk:
        deadline.version += 1
    deadline.save()
    if was_estimate:
        Edition.objects.filter(pk=edition.pk, is_estimate=True).update(is_estimate=False)
    action = "deadline.confirm" if was_estimate else "deadline.save"
    audit_record(actor=actor, action=action, obj=deadline, changes=diff_fields(before, values))
    return deadline


# Plans ---------------------------------------------------------------------------------


def plan_for(
    project: Project,
    deadline: Deadline,
    *,
    zone: str,
    buffer_days: int,
    hours_per_week: int,
    today: dt.date | None = None,
) -> Plan:
    """The proposed plan (nothing is written); a passed deadline is a ValidationError."""
    if not 0 <= buffer_days <= 90:
        raise ValidationError({"buffer_days": "Keep a buffer between 0 and 90 days."})
    if not 1 <= hours_per_week <= 60:
        raise ValidationError({"hours_per_week": "Give between 1 and 60 hours a week."})
    effort = effort_estimate(project, hours_per_week)
    try:
        return propose(
            due_at=deadline.due_at,
            zone=zone,
            today=today or timezone.localdate(timezone=zone_named(zone)),
            buffer_days=buffer_days,
            approval_weeks=effort.approval_weeks,
            work_weeks=effort.work_weeks,
            hours_per_week=hours_per_week,
            label=str(deadline),
        )
    except DeadlinePassed as passed:
        raise ValidationError({"deadline": str(passed)}) from None


def _check_target_deadline(deadline: Deadline) -> None:
    if deadline.kind not in ("abstract", "late_breaking"):
        raise ValidationError({"deadline": "Plan against an abstract or late-breaking deadline."})


@transaction.atomic
def plan_accept(
    *,
    actor: User,
    project: Project,
    deadline: Deadline,
    buffer_days: int = 7,
    hours_per_week: int = 4,
    version: int | None = None,
    today: dt.date | None = None,
) -> ProjectTarget:
    """Set the project's target deadline and put the plan's milestones in its workspace.

    A second acceptance (the deadline moved, the zone changed, another conference)
    moves the milestones it made before instead of adding new ones; steps already
    marked done are left where they are.
    """
    require_lead(actor, project)
    _check_target_deadline(deadline)
    plan = plan_for(
        project,
        deadline,
        zone=actor.time_zone,
        buffer_days=buffer_days,
        hours_per_week=hours_per_week,
        today=today,
    )
    target = ProjectTarget.objects.select_for_update().filter(project=project).first()
    if target is not None:
        _check_version(target, version, ("deadline_id", "buffer_days", "hours_per_week"), "plan")
    before = {"deadline": str(target.deadline), "due": target.planned_due_at} if target else {}
    target = target or ProjectTarget(project=project, deadline=deadline)
    target.deadline, target.buffer_days, target.hours_per_week = (
        deadline,
        buffer_days,
        hours_per_week,
    )
    target.planned_due_at, target.planned_time_zone = deadline.due_at, deadline.time_zone
    target.accepted_at, target.accepted_by = timezone.now(), actor
    if target.pk:
        target.version += 1
    target.save()
    _place_steps(actor, project, target, plan)
    after = {"deadline": str(deadline), "due": deadline.due_at}
    audit_record(actor=actor, action="plan.accept", obj=target, changes=diff_fields(before, after))
    return target


def _place_steps(actor: User, project: Project, target: ProjectTarget, plan: Plan) -> None:
    """Add each step's milestone through the projects app, or move the one made before."""
    made = {row.step: row for row in target.steps.select_related("milestone")}
    label = f"{target.deadline.edition}"
    for step in plan.steps:
        title = f"{step.title} ({label})"
        row = made.get(step.step)
        if row is None:
            milestone = project_workspace.milestone_create(
                actor=actor, project=project, title=title, due_on=step.due_on
            )
            PlannedMilestone.objects.create(target=target, step=step.step, milestone=milestone)
            continue
        _move_milestone(actor, row.milestone, title, step.due_on)


def _move_milestone(actor: User, milestone: Milestone, title: str, due_on: dt.date) -> None:
    """Move a step's milestone through the projects app's own service (its rules, its
    version, its audit row); a milestone already done stays where it is."""
    if milestone.done_on is not None or (milestone.due_on, milestone.title) == (due_on, title):
        return
    # The version read with the plan's steps in this transaction: a team member who
    # changes the milestone in between makes the service refuse, and the whole
    # acceptance is rolled back with an EditConflict for the lead to look again.
    project_workspace.milestone_update(
        actor=actor, milestone=milestone, version=milestone.version, title=title, due_on=due_on
    )


@dataclass(frozen=True)
class PlanState:
    """An accepted plan as it stands now: moved deadline, steps late, and the fit."""

    target: ProjectTarget
    moved: str
    late: tuple[str, ...]


def plan_state(target: ProjectTarget, *, zone: str, today: dt.date) -> PlanState:
    deadline = target.deadline
    moved = ""
    if target.planned_due_at and target.planned_due_at != deadline.due_at:
        old_day = deadline_day(target.planned_due_at, zone)
        new_day = deadline_day(deadline.due_at, zone)
        what = (
            "its time zone changed"
            if target.planned_time_zone != deadline.time_zone
            else "it moved"
        )
        moved = (
            f"The deadline changed since this plan was accepted ({what}): it was "
            f"{old_day:%-d %b %Y} and is now {new_day:%-d %b %Y} in your time zone. "
            "Accept the plan again to move its milestones."
        )
    late = tuple(
        f"“{row.milestone.title}” was due on {row.milestone.due_on:%-d %b %Y}."
        for row in target.steps.select_related("milestone")
        if row.milestone.done_on is None and row.milestone.due_on < today
    )
    return PlanState(target=target, moved=moved, late=late)


# Events and attendance -------------------------------------------------------------------


@transaction.atomic
def event_save(
    *,
    actor: User,
    starts_local: dt.datetime,
    ends_local: dt.datetime,
    site: Site | None = None,
    subspecialties: Iterable[Term] = (),
    event: Event | None = None,
    version: int | None = None,
    **values: Any,
) -> Event:
    access.require_event_manager(actor, site)
    zone = values.get("time_zone") or "Europe/London"
    starts, ends = (
        aware(starts_local, zone, field="starts_at"),
        aware(ends_local, zone, field="ends_at"),
    )
    if ends < starts:
        raise ValidationError({"ends_at": "The event ends before it starts."})
    if event is not None:
        event = Event.objects.select_for_update().get(pk=event.pk)
        access.require_event_manager(actor, event.site)
        _check_version(event, version, EVENT_FIELDS, "event")
    before = {k: getattr(event, k) for k in EVENT_FIELDS} if event else {}
    event = event or Event(created_by=actor)
    for key in EVENT_FIELDS:
        if key in values:
            setattr(event, key, values[key])
    event.time_zone, event.starts_at, event.ends_at, event.site = zone, starts, ends, site
    event.full_clean(exclude=["created_by", "site"])
    if event.pk:
        event.version += 1
    event.save()
    event.subspecialties.set(list(subspecialties))
    after = {k: getattr(event, k) for k in EVENT_FIELDS}
    audit_record(
        actor=actor, action="event.save", obj=event, changes=diff_fields(before, after), site=site
    )
    return event


@transaction.atomic
def attendance_mark(
    *,
    person: User,
    event: Event,
    tracker: Tracker | None = None,
    category: RequirementCategory | None = None,
    now: dt.datetime | None = None,
) -> Attendance:
    """Mark that I attended; with a tracker category, it becomes certificate evidence."""
    from training.services import evidence_add

    access.require_member(person)
    now = now or timezone.now()
    if event.starts_at > now:
        raise ValidationError({"event": "You can mark attendance once the event has begun."})
    if Attendance.objects.filter(event=event, person=person).exists():
        raise ValidationError({"event": f"You already marked attendance at “{event}”."})
    evidence = None
    if tracker is not None and category is not None:
        if tracker.person_id != person.pk:
            raise PermissionDenied("That tracker is not yours.")
        evidence = evidence_add(
            actor=person,
            tracker=tracker,
            category=category,
            kind="event",
            title=f"{event.get_kind_display()}: {event.title}",
            occurred_on=event.starts_at.astimezone(zone_named(event.time_zone)).date(),
            note=f"Attendance marked in RadCollab ({event.get_absolute_url()}).",
        )
    attendance = Attendance.objects.create(
        event=event, person=person, marked_at=now, evidence=evidence
    )
    audit_record(actor=person, action="event.attend", obj=attendance, site=event.site)
    return attendance


# Feeds and reminder preferences ------------------------------------------------------------


@dataclass(frozen=True)
class IssuedFeed:
    token: FeedToken
    secret: str  # exists only here: shown to its owner once


@transaction.atomic
def feed_token_create(*, person: User) -> IssuedFeed:
    """A new private feed address; any earlier one stops working."""
    feed_token_revoke(person=person)
    secret = FeedToken.new_secret()
    token = FeedToken.objects.create(
        person=person, digest=FeedToken.digest_of(secret), hint=secret[:6]
    )
    audit_record(actor=person, action="feed_token.create", obj=token)
    return IssuedFeed(token=token, secret=secret)


@transaction.atomic
def feed_token_revoke(*, person: User) -> int:
    now = timezone.now()
    active = list(
        FeedToken.objects.select_for_update().filter(person=person, revoked_at__isnull=True)
    )
    for token in active:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=person, action="feed_token.revoke", obj=token)
    return len(active)


@transaction.atomic
def reminder_preferences_save(
    *, person: User, deadlines: bool, milestones: bool, digest: bool
) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(person=person)
    after = {"deadlines": deadlines, "milestones": milestones, "digest": digest}
    changes = diff_fields({k: getattr(preference, k) for k in after}, after)
    for key, value in after.items():
        setattr(preference, key, value)
    preference.save()
    audit_record(actor=person, action="reminders.preferences", obj=preference, changes=changes)
    return preference


STEP_ORDER = [step.value for step in PlanStep]
