"""The iCalendar feeds: a person's private feed and the public feeds per subspecialty.

Every entry's UID is derived from the row it shows (`deadline-<pk>@radcollab`), so an
update changes the event in a subscribed calendar and never duplicates it. Instants
are written in UTC; the zone a deadline is stated in is said in its description.

A busy person's feed holds over a thousand events and calendar apps fetch it again
every few minutes, so the rows are read as plain tuples of the columns an entry shows
(one query per kind, no model instances) and the served bytes carry an ETag that lets
an unchanged feed be answered with 304 Not Modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from events.models import Deadline, DeadlineKind, Edition, Event
from events.times import stated
from formats.ical import Entry, build_calendar
from people.models import Term
from projects.models import Milestone

if TYPE_CHECKING:
    from accounts.models import User

MILESTONE_HOUR = 17  # a milestone is due at the end of the working day, in the person's zone
PAST_DAYS = 90  # how far back a feed still lists things, so recent ones do not vanish
KIND_LABELS = dict(DeadlineKind.choices)
EVENT_KIND_LABELS = dict(Event.Kind.choices)


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _calendar_link() -> str:
    # One reverse() per feed row would cost more than the rest of the row: the feeds
    # reverse the calendar once and build each conference's link from it.
    return _link(reverse("events:calendar"))


def _conference_link(slug: str, base: str) -> str:
    return f"{base}conferences/{slug}/"


class DeadlineRow(NamedTuple):
    pk: int
    kind: str
    due_at: dt.datetime
    time_zone: str
    is_estimate: bool
    basis: str
    stated_as: str
    source: str
    word_limit: int | None
    limit_note: str
    version: int
    updated_at: dt.datetime
    year: int
    edition_url: str
    society: str
    slug: str


class EditionRow(NamedTuple):
    pk: int
    year: int
    name: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    city: str
    url: str
    is_estimate: bool
    basis: str
    version: int
    updated_at: dt.datetime
    conference_name: str
    slug: str


class MilestoneRow(NamedTuple):
    pk: int
    title: str
    due_on: dt.date
    updated_at: dt.datetime
    project_id: int
    version: int
    project_title: str


class EventRow(NamedTuple):
    pk: int
    kind: str
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    url: str
    version: int
    updated_at: dt.datetime
    site_name: str | None


R = TypeVar("R", DeadlineRow, EditionRow, MilestoneRow, EventRow)


def _rows(queryset: QuerySet[Any], row: type[R], **columns: Any) -> list[R]:
    """`queryset` read as `row` tuples: fields by name, `columns` as named expressions."""
    values = queryset.annotate(**columns).values_list(*row._fields)
    return [row._make(found) for found in values]


def deadline_rows(queryset: QuerySet[Deadline]) -> list[DeadlineRow]:
    return _rows(
        queryset,
        DeadlineRow,
        year=F("edition__year"),
        edition_url=F("edition__url"),
        society=F("edition__conference__society"),
        slug=F("edition__conference__slug"),
    )


def edition_rows(queryset: QuerySet[Edition]) -> list[EditionRow]:
    return _rows(
        queryset, EditionRow, conference_name=F("conference__name"), slug=F("conference__slug")
    )


def milestone_rows(queryset: QuerySet[Milestone]) -> list[MilestoneRow]:
    return _rows(queryset, MilestoneRow, project_title=F("project__title"))


def event_rows(queryset: QuerySet[Event]) -> list[EventRow]:
    return _rows(queryset, EventRow, site_name=F("site__name"))


def deadline_entry(deadline: DeadlineRow, base: str) -> Entry:
    edition = f"{deadline.society} {deadline.year}"
    estimate = " (estimate)" if deadline.is_estimate else ""
    lines = [f"Closes {stated(deadline.due_at, deadline.time_zone)}."]
    if deadline.is_estimate:
        lines.append(f"ESTIMATE, not yet published: {deadline.basis}.")
    elif deadline.stated_as:
        lines.append(f"As stated: {deadline.stated_as} {deadline.source}".rstrip() + ".")
    if deadline.word_limit or deadline.limit_note:
        lines.append(f"Limit: {deadline.limit_note or f'{deadline.word_limit} words'}.")
    page = _conference_link(deadline.slug, base)
    lines.append(page)
    return Entry(
        uid=f"deadline-{deadline.pk}@radcollab",
        summary=f"{KIND_LABELS.get(deadline.kind, deadline.kind)}: {edition}{estimate}",
        start=deadline.due_at,
        description="\n".join(lines),
        url=deadline.edition_url or page,
        categories=("Deadline",),
        sequence=deadline.version,
        last_modified=deadline.updated_at,
    )


def edition_entry(edition: EditionRow, base: str) -> Entry | None:
    if edition.starts_on is None:
        return None
    estimate = " (estimated dates)" if edition.is_estimate else ""
    return Entry(
        uid=f"edition-{edition.pk}@radcollab",
        summary=f"{edition.conference_name} {edition.year}{estimate}",
        start=edition.starts_on,
        end=(edition.ends_on or edition.starts_on) + dt.timedelta(days=1),
        location=edition.city,
        description=edition.basis if edition.is_estimate else edition.name,
        url=edition.url or _conference_link(edition.slug, base),
        categories=("Conference",),
        sequence=edition.version,
        last_modified=edition.updated_at,
    )


def milestone_entry(milestone: MilestoneRow, zone: zoneinfo.ZoneInfo) -> Entry:
    due = dt.datetime.combine(milestone.due_on, dt.time(MILESTONE_HOUR), tzinfo=zone)
    return Entry(
        uid=f"milestone-{milestone.pk}@radcollab",
        summary=f"Milestone: {milestone.title} — {milestone.project_title}",
        start=due,
        description=f"Due {milestone.due_on:%-d %B %Y}.\n"
        + _link(f"/projects/{milestone.project_id}/tasks/"),
        categories=("Milestone",),
        sequence=milestone.version,
        last_modified=milestone.updated_at,
    )


def event_entry(event: EventRow, base: str) -> Entry:
    """An event; `base` is the calendar's address, under which each event has its page."""
    label = str(EVENT_KIND_LABELS.get(event.kind, event.kind))
    return Entry(
        uid=f"event-{event.pk}@radcollab",
        summary=f"{label}: {event.title}",
        start=event.starts_at,
        end=event.ends_at,
        location=", ".join(part for part in (event.location, event.site_name or "") if part),
        description=event.description,
        url=event.url or f"{base}{event.pk}/",
        categories=(label,),
        sequence=event.version,
        last_modified=event.updated_at,
    )


def _credential_entries(person: User) -> Iterator[Entry]:
    from training.selectors import credentials_of

    for state in credentials_of(person):
        if state.superseded or state.expires_on is None:
            continue
        credential = state.credential
        yield Entry(
            uid=f"credential-{credential.pk}-expiry@radcollab",
            summary=f"{credential.label} expires",
            start=state.expires_on,
            description="Record the refresher in RadCollab: " + _link("/training/"),
            categories=("Credential",),
            sequence=credential.version,
            last_modified=credential.updated_at,
        )


def private_entries(person: User, *, now: dt.datetime) -> list[Entry]:
    """My milestones, my followed conferences' deadlines and dates, my credential expiries,
    and the events of my sites (network-wide ones included) and those I attended."""
    since = now - dt.timedelta(days=PAST_DAYS)
    zone = zoneinfo.ZoneInfo(person.time_zone or "UTC")
    deadlines = deadline_rows(
        Deadline.objects.filter(edition__conference__follows__person=person, due_at__gte=since)
    )
    editions = edition_rows(
        Edition.objects.filter(conference__follows__person=person, starts_on__gte=since.date())
    )
    milestones = milestone_rows(
        Milestone.objects.filter(project__members__person=person, due_on__gte=since.date())
    )
    sites = person.memberships.active().values("site_id")
    attended = Event.objects.filter(attendances__person=person).values("pk")
    events = event_rows(
        Event.objects.filter(
            Q(site__isnull=True) | Q(site__in=sites) | Q(pk__in=attended), ends_at__gte=since
        )
    )
    base = _calendar_link()
    entries: list[Entry] = [deadline_entry(d, base) for d in deadlines]
    entries += _present(edition_entry(e, base) for e in editions)
    entries += [milestone_entry(m, zone) for m in milestones]
    entries += list(_credential_entries(person))
    entries += [event_entry(e, base) for e in events]
    return entries


def public_entries(term: Term, *, now: dt.datetime) -> list[Entry]:
    """Deadlines and meeting dates of conferences tagged with `term` or with no tag at all
    (general meetings), and the events tagged with it."""
    since = now - dt.timedelta(days=PAST_DAYS)
    tagged = Q(conference__subspecialties=term) | Q(conference__subspecialties__isnull=True)
    edition_ids = Edition.objects.filter(tagged).values("pk")
    deadlines = deadline_rows(Deadline.objects.filter(edition__in=edition_ids, due_at__gte=since))
    editions = edition_rows(Edition.objects.filter(pk__in=edition_ids, starts_on__gte=since.date()))
    events = event_rows(Event.objects.filter(subspecialties=term, ends_at__gte=since))
    base = _calendar_link()
    entries: list[Entry] = [deadline_entry(d, base) for d in deadlines]
    entries += _present(edition_entry(e, base) for e in editions)
    entries += [event_entry(e, base) for e in events]
    return entries


def _present(entries: Iterator[Entry | None]) -> list[Entry]:
    return [entry for entry in entries if entry is not None]


def render(name: str, entries: list[Entry], *, now: dt.datetime) -> bytes:
    return build_calendar(name=name, entries=entries, stamp=now)


def etag_of(body: bytes) -> str:
    """A strong validator of the served bytes: it changes whenever any byte does.

    Drawn from the body itself, not from change times: a feed also changes when a row
    leaves it (an unfollow, a project left), which no remaining row's time shows.
    """
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
