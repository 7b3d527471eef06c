"""Estimates from past editions, for meetings whose next dates are not yet published.

A conference repeats yearly. When no coming deadline of a kind is known, one is
estimated on the earliest day of the year that kind fell on in past editions, at the
time and in the zone of the latest one (earliest, so a trainee is never caught out).
A coming meeting without dates is estimated by moving the latest known dates on by
whole weeks, so the weekday stays. Estimates are stored rows marked `is_estimate`,
with the basis written out; a curator confirms one by saving the published values.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from events.models import Conference, Deadline, Edition

MAX_YEARS_AHEAD = 12


def _shift_by_weeks(day: dt.date, years: int) -> dt.date:
    return day + dt.timedelta(weeks=round(years * 365.25 / 7))


def _on_year(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _edition_for(conference: Conference, year: int, basis: str) -> Edition:
    edition = Edition.objects.filter(conference=conference, year=year).first()
    if edition is not None:
        return edition
    dated = conference.editions.filter(starts_on__isnull=False, is_estimate=False).order_by("-year")
    latest = dated.first()
    starts = ends = None
    if latest is not None and latest.starts_on is not None:
        starts = _shift_by_weeks(latest.starts_on, year - latest.year)
        ends = _shift_by_weeks(latest.ends_on, year - latest.year) if latest.ends_on else None
        basis = (
            f"{basis}; dates moved on by whole weeks from {latest} ({latest.starts_on:%-d %b %Y})"
        )
    edition = Edition.objects.create(
        conference=conference,
        year=year,
        name=f"{conference.society} {year} (estimated)",
        starts_on=starts,
        ends_on=ends,
        is_estimate=True,
        basis=basis[:300],
    )
    audit_record(actor=None, action="edition.estimate", obj=edition)
    return edition


def _estimate_deadline(conference: Conference, kind: str, now: dt.datetime) -> Deadline | None:
    known = list(
        Deadline.objects.filter(edition__conference=conference, kind=kind, is_estimate=False)
        .select_related("edition")
        .order_by("-due_at")
    )
    if not known or known[0].due_at > now:
        return None
    if Deadline.objects.filter(
        edition__conference=conference, kind=kind, is_estimate=True, due_at__gt=now
    ).exists():
        return None
    latest = known[0]
    zone = zoneinfo.ZoneInfo(latest.time_zone)
    local = latest.due_at.astimezone(zone)
    earliest = min(
        (d.due_at.astimezone(zoneinfo.ZoneInfo(d.time_zone)) for d in known),
        key=lambda t: (t.month, t.day),
    )
    seen = ", ".join(
        f"{d.due_at.astimezone(zoneinfo.ZoneInfo(d.time_zone)):%-d %b %Y}" for d in known
    )
    for years in range(1, MAX_YEARS_AHEAD + 1):
        day = _on_year(earliest.date(), local.year + years)
        due = dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
        if due > now:
            break
    else:
        return None
    basis = f"Estimated from past editions ({seen}): the earliest day of the year they fell on"
    edition = _edition_for(conference, latest.edition.year + years, basis)
    if Deadline.objects.filter(edition=edition, kind=kind).exists():
        return None
    deadline = Deadline.objects.create(
        edition=edition,
        kind=kind,
        due_at=due.astimezone(dt.UTC),
        time_zone=latest.time_zone,
        time_stated=latest.time_stated,
        categories=latest.categories,
        is_estimate=True,
        basis=basis[:300],
    )
    audit_record(actor=None, action="deadline.estimate", obj=deadline)
    return deadline


def _estimate_meeting(conference: Conference, today: dt.date) -> Edition | None:
    if conference.editions.filter(starts_on__gte=today).exists():
        return None
    latest = (
        conference.editions.filter(starts_on__isnull=False, is_estimate=False)
        .order_by("-year")
        .first()
    )
    if latest is None or latest.starts_on is None:
        return None
    for years in range(1, MAX_YEARS_AHEAD + 1):
        if _shift_by_weeks(latest.starts_on, years) >= today:
            year = latest.year + years
            if Edition.objects.filter(conference=conference, year=year).exists():
                return None
            return _edition_for(conference, year, "Estimated from past editions")
    return None


@transaction.atomic
def estimates_refresh(*, now: dt.datetime | None = None) -> list[Deadline | Edition]:
    """Add the missing estimates for every conference; running it again adds nothing."""
    now = now or timezone.now()
    made: list[Deadline | Edition] = []
    for conference in Conference.objects.all():
        kinds = set(
            Deadline.objects.filter(edition__conference=conference, is_estimate=False).values_list(
                "kind", flat=True
            )
        )
        for kind in sorted(kinds):
            if (deadline := _estimate_deadline(conference, kind, now)) is not None:
                made.append(deadline)
        if (edition := _estimate_meeting(conference, now.date())) is not None:
            made.append(edition)
    return made
