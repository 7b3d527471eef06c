from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from core.conflicts import CONFLICT
from core.types import AuthedRequest
from network.models import Site
from opportunities import access, services
from opportunities.eligibility import Facts, verdict
from opportunities.models import Opportunity, Programme
from opportunities.shortlist import core as shortlist_core
from opportunities.shortlist import services as shortlist_services
from people.models import Term

router = Router()


class OpportunityIn(Schema):
    kind: str
    title: str
    funder: str
    summary: str
    amount: Decimal | None = None
    currency: str = ""
    min_grade: str = ""
    max_grade: str = ""
    countries: str = ""
    academic_track: str = "any"
    graduates: str = "any"
    visa_sponsorship: bool = False
    deadline_local: dt.datetime | None = None
    time_zone: str = ""
    subspecialty_ids: list[int] = []
    url: str = ""


class OpportunityOut(Schema):
    id: int
    kind: str
    title: str
    funder: str
    amount: Decimal | None
    currency: str
    deadline_at: dt.datetime | None
    time_zone: str
    state: str
    eligible: bool | None
    reasons: list[str]


class ReviewIn(Schema):
    publish: bool
    note: str = ""


class ProgrammeOut(Schema):
    id: int
    kind: str
    name: str
    institution: str
    site_id: int | None
    subspecialty: str | None
    positions_per_year: int | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    research: str
    typical_outputs: str
    visa_sponsorship: str
    specialty: str
    country: str
    region: str
    graduated_within_years: int | None
    step2_minimum: int | None
    step2_median: int | None
    applications_received: int | None
    interviews_offered: int | None
    application_fee: Decimal | None
    sources: dict[str, dict[str, str]]
    notes: str
    url: str
    version: int


class SourceIn(Schema):
    source: str
    as_of: str = ""  # ISO date, such as 2026-09-01


# The shortlist's facts (issue 18): applied only when a request sends them, so that a
# script written before them does not reset them when it corrects a programme.
SHORTLIST_FIELDS = {
    "kind",
    "specialty",
    "country",
    "region",
    "graduated_within_years",
    "step2_minimum",
    "step2_median",
    "applications_received",
    "interviews_offered",
    "application_fee",
    "sources",
}


class ProgrammeIn(Schema):
    name: str
    institution: str
    site_id: int | None = None
    subspecialty_id: int | None = None
    positions_per_year: int | None = None
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    research: str = Programme.Research.ENCOURAGED
    typical_outputs: str = ""
    visa_sponsorship: list[str] = []
    notes: str = ""
    url: str = ""
    kind: str = Programme.Kind.FELLOWSHIP
    specialty: str = ""
    country: str = ""
    region: str = ""
    graduated_within_years: int | None = None
    step2_minimum: int | None = None
    step2_median: int | None = None
    applications_received: int | None = None
    interviews_offered: int | None = None
    application_fee: Decimal | None = None
    sources: dict[str, SourceIn] = {}


class ProgrammeUpdate(ProgrammeIn):
    version: int


def _out(item: Opportunity, facts: Facts | None) -> OpportunityOut:
    v = verdict(item, facts)
    return OpportunityOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        funder=item.funder,
        amount=item.amount,
        currency=item.currency,
        deadline_at=item.deadline_at,
        time_zone=item.time_zone,
        state=item.state,
        eligible=v.eligible if v else None,
        reasons=list(v.reasons) if v else [],
    )


@router.get(
    "", response=list[OpportunityOut], summary="Published opportunities, with my eligibility"
)
def listing(
    request: AuthedRequest, kind: str = "", eligible: bool = False, open_only: bool = False
) -> list[OpportunityOut]:
    rows = Opportunity.objects.published()
    if kind:
        rows = rows.filter(kind=kind)
    if open_only:
        rows = rows.filter(Q(deadline_at__isnull=True) | Q(deadline_at__gte=timezone.now()))
    facts = Facts.of(request.user)
    items = [_out(o, facts) for o in rows]
    return [i for i in items if i.eligible] if eligible else items


@router.post("", response={201: OpportunityOut}, summary="Suggest an opportunity")
def suggest(request: AuthedRequest, payload: OpportunityIn) -> Status:
    values = payload.model_dump(exclude={"subspecialty_ids"})
    terms = Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, pk__in=payload.subspecialty_ids)
    made = services.opportunity_suggest(actor=request.user, subspecialties=terms, **values)
    return Status(201, _out(made, None))


@router.post(
    "/{opportunity_id}/review", response=OpportunityOut, summary="Publish or reject a suggestion"
)
def review(request: AuthedRequest, opportunity_id: int, payload: ReviewIn) -> OpportunityOut:
    found = access.get_opportunity_for_user(request.user, opportunity_id, curate=True)
    done = services.opportunity_review(
        actor=request.user, opportunity=found, publish=payload.publish, note=payload.note
    )
    return _out(done, None)


def _programme_out(p: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=p.pk,
        kind=p.kind,
        name=p.name,
        institution=p.institution,
        site_id=p.site_id,
        subspecialty=p.subspecialty.name if p.subspecialty else None,
        positions_per_year=p.positions_per_year,
        opens_on=p.opens_on,
        closes_on=p.closes_on,
        research=p.research,
        typical_outputs=p.typical_outputs,
        visa_sponsorship=p.visa_sponsorship,
        specialty=p.specialty,
        country=p.country,
        region=p.region,
        graduated_within_years=p.graduated_within_years,
        step2_minimum=p.step2_minimum,
        step2_median=p.step2_median,
        applications_received=p.applications_received,
        interviews_offered=p.interviews_offered,
        application_fee=p.application_fee,
        sources=p.sources or {},
        notes=p.notes,
        url=p.url,
        version=p.version,
    )


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    summary="The programmes directory: fellowships and residencies, each fact with its source",
)
def programmes(request: AuthedRequest) -> list[ProgrammeOut]:
    return [_programme_out(p) for p in Programme.objects.select_related("subspecialty")]


def _programme_values(payload: ProgrammeIn) -> dict[str, Any]:
    unsent = SHORTLIST_FIELDS - payload.model_fields_set
    values = payload.model_dump(exclude={"site_id", "subspecialty_id", "version", *unsent})
    values["site"] = values["subspecialty"] = None
    if payload.site_id is not None:
        values["site"] = Site.objects.filter(pk=payload.site_id).first()
        if values["site"] is None:
            raise ValidationError({"site_id": f"No site has id {payload.site_id}."})
    if payload.subspecialty_id is not None:
        terms = Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, pk=payload.subspecialty_id)
        values["subspecialty"] = terms.first()
        if values["subspecialty"] is None:
            raise ValidationError(
                {"subspecialty_id": f"No subspecialty has id {payload.subspecialty_id}."}
            )
    return values


@router.post(
    "/programmes", response={201: ProgrammeOut}, summary="Add a programme (committee, admins)"
)
def programme_create(request: AuthedRequest, payload: ProgrammeIn) -> Status:
    access.require_curator(request.user)
    made = services.programme_save(actor=request.user, **_programme_values(payload))
    return Status(201, _programme_out(made))


@router.put(
    "/programmes/{int:programme_id}",
    response={200: ProgrammeOut, **CONFLICT},
    summary="Correct a programme (committee, admins; send the version you read)",
)
def programme_update(request: AuthedRequest, programme_id: int, payload: ProgrammeUpdate) -> Status:
    access.require_curator(request.user)
    found = get_object_or_404(Programme, pk=programme_id)
    saved = services.programme_save(
        actor=request.user, programme=found, version=payload.version, **_programme_values(payload)
    )
    return Status(200, _programme_out(saved))


# The programme shortlist -------------------------------------------------------------------


class ShortlistPickOut(Schema):
    programme_id: int
    name: str
    group: str = Field(description="reach, target or likely")
    interview_likelihood_percent: int
    basis: str = Field(description="published, assumed or yours: where the likelihood comes from")
    steps: list[str] = Field(description="How the likelihood was reached, step by step")
    reasons: list[str]


class ShortlistExclusionOut(Schema):
    programme_id: int
    name: str
    reasons: list[str]


class ShortlistOut(Schema):
    profile_saved: bool = Field(description="False until the applicant saves their profile")
    budget: str
    expected_interviews: float
    cost_cents: int | None = Field(description="What the chosen applications cost (money)")
    chosen: list[ShortlistPickOut]
    left_out: list[ShortlistPickOut]
    excluded: list[ShortlistExclusionOut]
    warnings: list[str]


def _pick(pick: shortlist_core.Pick) -> ShortlistPickOut:
    return ShortlistPickOut(
        programme_id=pick.programme.id,
        name=pick.programme.name,
        group=pick.group,
        interview_likelihood_percent=round(pick.estimate.value * 100),
        basis=pick.estimate.basis,
        steps=list(pick.estimate.steps),
        reasons=list(pick.reasons),
    )


@router.get(
    "/shortlist",
    response=ShortlistOut,
    summary="My programme shortlist: chosen by group, left out and excluded, with reasons",
)
def shortlist(request: AuthedRequest) -> ShortlistOut:
    profile = shortlist_services.profile_of(request.user)
    if profile is None:
        return ShortlistOut(
            profile_saved=False,
            budget="",
            expected_interviews=0,
            cost_cents=None,
            chosen=[],
            left_out=[],
            excluded=[],
            warnings=[],
        )
    result = shortlist_services.shortlist_for(profile)
    return ShortlistOut(
        profile_saved=True,
        budget=result.budget_text,
        expected_interviews=round(result.expected_interviews, 2),
        cost_cents=result.cost,
        chosen=[_pick(p) for p in result.chosen],
        left_out=[_pick(p) for p in result.left_out],
        excluded=[
            ShortlistExclusionOut(
                programme_id=e.programme.id, name=e.programme.name, reasons=list(e.reasons)
            )
            for e in result.excluded
        ],
        warnings=list(result.warnings),
    )
