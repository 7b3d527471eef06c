"""Writes for opportunities and programmes: one transaction each, audited in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from events.times import aware
from opportunities import access
from opportunities.models import STAGE, Opportunity, Programme

OPPORTUNITY_FIELDS = (
    "kind",
    "title",
    "funder",
    "summary",
    "amount",
    "currency",
    "min_grade",
    "max_grade",
    "countries",
    "academic_track",
    "graduates",
    "visa_sponsorship",
    "url",
)
PROGRAMME_FIELDS = (
    "name",
    "institution",
    "site",
    "subspecialty",
    "positions_per_year",
    "opens_on",
    "closes_on",
    "research",
    "typical_outputs",
    "visa_sponsorship",
    "notes",
    "url",
)


def _clean(
    values: dict[str, Any], deadline_local: dt.datetime | None, time_zone: str
) -> dict[str, Any]:
    low, high = values.get("min_grade") or "", values.get("max_grade") or ""
    if low and high and STAGE.get(low, 0) > STAGE.get(high, 99):
        raise ValidationError({"max_grade": "The highest grade comes before the lowest."})
    if values.get("amount") is not None and not values.get("currency"):
        raise ValidationError({"currency": "Give the currency of the amount (such as GBP)."})
    values["currency"] = (values.get("currency") or "").upper()
    values["academic_track"] = values.get("academic_track") or Opportunity.Track.ANY
    values["graduates"] = values.get("graduates") or Opportunity.Graduates.ANY
    values["countries"] = ",".join(
        c.strip().upper() for c in (values.get("countries") or "").split(",") if c.strip()
    )
    bad = [c for c in values["countries"].split(",") if c and (len(c) != 2 or not c.isalpha())]
    if bad:
        raise ValidationError({"countries": f"Use two-letter country codes: {', '.join(bad)}."})
    deadline = aware(deadline_local, time_zone, field="deadline") if deadline_local else None
    return {**values, "deadline_at": deadline, "time_zone": time_zone if deadline else ""}


def _check_version(found: Any, version: int | None, fields: tuple[str, ...], what: str) -> None:
    if version is not None and version != found.version:
        raise EditConflict(
            f"Someone saved this {what} since you opened it: compare their values with yours.",
            current={f: getattr(found, f) for f in fields},
            version=found.version,
        )


@transaction.atomic
def opportunity_suggest(
    *,
    actor: User,
    deadline_local: dt.datetime | None = None,
    time_zone: str = "",
    subspecialties: Any = (),
    **fields: Any,
) -> Opportunity:
    """Anyone signed in suggests; a curator's own addition is published at once."""
    values = _clean(
        {k: fields.get(k) for k in OPPORTUNITY_FIELDS if k in fields}, deadline_local, time_zone
    )
    curator = access.publishes_directly(actor)
    state = Opportunity.State.PUBLISHED if curator else Opportunity.State.SUGGESTED
    opportunity = Opportunity(suggested_by=actor, state=state, **values)
    if curator:
        opportunity.reviewed_by, opportunity.reviewed_at = actor, timezone.now()
    opportunity.full_clean(exclude=["suggested_by", "reviewed_by"])
    opportunity.save()
    opportunity.subspecialties.set(list(subspecialties))
    audit_record(
        actor=actor, action="opportunity.suggest", obj=opportunity, changes={"state": (None, state)}
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    version: int | None,
    deadline_local: dt.datetime | None = None,
    time_zone: str = "",
    subspecialties: Any = (),
    **fields: Any,
) -> Opportunity:
    access.require_curator(actor)
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _check_version(locked, version, OPPORTUNITY_FIELDS, "opportunity")
    values = _clean(
        {k: fields.get(k) for k in OPPORTUNITY_FIELDS if k in fields}, deadline_local, time_zone
    )
    before = {k: getattr(locked, k) for k in values}
    for key, value in values.items():
        setattr(locked, key, value)
    locked.full_clean(exclude=["suggested_by", "reviewed_by"])
    locked.version += 1
    locked.save()
    locked.subspecialties.set(list(subspecialties))
    audit_record(
        actor=actor, action="opportunity.update", obj=locked, changes=diff_fields(before, values)
    )
    return locked


@transaction.atomic
def opportunity_review(
    *, actor: User | None, opportunity: Opportunity, publish: bool, note: str = ""
) -> Opportunity:
    """Publish or reject a suggestion (curators; `actor=None` is the system, for the seed)."""
    if actor is not None:
        access.require_curator(actor)
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.state != Opportunity.State.SUGGESTED:
        raise ValidationError(
            {"state": f"“{locked}” was already reviewed ({locked.get_state_display()})."}
        )
    before = locked.state
    locked.state = Opportunity.State.PUBLISHED if publish else Opportunity.State.REJECTED
    locked.reviewed_by, locked.reviewed_at, locked.review_note = (
        actor,
        timezone.now(),
        note.strip()[:500],
    )
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    audit_record(
        actor=actor,
        action="opportunity.review",
        obj=locked,
        changes={"state": (before, locked.state)},
        reason=locked.review_note,
    )
    return locked


def visas_of(given: str | Iterable[str] | None) -> str:
    """The visas a programme sponsors as stored: known choices, comma-separated in the
    choices' order; "None" alone; empty when unknown. Anything else is refused."""
    parts = given.split(",") if isinstance(given, str) else list(given or ())
    chosen = {part.strip() for part in parts if part and part.strip()}
    known = {value.lower(): value for value in Programme.Visa.values}
    unknown = sorted(part for part in chosen if part.lower() not in known)
    if unknown:
        allowed = ", ".join(Programme.Visa.values)
        raise ValidationError(
            {"visa_sponsorship": f"Unknown visa: {', '.join(unknown)} (choose from {allowed})."}
        )
    values = {known[part.lower()] for part in chosen}
    if Programme.Visa.NONE in values and len(values) > 1:
        raise ValidationError(
            {"visa_sponsorship": "“None” cannot go with a visa: choose one or the other."}
        )
    return ", ".join(value for value in Programme.Visa.values if value in values)


def _programme_values(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"programme_save() got unknown fields: {sorted(unknown)}")
    values = dict(fields)
    for name in ("name", "institution", "typical_outputs", "notes", "url"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    positions = values.get("positions_per_year")
    if positions is not None and positions < 0:
        raise ValidationError({"positions_per_year": "Positions a year cannot be negative."})
    opens, closes = values.get("opens_on"), values.get("closes_on")
    if opens and closes and closes < opens:
        raise ValidationError(
            {"closes_on": f"Applications close ({closes}) before they open ({opens})."}
        )
    if "visa_sponsorship" in values:
        values["visa_sponsorship"] = visas_of(values["visa_sponsorship"])
    return values


def _check_programme_version(
    programme: Programme, version: int | None, values: dict[str, Any]
) -> None:
    """A save from a stale version is refused with the saved values that differ from it."""
    if version is None or version == programme.version:
        return
    differing = {k: getattr(programme, k) for k, v in values.items() if getattr(programme, k) != v}
    raise EditConflict(
        f"Someone saved “{programme}” since you opened it: compare their values with yours.",
        current={k.replace("_", " "): "" if v is None else str(v) for k, v in differing.items()},
        version=programme.version,
    )


def _check_unique_name(values: dict[str, Any], programme: Programme | None) -> None:
    name = values.get("name", programme.name if programme else "")
    institution = values.get("institution", programme.institution if programme else "")
    same = Programme.objects.filter(name__iexact=name, institution__iexact=institution)
    if programme is not None:
        same = same.exclude(pk=programme.pk)
    if name and institution and same.exists():
        raise ValidationError({"name": f"{institution} already has a programme called “{name}”."})


@transaction.atomic
def programme_save(
    *,
    actor: User | None,
    programme: Programme | None = None,
    version: int | None = None,
    **fields: Any,
) -> Programme:
    """Add a fellowship programme, or correct one (curators; `actor=None` for the seed).

    Refused, naming the field: a window that closes before it opens, negative positions,
    a visa that is not one of the choices or "None" beside a visa, a name the same
    institution already uses. A save from a stale `version` raises `EditConflict`.
    """
    if actor is not None:
        access.require_curator(actor)
    values = _programme_values(fields)
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        _check_programme_version(programme, version, values)
    _check_unique_name(values, programme)
    before = {k: getattr(programme, k) for k in values} if programme else {}
    action = "programme.update" if programme else "programme.create"
    programme = programme or Programme()
    for key, value in values.items():
        setattr(programme, key, value)
    programme.full_clean()
    if programme.pk:
        programme.version += 1
    programme.save()
    audit_record(actor=actor, action=action, obj=programme, changes=diff_fields(before, values))
    return programme
