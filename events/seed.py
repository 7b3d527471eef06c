"""Loading the sourced conference table (`conference_data.py`) into the database.

A seed function, not a data migration: `manage.py load_conferences` and the demo seeder
call it, it is idempotent, and it never overwrites a value a curator has since changed
(a deadline whose version moved on is left alone). Estimates follow in the same run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from events.conference_data import CONFERENCES
from events.estimates import estimates_refresh
from events.models import Conference, Deadline, Edition
from events.services import DeadlineInput, deadline_save, edition_save
from people.models import Term

EDITION_FIELDS = ("name", "starts_on", "ends_on", "city", "url", "abstract_limit", "sources")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _edition(conference: Conference, row: dict[str, Any]) -> Edition:
    found = Edition.objects.filter(conference=conference, year=row["year"]).first()
    if found is not None and (found.version > 1 or not found.is_estimate):
        return found  # loaded before, or corrected by a curator since
    values = {
        "name": row["name"],
        "starts_on": _date(row.get("starts_on")),
        "ends_on": _date(row.get("ends_on")),
        "city": row.get("city", ""),
        "url": row.get("url", ""),
        "abstract_limit": row.get("abstract_limit", ""),
        "sources": row.get("sources", {}),
    }
    return edition_save(actor=None, conference=conference, year=row["year"], **values)


def _deadline(edition: Edition, row: dict[str, Any]) -> None:
    found = Deadline.objects.filter(edition=edition, kind=row["kind"]).first()
    if found is not None and not found.is_estimate:
        return
    given = DeadlineInput(
        kind=row["kind"],
        local=dt.datetime.fromisoformat(row["local"]),
        time_zone=row["time_zone"],
        time_stated=row.get("time_stated", True),
        opens_on=_date(row.get("opens_on")),
        stated_as=row.get("stated_as", ""),
        word_limit=row.get("word_limit"),
        limit_note=row.get("limit_note", ""),
        categories=row.get("categories", ""),
        source=row.get("source", ""),
    )
    deadline_save(actor=None, edition=edition, given=given, deadline=found)


@transaction.atomic
def conferences_load(*, now: dt.datetime | None = None) -> int:
    """Create or complete every sourced conference; returns how many conferences exist."""
    for row in CONFERENCES:
        conference, _ = Conference.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "society": row["society"],
                "society_name": row["society_name"],
                "name": row["name"],
                "notes": row.get("notes", ""),
                "sources": row.get("sources", ""),
            },
        )
        terms = Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, name__in=row["subspecialties"])
        conference.subspecialties.set(terms)
        for edition_row in row["editions"]:
            edition = _edition(conference, edition_row)
            for deadline_row in edition_row.get("deadlines", []):
                _deadline(edition, deadline_row)
    estimates_refresh(now=now)
    return Conference.objects.count()
