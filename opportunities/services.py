"""Writes for opportunities and programmes: one transaction each, audited in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff_fields
from core.exceptions import EditConflict
from events.times import aware
from opportunities import access
from opportunities.models import FACTS, STAGE, Opportunity, Programme

if TYPE_CHECKING:
    from people.models import Term

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
    "kind",
    "name",
    "institution",
    "site",
    "specialty",
    "subspecialty",
    "country",
    "region",
    "positions_per_year",
    "opens_on",
    "closes_on",
    "research",
    "typical_outputs",
    "visa_sponsorship",
    "graduated_within_years",
    "step2_minimum",
    "step2_median",
    "applications_received",
    "interviews_offered",
    "application_fee",
    "sources",
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


def _check_version(
    found: Opportunity, version: int | None, fields: tuple[str, ...], what: str
) -> None:
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
    subspecialties: Iterable[Term] = (),
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
    subspecialties: Iterable[Term] = (),
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
    if "country" in values:
        values["country"] = (values["country"] or "").strip().upper()
        if values["country"] and not (len(values["country"]) == 2 and values["country"].isalpha()):
            raise ValidationError({"country": "Use a two-letter country code, such as US or GB."})
    _check_shortlist_facts(values)
    return values


def _check_shortlist_facts(values: dict[str, Any]) -> None:
    """The facts a shortlist relies on must agree with each other."""
    if values.get("kind") == Programme.Kind.RESIDENCY and not values.get("specialty"):
        raise ValidationError({"specialty": "Choose the specialty of a residency programme."})
    low, median = values.get("step2_minimum"), values.get("step2_median")
    if low is not None and median is not None and median < low:
        raise ValidationError(
            {"step2_median": f"The median ({median}) is under the minimum ({low})."}
        )
    received, offered = values.get("applications_received"), values.get("interviews_offered")
    both_given = "applications_received" in values and "interviews_offered" in values
    if both_given and (received is None) != (offered is None):
        field = "interviews_offered" if offered is None else "applications_received"
        raise ValidationError(
            {field: "Give both applications received and interviews offered, or neither."}
        )
    if received is not None and offered is not None and offered > received:
        raise ValidationError(
            {"interviews_offered": f"More interviews ({offered}) than applications ({received})."}
        )
    if received == 0:
        raise ValidationError({"applications_received": "Applications received must be above 0."})
    fee = values.get("application_fee")
    if fee is not None and fee < 0:
        raise ValidationError({"application_fee": "The application fee cannot be negative."})


def sources_of(
    given: dict[str, Any] | None, values: Mapping[str, object]
) -> dict[str, dict[str, str]]:
    """Each fact's source and date as stored, checked: a known fact, a source with its
    date (not in the future), and for the shortlist's own facts a source whenever the
    fact is given. Errors name the fact's form fields (`source_<fact>`, `as_of_<fact>`)."""
    given = given or {}
    unknown = sorted(set(given) - set(FACTS))
    if unknown:
        raise ValidationError({"sources": f"Unknown facts: {', '.join(unknown)}."})
    cleaned: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for fact, (label, fields, required) in FACTS.items():
        entry = given.get(fact) or {}
        source = str(entry.get("source") or "").strip()
        as_of = entry.get("as_of") or ""
        if isinstance(as_of, str) and as_of:
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                errors[f"as_of_{fact}"] = f"{label}: give the date as YYYY-MM-DD."
                continue
        has_value = any(values.get(f) not in (None, "") for f in fields)
        if len(source) > 500:
            errors[f"source_{fact}"] = f"{label}: keep the source under 500 characters."
        elif source and not as_of:
            errors[f"as_of_{fact}"] = f"{label}: give the date the source was read."
        elif as_of and not source:
            errors[f"source_{fact}"] = f"{label}: say where this fact comes from."
        elif as_of and as_of > today:
            errors[f"as_of_{fact}"] = f"{label}: the date read cannot be in the future."
        elif required and has_value and not source:
            errors[f"source_{fact}"] = f"{label}: say where this fact comes from, and when."
        elif source:
            cleaned[fact] = {"source": source, "as_of": as_of.isoformat()}
    if errors:
        raise ValidationError(errors)
    return cleaned


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
    """Add a fellowship or residency programme, or correct one (curators; `actor=None`
    for the seed).

    Refused, naming the field: a window that closes before it opens, negative positions,
    a visa that is not one of the choices or "None" beside a visa, a name the same
    institution already uses, a residency without its specialty, a Step 2 CK median
    under the minimum, more interviews than applications, one of the two without the
    other, and a shortlist fact without its source and date (`sources_of`). A save from a
    stale `version` raises `EditConflict`.
    """
    if actor is not None:
        access.require_curator(actor)
    values = _programme_values(fields)
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        _check_programme_version(programme, version, values)
    if "sources" in values or programme is None:
        merged = {f: getattr(programme, f) for f in PROGRAMME_FIELDS} if programme else {}
        values["sources"] = sources_of(values.get("sources"), {**merged, **values})
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
