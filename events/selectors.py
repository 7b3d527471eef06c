"""Reads for the calendar pages, the dashboard and the feeds, a fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet

from events.models import Conference, Deadline, Edition, Event, Follow, ProjectTarget
from network import access
from people.models import Term
from projects.models import Milestone

if TYPE_CHECKING:
    from accounts.models import User


def deadlines_upcoming(*, now: dt.datetime) -> QuerySet[Deadline]:
    return Deadline.objects.with_conference().filter(due_at__gte=now).order_by("due_at", "pk")


def followed_ids(user: User) -> set[int]:
    return set(Follow.objects.filter(person=user).values_list("conference_id", flat=True))


def events_upcoming(*, now: dt.datetime) -> QuerySet[Event]:
    return (
        Event.objects.filter(ends_at__gte=now)
        .select_related("site")
        .prefetch_related("subspecialties")
        .order_by("starts_at", "pk")
    )


class ConferenceLink(NamedTuple):
    pk: int
    slug: str
    society: str
    name: str
    following: bool


@dataclass(frozen=True)
class CalendarPage:
    followed: list[Deadline]
    others: list[Deadline]
    events: list[Event]
    followed_ids: set[int]
    term: Term | None
    conferences: list[ConferenceLink]


def calendar_page(
    user: User, *, now: dt.datetime, term: Term | None, limit: int = 25
) -> CalendarPage:
    """The next deadlines of followed conferences, the next others, and coming events,
    and every conference with whether the person follows it."""
    # A subquery rather than the ids themselves: a person may follow hundreds of
    # conferences, and a parameter each would cost more to build than to run.
    follows = Follow.objects.filter(person=user).values("conference_id")
    conferences = [
        ConferenceLink(*row)
        for row in Conference.objects.annotate(
            following=Exists(follows.filter(conference=OuterRef("pk")))
        )
        .order_by("society", "name")
        .values_list("pk", "slug", "society", "name", "following")
    ]
    mine = {row.pk for row in conferences if row.following}
    deadlines = deadlines_upcoming(now=now)
    events = events_upcoming(now=now)
    if term is not None:
        tagged = Conference.objects.filter(
            Q(subspecialties=term) | Q(subspecialties__isnull=True)
        ).values("pk")
        deadlines = deadlines.filter(edition__conference__in=tagged)
        events = events.filter(subspecialties=term)
    followed = list(deadlines.filter(edition__conference__in=follows)[:limit])
    others = list(deadlines.exclude(edition__conference__in=follows)[:limit])
    return CalendarPage(followed, others, list(events[:limit]), mine, term, conferences)


def conference_page(slug: str) -> Conference:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Conference.objects.prefetch_related("subspecialties"), slug=slug)


def editions_of(conference: Conference) -> list[Edition]:
    return list(conference.editions.prefetch_related("deadlines").order_by("-year"))


def my_deadlines(user: User, *, now: dt.datetime, limit: int = 5) -> list[Deadline]:
    return list(
        deadlines_upcoming(now=now).filter(edition__conference__follows__person=user)[:limit]
    )


def my_milestones(user: User, *, since: dt.date) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(
            project__members__person=user, done_on__isnull=True, due_on__gte=since
        )
        .select_related("project")
        .order_by("due_on", "pk")
    )


def subspecialties() -> QuerySet[Term]:
    return Term.objects.filter(kind=Term.Kind.SUBSPECIALTY).order_by("position", "name")


def target_of(project_id: int) -> ProjectTarget | None:
    return (
        ProjectTarget.objects.select_related("deadline__edition__conference", "accepted_by")
        .filter(project_id=project_id)
        .first()
    )


def plannable_deadlines(*, now: dt.datetime) -> QuerySet[Deadline]:
    return deadlines_upcoming(now=now).filter(kind__in=["abstract", "late_breaking"])


def led_projects(user: User) -> list[Any]:
    from projects.models import Project

    if not access.can(user, access.Action.VIEW_DIRECTORY):
        return []
    return list(Project.objects.current().filter(lead=user).order_by("title"))
