from __future__ import annotations

import datetime as dt

from events.models import Conference, Deadline, Edition, Event

UTC = dt.UTC


def make_conference(slug: str = "testcon", **fields) -> Conference:
    values = {"society": slug.upper(), "society_name": f"{slug} society", "name": f"{slug} meeting"}
    return Conference.objects.create(slug=slug, **{**values, **fields})


def make_deadline(
    conference: Conference | None = None,
    *,
    year: int = 2027,
    due_at: dt.datetime | None = None,
    time_zone: str = "America/Chicago",
    kind: str = "abstract",
    **fields,
) -> Deadline:
    conference = conference or make_conference()
    edition, _ = Edition.objects.get_or_create(
        conference=conference, year=year, defaults={"name": f"{conference.society} {year}"}
    )
    due_at = due_at or dt.datetime(year, 5, 6, 17, 0, tzinfo=UTC)
    return Deadline.objects.create(
        edition=edition, kind=kind, due_at=due_at, time_zone=time_zone, **fields
    )


def make_event(*, starts_at: dt.datetime, hours: int = 1, site=None, **fields) -> Event:
    values = {"kind": "journal_club", "title": "Neuro journal club", "time_zone": "Europe/London"}
    return Event.objects.create(
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        site=site,
        **{**values, **fields},
    )
