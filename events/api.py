from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from core.conflicts import CONFLICT
from core.types import AuthedRequest
from events import access, selectors, services
from events.models import Conference, Deadline, Event, ProjectTarget
from events.times import stated

router = Router()


class DeadlineOut(Schema):
    id: int
    uid: str
    conference: str
    edition_year: int
    kind: str
    due_at: dt.datetime
    time_zone: str
    as_stated: str
    is_estimate: bool
    basis: str
    source: str


class ConferenceOut(Schema):
    slug: str
    society: str
    name: str
    subspecialties: list[str]
    following: bool


class PlanIn(Schema):
    deadline_id: int
    buffer_days: int = 7
    hours_per_week: int = 4
    version: int | None = None


class StepOut(Schema):
    step: str
    title: str
    due_on: dt.date


class PlanOut(Schema):
    deadline: DeadlineOut | None
    steps: list[StepOut]
    warnings: list[str]
    version: int | None


class CalendarEventOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    site: str | None


def _deadline_out(d: Deadline) -> DeadlineOut:
    return DeadlineOut(
        id=d.pk,
        uid=d.uid,
        conference=d.edition.conference.society,
        edition_year=d.edition.year,
        kind=d.kind,
        due_at=d.due_at,
        time_zone=d.time_zone,
        as_stated=stated(d.due_at, d.time_zone),
        is_estimate=d.is_estimate,
        basis=d.basis,
        source=d.source,
    )


@router.get(
    "/conferences", response=list[ConferenceOut], summary="Conferences and whether I follow them"
)
def conferences(request: AuthedRequest) -> list[ConferenceOut]:
    access.require_member(request.user)
    mine = selectors.followed_ids(request.user)
    return [
        ConferenceOut(
            slug=c.slug,
            society=c.society,
            name=c.name,
            subspecialties=[t.name for t in c.subspecialties.all()],
            following=c.pk in mine,
        )
        for c in Conference.objects.prefetch_related("subspecialties")
    ]


@router.get(
    "/deadlines", response=list[DeadlineOut], summary="Coming deadlines, estimates labelled"
)
def deadlines(request: AuthedRequest, following: bool = False) -> list[DeadlineOut]:
    access.require_member(request.user)
    rows = selectors.deadlines_upcoming(now=timezone.now())
    if following:
        rows = rows.filter(edition__conference__follows__person=request.user)
    return [_deadline_out(d) for d in rows[:500]]


@router.post(
    "/conferences/{slug}/follow", response={201: ConferenceOut}, summary="Follow a conference"
)
def follow(request: AuthedRequest, slug: str) -> Status:
    found = get_object_or_404(Conference, slug=slug)
    services.conference_follow(person=request.user, conference=found)
    return Status(
        201,
        ConferenceOut(
            slug=found.slug,
            society=found.society,
            name=found.name,
            subspecialties=[t.name for t in found.subspecialties.all()],
            following=True,
        ),
    )


@router.delete("/conferences/{slug}/follow", response={204: None}, summary="Stop following")
def unfollow(request: AuthedRequest, slug: str) -> Status:
    access.require_member(request.user)
    found = get_object_or_404(Conference, slug=slug)
    services.conference_unfollow(person=request.user, conference=found)
    return Status(204, None)


def _plan_out(target: ProjectTarget | None, steps: list[StepOut], warnings: list[str]) -> PlanOut:
    return PlanOut(
        deadline=_deadline_out(target.deadline) if target else None,
        steps=steps,
        warnings=warnings,
        version=target.version if target else None,
    )


@router.get("/projects/{project_id}/plan", response=PlanOut, summary="A project's accepted plan")
def plan(request: AuthedRequest, project_id: int) -> PlanOut:
    project = access.get_plan_project(request.user, project_id)
    target = selectors.target_of(project.pk)
    if target is None:
        return _plan_out(None, [], [])
    state = services.plan_state(target, zone=request.user.time_zone, today=timezone.localdate())
    steps = [
        StepOut(step=row.step, title=row.milestone.title, due_on=row.milestone.due_on)
        for row in target.steps.select_related("milestone").order_by("milestone__due_on")
    ]
    return _plan_out(target, steps, [w for w in (state.moved, *state.late) if w])


@router.post(
    "/projects/{project_id}/plan",
    response={200: PlanOut, **CONFLICT},
    summary="Accept a back-plan (lead only); 409 if it or a milestone changed since",
)
def accept(request: AuthedRequest, project_id: int, payload: PlanIn) -> PlanOut:
    project = access.get_plan_project(request.user, project_id, change=True)
    deadline = get_object_or_404(Deadline.objects.with_conference(), pk=payload.deadline_id)
    proposal = services.plan_for(
        project,
        deadline,
        zone=request.user.time_zone,
        buffer_days=payload.buffer_days,
        hours_per_week=payload.hours_per_week,
    )
    target = services.plan_accept(
        actor=request.user,
        project=project,
        deadline=deadline,
        buffer_days=payload.buffer_days,
        hours_per_week=payload.hours_per_week,
        version=payload.version,
    )
    steps = [StepOut(step=s.step, title=s.title, due_on=s.due_on) for s in proposal.steps]
    return _plan_out(target, steps, list(proposal.warnings))


@router.get("/events", response=list[CalendarEventOut], summary="Coming events")
def events(request: AuthedRequest) -> list[CalendarEventOut]:
    access.require_member(request.user)
    return [
        CalendarEventOut(
            id=e.pk,
            kind=e.kind,
            title=e.title,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            time_zone=e.time_zone,
            site=e.site.name if e.site else None,
        )
        for e in selectors.events_upcoming(now=timezone.now())[:500]
    ]


@router.post(
    "/events/{event_id}/attend", response={201: CalendarEventOut}, summary="Mark my attendance"
)
def attend(request: AuthedRequest, event_id: int) -> Status:
    event: Event = access.get_event_for_user(request.user, event_id)
    services.attendance_mark(person=request.user, event=event)
    return Status(
        201,
        CalendarEventOut(
            id=event.pk,
            kind=event.kind,
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            site=event.site.name if event.site else None,
        ),
    )
