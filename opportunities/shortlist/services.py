"""The shortlist's Django side: the directory's programmes and the applicant's saved
profile turned into the core's terms, the profile's writes, and the CSV export.

The profile is private to its owner: every function here takes the person and reads
or writes only their own profile (there is no way to name someone else's).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from formats.csvsafe import SpreadsheetSafeWriter
from opportunities.models import FACTS, Programme, ShortlistProfile
from opportunities.shortlist import core
from outputs.models import Output
from outputs.selectors import person_outputs

PROFILE_FIELDS = (
    "stage",
    "graduation_year",
    "step2_score",
    "visas",
    "research_outputs",
    "presentations",
    "regions",
    "subspecialty",
    "budget_kind",
    "budget_programmes",
    "budget_money",
    "fee_flat",
    "fee_flat_count",
    "fee_tiers",
    "assumed_rate",
)
TIER = re.compile(r"^\s*(\d+(?:\.\d{1,2})?)\s+(?:up\s+to\s+(\d+)|after)\s*$", re.IGNORECASE)


# Programmes --------------------------------------------------------------------------


def _source_line(programme: Programme, fact: str) -> str:
    found = programme.source_of(fact)
    if not found["source"]:
        return ""
    as_of = dt.date.fromisoformat(found["as_of"]).strftime("%-d %b %Y") if found["as_of"] else ""
    return f"{found['source']}, as of {as_of}" if as_of else found["source"]


def programme_facts(programme: Programme) -> core.Programme:
    """A directory entry in the core's terms (unknown stays None)."""
    visas: frozenset[str] | None = None
    if programme.visa_sponsorship:
        named = {v.strip() for v in programme.visa_sponsorship.split(",") if v.strip()}
        visas = frozenset(named - {Programme.Visa.NONE})
    fee = programme.application_fee
    return core.Programme(
        id=programme.pk,
        name=f"{programme.name}, {programme.institution}",
        kind=programme.kind,
        region=programme.region,
        subspecialty=programme.subspecialty.name if programme.subspecialty else "",
        positions=programme.positions_per_year,
        visas=visas,
        graduated_within=programme.graduated_within_years,
        step2_minimum=programme.step2_minimum,
        step2_median=programme.step2_median,
        research=programme.research,
        applications=programme.applications_received,
        interviews=programme.interviews_offered,
        fee_cents=int((fee or 0) * 100),
        sources={fact: line for fact in FACTS if (line := _source_line(programme, fact))},
    )


def fact_rows(programme: Programme) -> list[dict[str, object]]:
    """Each fact of a programme as the detail page shows it, with its source and date."""
    p = programme
    values = {
        "positions": p.positions_per_year,
        "visa": p.visa_sponsorship,
        "research": p.get_research_display()
        + (f": {p.typical_outputs}" if p.typical_outputs else ""),
        "graduation": f"Graduates of the last {p.graduated_within_years} years"
        if p.graduated_within_years is not None
        else "",
        "step2": ", ".join(
            text
            for text in (
                f"minimum {p.step2_minimum}" if p.step2_minimum else "",
                f"median of those interviewed {p.step2_median}" if p.step2_median else "",
            )
            if text
        ),
        "interviews": f"{p.interviews_offered:,} interviews offered to"
        f" {p.applications_received:,} applicants"
        if p.applications_received and p.interviews_offered is not None
        else "",
        "fee": f"US${p.application_fee}" if p.application_fee is not None else "",
    }
    rows: list[dict[str, object]] = []
    for fact, (label, _fields, _required) in FACTS.items():
        found = p.source_of(fact)
        rows.append(
            {
                "label": label,
                "value": values[fact],
                "source": found["source"],
                "link": found["source"].startswith(("https://", "http://")),
                "as_of": dt.date.fromisoformat(found["as_of"]) if found["as_of"] else None,
            }
        )
    return rows


# The applicant's profile -------------------------------------------------------------


def counted_outputs(user: User) -> tuple[int, int]:
    """The person's research outputs and presentations recorded on RadCollab: the first
    values of a new profile (the applicant may change them)."""
    talks = {Output.Kind.POSTER, Output.Kind.ORAL}
    kinds = list(
        person_outputs(user).exclude(kind=Output.Kind.GRANT).values_list("kind", flat=True)
    )
    presentations = sum(1 for kind in kinds if kind in talks)
    return len(kinds) - presentations, presentations


def profile_of(user: User) -> ShortlistProfile | None:
    return ShortlistProfile.objects.filter(person=user).select_related("subspecialty").first()


def fees_from(flat: Decimal, flat_count: int, tiers: str) -> core.Fees:
    """The fee tiers as written on the form: "17 up to 20, 21 up to 30, 28 after"."""
    parsed: list[tuple[int | None, int]] = []
    previous = flat_count
    for part in [p for p in tiers.split(",") if p.strip()]:
        found = TIER.match(part)
        if not found:
            raise ValidationError(
                {"fee_tiers": f"“{part.strip()}” is not “price up to N” or “price after”."}
            )
        price, up_to = Decimal(found.group(1)), found.group(2)
        limit = int(up_to) if up_to else None
        if parsed and parsed[-1][0] is None:
            raise ValidationError({"fee_tiers": "Nothing can come after the “after” tier."})
        if limit is not None and limit <= previous:
            raise ValidationError(
                {"fee_tiers": f"“{part.strip()}”: each tier must end above {previous}."}
            )
        parsed.append((limit, int(price * 100)))
        previous = limit or previous
    if not parsed or parsed[-1][0] is not None:
        raise ValidationError(
            {"fee_tiers": "End with the fee for every further programme, such as “28 after”."}
        )
    return core.Fees(flat=int(flat * 100), flat_count=flat_count, tiers=tuple(parsed))


def _check_profile(values: dict[str, Any]) -> None:
    year = timezone.localdate().year
    graduated = values.get("graduation_year")
    if graduated is not None and not (1950 <= graduated <= year + 6):
        raise ValidationError(
            {"graduation_year": f"Give a graduation year from 1950 to {year + 6}."}
        )
    score = values.get("step2_score")
    if score is not None and not (1 <= score <= 300):
        raise ValidationError({"step2_score": "Step 2 CK scores run from 1 to 300."})
    # The tiers are read even for a budget in programmes: the list is computed from them.
    fees_from(values["fee_flat"], values["fee_flat_count"], values["fee_tiers"])
    if values.get("budget_kind") == ShortlistProfile.BudgetKind.MONEY:
        if not values.get("budget_money"):
            raise ValidationError({"budget_money": "Give the amount you can spend, in US$."})
    elif not values.get("budget_programmes"):
        raise ValidationError(
            {"budget_programmes": "Give the number of programmes you can apply to."}
        )
    rate = values.get("assumed_rate")
    if rate is not None and not (1 <= rate <= 95):
        raise ValidationError({"assumed_rate": "Give an assumed rate from 1 to 95 (percent)."})


@transaction.atomic
def shortlist_profile_save(*, actor: User, **fields: Any) -> ShortlistProfile:
    """Save the person's own profile and budget. The audit row names the fields changed
    but not their values: scores and visa needs are the applicant's private data."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"shortlist_profile_save() got unknown fields: {sorted(unknown)}")
    profile = ShortlistProfile.objects.select_for_update().filter(person=actor).first()
    created = profile is None
    profile = profile or ShortlistProfile(person=actor)
    values = {**{f: getattr(profile, f) for f in PROFILE_FIELDS}, **fields}
    values["regions"] = ", ".join(
        r.strip() for r in (values["regions"] or "").split(",") if r.strip()
    )
    _check_profile(values)
    changed = [f for f in PROFILE_FIELDS if getattr(profile, f) != values[f]]
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["person"])
    profile.save()
    audit_record(
        actor=actor,
        action="shortlist.profile_create" if created else "shortlist.profile_update",
        obj=profile,
        changes=dict.fromkeys(changed, (None, "changed")),
    )
    return profile


@transaction.atomic
def shortlist_estimate_set(
    *, actor: User, programme: Programme, percent: int | None
) -> ShortlistProfile:
    """Replace the computed interview likelihood of one programme with the person's own
    (percent, 0 to 100), or go back to the computed one (None)."""
    profile = ShortlistProfile.objects.select_for_update().filter(person=actor).first()
    if profile is None:
        raise ValidationError({"percent": "Save your profile before changing an estimate."})
    if percent is not None and not (0 <= percent <= 100):
        raise ValidationError({"percent": "Give your estimate from 0 to 100 (percent)."})
    own = dict(profile.own_estimates or {})
    if percent is None:
        own.pop(str(programme.pk), None)
    else:
        own[str(programme.pk)] = percent
    profile.own_estimates = own
    profile.save(update_fields=["own_estimates", "updated_at"])
    audit_record(
        actor=actor,
        action="shortlist.estimate_set",
        obj=profile,
        changes={"own_estimates": (None, "changed")},
    )
    return profile


# The shortlist -----------------------------------------------------------------------


def applicant_of(profile: ShortlistProfile) -> core.Applicant:
    return core.Applicant(
        stage=profile.stage,
        graduation_year=profile.graduation_year,
        step2=profile.step2_score,
        visas=frozenset(v.strip() for v in profile.visas.split(",") if v.strip()),
        research_outputs=profile.research_outputs,
        presentations=profile.presentations,
        regions=frozenset(profile.region_list),
        subspecialty=profile.subspecialty.name if profile.subspecialty else "",
    )


def budget_of(profile: ShortlistProfile) -> core.Budget:
    fees = fees_from(profile.fee_flat, profile.fee_flat_count, profile.fee_tiers)
    if profile.budget_kind == ShortlistProfile.BudgetKind.MONEY:
        return core.Budget(money=int((profile.budget_money or 0) * 100), fees=fees)
    return core.Budget(programmes=profile.budget_programmes or 0, fees=fees)


def assumptions_of(profile: ShortlistProfile) -> core.Assumptions:
    if profile.assumed_rate is None:
        return core.Assumptions()
    rate = profile.assumed_rate / 100
    if profile.stage == core.FELLOWSHIP:
        return core.Assumptions(fellowship_rate=rate)
    return core.Assumptions(residency_rate=rate)


def shortlist_for(profile: ShortlistProfile) -> core.Shortlist:
    """The profile's shortlist from every programme of its stage in the directory."""
    rows = Programme.objects.filter(kind=profile.stage).select_related("subspecialty")
    own = {int(k): v / 100 for k, v in (profile.own_estimates or {}).items() if k.isdigit()}
    return core.shortlist(
        [programme_facts(p) for p in rows],
        applicant_of(profile),
        budget_of(profile),
        year=timezone.localdate().year,
        assumptions=assumptions_of(profile),
        own=own,
    )


GROUP_NAMES = {core.REACH: "Reach", core.TARGET: "Target", core.LIKELY: "Likely"}
BASIS_NAMES = {
    "published": "From the programme's published numbers",
    "assumed": "Assumed (no published numbers)",
    "yours": "Your own estimate",
}


def shortlist_csv(result: core.Shortlist) -> str:
    """The shortlist as CSV: one row per programme, chosen first, then left out, then
    excluded, each with its reasons."""
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(csv.writer(out))
    writer.writerow(
        ["status", "group", "programme", "interview likelihood (%)", "basis", "reasons"]
    )
    for label, picks in (("chosen", result.chosen), ("left out", result.left_out)):
        for pick in picks:
            writer.writerow(
                [
                    label,
                    GROUP_NAMES[pick.group],
                    pick.programme.name,
                    f"{pick.estimate.value * 100:.0f}",
                    BASIS_NAMES[pick.estimate.basis],
                    " ".join(pick.reasons),
                ]
            )
    for excluded in result.excluded:
        writer.writerow(
            ["excluded", "", excluded.programme.name, "", "", " ".join(excluded.reasons)]
        )
    return out.getvalue()
