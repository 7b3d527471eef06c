"""Build and read iCalendar feeds with the `icalendar` library.

Stable identity: each entry carries a UID that its producer derives from the thing it
shows (``deadline-12@radcollab``), never from the time of generation, so a calendar
client that refreshes the feed updates the event instead of adding a second one.
`SEQUENCE` and `LAST-MODIFIED` come from the thing's own version and change time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import icalendar

PRODUCT_ID = "-//RadCollab//Research calendar//EN"
UTC = dt.UTC


class CalendarError(ValueError):
    """An entry that cannot be written: the message names the entry and the field."""


@dataclass(frozen=True)
class Entry:
    """One event of a feed.

    `start` is an aware datetime (written in UTC) or a date (an all-day entry).
    `end` defaults to the start for a timed entry (a deadline is an instant) and to
    the next day for an all-day one.
    """

    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    description: str = ""
    url: str = ""
    location: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)
    sequence: int = 0
    last_modified: dt.datetime | None = None


class EventCache(Protocol):
    """Somewhere to keep each event's serialised text between feeds (a Django cache fits)."""

    def get_many(self, keys: list[str]) -> Mapping[str, bytes]: ...

    def set_many(self, data: Mapping[str, bytes]) -> object: ...


def _check(entry: Entry) -> None:
    if not entry.uid or "@" not in entry.uid:
        raise CalendarError(f"entry “{entry.summary}”: uid must look like name@domain")
    for name in ("start", "end"):
        value = getattr(entry, name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise CalendarError(f"entry {entry.uid}: {name} has no time zone")
    if entry.end is not None:
        if isinstance(entry.start, dt.datetime) != isinstance(entry.end, dt.datetime):
            raise CalendarError(f"entry {entry.uid}: start and end must both be dates or times")
        if entry.end < entry.start:
            raise CalendarError(f"entry {entry.uid}: end is before start")


def _when(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    return value.astimezone(UTC) if isinstance(value, dt.datetime) else value


def _event(entry: Entry, stamp: dt.datetime) -> icalendar.Event:
    _check(entry)
    event = icalendar.Event()
    event.add("uid", entry.uid)
    # Without METHOD, DTSTAMP is when the information was last revised (RFC 5545 3.8.7.2),
    # which keeps an event's text the same from one feed to the next until it changes.
    event.add("dtstamp", (entry.last_modified or stamp).astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("dtstart", _when(entry.start))
    if entry.end is not None:
        event.add("dtend", _when(entry.end))
    elif not isinstance(entry.start, dt.datetime):
        event.add("dtend", entry.start + dt.timedelta(days=1))
    event.add("sequence", entry.sequence)
    event.add("transp", "TRANSPARENT")
    optional = {"description": entry.description, "url": entry.url, "location": entry.location}
    for name, value in optional.items():
        if value:
            event.add(name, value)
    if entry.categories:
        event.add("categories", list(entry.categories))
    if entry.last_modified is not None:
        event.add("last-modified", entry.last_modified.astimezone(UTC))
    return event


def _key(entry: Entry) -> str | None:
    if entry.last_modified is None:
        return None  # its DTSTAMP is the feed's own time: nothing to reuse
    return "ical:" + hashlib.sha256(repr(entry).encode()).hexdigest()


def _events_text(entries: list[Entry], stamp: dt.datetime, cache: EventCache | None) -> list[bytes]:
    keys = [_key(entry) for entry in entries]
    known = dict(cache.get_many([k for k in keys if k])) if cache is not None else {}
    fresh: dict[str, bytes] = {}
    texts = []
    for entry, key in zip(entries, keys, strict=True):
        text = known.get(key) if key else None
        if text is None:
            text = bytes(_event(entry, stamp).to_ical())
            if key:
                fresh[key] = text
        texts.append(text)
    if cache is not None and fresh:
        cache.set_many(fresh)
    return texts


def build_calendar(
    *,
    name: str,
    entries: Iterable[Entry],
    stamp: dt.datetime,
    description: str = "",
    cache: EventCache | None = None,
) -> bytes:
    """A VCALENDAR holding `entries`, as the bytes to serve with text/calendar.

    With a `cache`, each event's text is kept under a digest of the entry itself, so an
    unchanged event is not serialised again and a changed one never reuses old text.
    """
    if stamp.tzinfo is None:
        raise CalendarError("stamp has no time zone")
    entries = list(entries)
    seen: set[str] = set()
    for entry in entries:
        if entry.uid in seen:
            raise CalendarError(f"entry {entry.uid}: the same uid appears twice")
        seen.add(entry.uid)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    head, end, tail = bytes(calendar.to_ical()).rpartition(b"END:VCALENDAR")
    return head + b"".join(_events_text(entries, stamp, cache)) + end + tail


def read_calendar(data: bytes | str) -> list[Entry]:
    """The events of a calendar as entries (times in UTC); for tests and imports."""
    calendar = icalendar.Calendar.from_ical(data)
    entries = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "dtend" in event else None
        categories = event.get("categories")
        names: tuple[str, ...] = ()
        if categories is not None:
            lists = categories if isinstance(categories, list) else [categories]
            names = tuple(str(cat) for item in lists for cat in item.cats)
        entries.append(
            Entry(
                uid=str(event["uid"]),
                summary=str(event.get("summary", "")),
                start=_when(start),
                end=_when(end) if end is not None else None,
                description=str(event.get("description", "")),
                url=str(event.get("url", "")),
                location=str(event.get("location", "")),
                categories=names,
                sequence=int(event.get("sequence", 0)),
            )
        )
    return entries
