"""The iCalendar feeds: a person's private feed and the public feeds per subspecialty.

Every entry's UID is derived from the row it shows (`deadline-<pk>@radcollab`), so an
update changes the event in a subscribed calendar and never duplicates it. Instants
are written in UTC; the zone a deadline is stated in is said in its description.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from events.models import Deadline, Edition, Event
from events.times import stated
from formats.ical import Entry, build_calendar
from people.models import Term
from projects.models import Milestone

MILESTONE_HOUR = 17  # a milestone is due at the end of the working day, in the person's zone
PAST_DAYS = 90  # how far back a feed still lists things, so recent ones do not vanish


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _calendar_link() -> str:
    # One reverse() per feed row would cost more than the rest of the row: the feeds
    # reverse the calendar once and build each conference's link from it.
    return _link(reverse("events:calendar"))


def _conference_link(conference: Any, base: str) -> str:
    return f"{base}conferences/{conference.slug}/"


def _version_of(row: Any) -> int:
    version = getattr(row, "version", None)
    return int(version) if version is not None else int(row.updated_at.timestamp())


def deadline_entry(deadline: Deadline, base: str) -> Entry:
    edition = deadline.edition
    estimate = " (estimate)" if deadline.is_estimate else ""
    lines = [f"Closes {stated(deadline.due_at, deadline.time_zone)}."]
    if deadline.is_estimate:
        lines.append(f"ESTIMATE, not yet published: {deadline.basis}.")
    elif deadline.stated_as:
        lines.append(f"As stated: {deadline.stated_as} {deadline.source}".rstrip() + ".")
    if deadline.word_limit or deadline.limit_note:
        lines.append(f"Limit: {deadline.limit_note or f'{deadline.word_limit} words'}.")
    lines.append(_conference_link(edition.conference, base))
    return Entry(
        uid=deadline.uid,
        summary=f"{deadline.get_kind_display()}: {edition}{estimate}",
        start=deadline.due_at,
        description="\n".join(lines),
        url=edition.url or _conference_link(edition.conference, base),
        categories=("Deadline",),
        sequence=deadline.version,
        last_modified=deadline.updated_at,
    )


def edition_entry(edition: Edition, base: str) -> Entry | None:
    if edition.starts_on is None:
        return None
    estimate = " (estimated dates)" if edition.is_estimate else ""
    return Entry(
        uid=f"edition-{edition.pk}@radcollab",
        summary=f"{edition.conference.name} {edition.year}{estimate}",
        start=edition.starts_on,
        end=(edition.ends_on or edition.starts_on) + dt.timedelta(days=1),
        location=edition.city,
        description=edition.basis if edition.is_estimate else edition.name,
        url=edition.url or _conference_link(edition.conference, base),
        categories=("Conference",),
        sequence=edition.version,
        last_modified=edition.updated_at,
    )


def milestone_entry(milestone: Milestone, zone: zoneinfo.ZoneInfo) -> Entry:
    due = dt.datetime.combine(milestone.due_on, dt.time(MILESTONE_HOUR), tzinfo=zone)
    return Entry(
        uid=f"milestone-{milestone.pk}@radcollab",
        summary=f"Milestone: {milestone.title} — {milestone.project.title}",
        start=due,
        description=f"Due {milestone.due_on:%-d %B %Y}.\n"
        + _link(f"/projects/{milestone.project_id}/tasks/"),
        categories=("Milestone",),
        sequence=_version_of(milestone),
        last_modified=milestone.updated_at,
    )


def event_entry(event: Event) -> Entry:
    return Entry(
        uid=event.uid,
        summary=f"{event.get_kind_display()}: {event.title}",
        start=event.starts_at,
        end=event.ends_at,
        location=", ".join(part for part in (event.location, str(event.site or "")) if part),
        description=event.description,
        url=event.url or _link(event.get_absolute_url()),
        categories=(str(event.get_kind_display()),),
        sequence=event.version,
        last_modified=event.updated_at,
    )


def _credential_entries(person: Any) -> Iterator[Entry]:
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


def private_entries(person: Any, *, now: dt.datetime) -> list[Entry]:
    """My milestones, my followed conferences' deadlines and dates, my credential expiries,
    and the events of my sites (network-wide ones included) and those I attended."""
    since = now - dt.timedelta(days=PAST_DAYS)
    zone = zoneinfo.ZoneInfo(person.time_zone or "UTC")
    deadlines = Deadline.objects.with_conference().filter(
        edition__conference__follows__person=person, due_at__gte=since
    )
    editions = Edition.objects.select_related("conference").filter(
        conference__follows__person=person, starts_on__gte=since.date()
    )
    milestones = Milestone.objects.select_related("project").filter(
        project__members__person=person, due_on__gte=since.date()
    )
    sites = person.memberships.filter(ended_at__isnull=True).values("site_id")
    events = (
        Event.objects.select_related("site")
        .filter(
            Q(site__isnull=True) | Q(site__in=sites) | Q(attendances__person=person),
            ends_at__gte=since,
        )
        .distinct()
    )
    base = _calendar_link()
    entries: list[Entry] = [deadline_entry(d, base) for d in deadlines]
    entries += _present(edition_entry(e, base) for e in editions)
    entries += [milestone_entry(m, zone) for m in milestones]
    entries += list(_credential_entries(person))
    entries += [event_entry(e) for e in events]
    return entries


def public_entries(term: Term, *, now: dt.datetime) -> list[Entry]:
    """Deadlines and meeting dates of conferences tagged with `term` or with no tag at all
    (general meetings), and the events tagged with it."""
    since = now - dt.timedelta(days=PAST_DAYS)
    tagged = Q(conference__subspecialties=term) | Q(conference__subspecialties__isnull=True)
    editions = Edition.objects.select_related("conference").filter(tagged).distinct()
    deadlines = Deadline.objects.with_conference().filter(
        edition__in=editions.values("pk"), due_at__gte=since
    )
    events = Event.objects.select_related("site").filter(subspecialties=term, ends_at__gte=since)
    base = _calendar_link()
    entries: list[Entry] = [deadline_entry(d, base) for d in deadlines]
    entries += _present(
        edition_entry(e, base) for e in editions if e.starts_on and e.starts_on >= since.date()
    )
    entries += [event_entry(e) for e in events]
    return entries


def _present(entries: Iterable[Entry | None]) -> list[Entry]:
    return [entry for entry in entries if entry is not None]


class EventTexts:
    """The serialised text of recent events, kept in this process (least recently used out).

    Keys are digests of the whole entry, so a changed event never reuses old text and
    several processes each keeping their own copy stay correct; it only saves time, as
    calendar apps fetch the same feed again and again.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.texts: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, keys: list[str]) -> Mapping[str, bytes]:
        with self.lock:
            found = {key: self.texts[key] for key in keys if key in self.texts}
            for key in found:
                self.texts.move_to_end(key)
            return found

    def set_many(self, data: Mapping[str, bytes]) -> None:
        with self.lock:
            self.texts.update(data)
            while len(self.texts) > self.size:
                self.texts.popitem(last=False)


EVENT_TEXTS = EventTexts()


def render(name: str, entries: list[Entry], *, now: dt.datetime) -> bytes:
    return build_calendar(name=name, entries=entries, stamp=now, cache=EVENT_TEXTS)
