"""Collaborative credit in the JSON API: the same access rules and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404
from ninja import Router, Schema, Status

from accounts.models import User
from core.paging import ObjectId
from core.types import AuthedRequest
from credit import (
    access,
    contributions,
    core,
    dashboard,
    forms,
    portfolio,
    selectors,
    services,
)
from credit.models import AuthorList, ContributionRecord, PortfolioStudy
from network.models import Site

router = Router()


class CollaboratorOut(Schema):
    person_id: int
    given_names: str
    family_name: str
    orcid: str
    affiliation: str
    site: str
    region: str
    country: str


class CollaboratorGroupOut(Schema):
    label: str
    people: list[CollaboratorOut]


class AuthorshipDecisionOut(Schema):
    person_id: int
    name: str
    qualifies: bool
    reasons: list[str]
    shortfalls: list[str]
    records_entered: int
    records_complete: int
    queries_answered: int
    validations: int
    site_lead: bool
    writing_committee: str
    credit_roles: list[str]
    confirmation: str


class AuthorListOut(Schema):
    consortium_name: str
    grouping: str
    locked: bool
    size: int
    groups: list[CollaboratorGroupOut]
    decisions: list[AuthorshipDecisionOut] | None = None


def _person(person: core.Contributor) -> CollaboratorOut:
    place = person.place or core.Place("", "", "")
    return CollaboratorOut(
        person_id=person.person_id,
        given_names=person.given_names,
        family_name=person.family_name,
        orcid=person.orcid,
        affiliation=person.affiliation,
        site=place.site,
        region=place.region,
        country=place.country,
    )


def _decision(decision: core.Decision) -> AuthorshipDecisionOut:
    c = decision.contributor
    return AuthorshipDecisionOut(
        person_id=c.person_id,
        name=c.name,
        qualifies=decision.qualifies,
        reasons=list(decision.reasons),
        shortfalls=list(decision.shortfalls),
        records_entered=c.records_entered,
        records_complete=c.records_complete,
        queries_answered=c.queries_answered,
        validations=c.validations,
        site_lead=c.site_lead,
        writing_committee=c.writing_committee,
        credit_roles=list(c.credit_roles),
        confirmation=c.confirmation,
    )


def _list_out(listing: core.AuthorList, author_list: AuthorList, full: bool) -> AuthorListOut:
    decisions = None
    if full:
        decisions = [_decision(d) for d in selectors.computed_list(author_list).decisions]
    return AuthorListOut(
        consortium_name=listing.consortium_name,
        grouping=listing.grouping,
        locked=author_list.is_locked,
        size=listing.size,
        groups=[
            CollaboratorGroupOut(label=g.label, people=[_person(p) for p in g.people])
            for g in listing.groups
        ],
        decisions=decisions,
    )


@router.get(
    "/studies/{study_id}/author-list",
    response=AuthorListOut,
    summary="The collaborator list: the committee's working list with reasons, or the published",
)
def author_list_get(request: AuthedRequest, study_id: int) -> AuthorListOut:
    study = access.get_study(request.user, study_id)
    author_list = AuthorList.objects.filter(study=study).first()
    if author_list is None:
        raise Http404("The committee has not set the authorship rules of this study yet.")
    if access.may_see_full_list(request.user):
        access.require_committee(request.user)
        return _list_out(selectors.current_list(author_list), author_list, full=True)
    if not author_list.is_locked:
        raise Http404("The list is published once the committee locks it.")
    return _list_out(selectors.current_list(author_list), author_list, full=False)


@router.get(
    "/studies/{study_id}/contributions/me",
    response=AuthorshipDecisionOut,
    summary="My own contributions to a study, and whether they qualify me",
)
def my_contribution(request: AuthedRequest, study_id: int) -> AuthorshipDecisionOut:
    study = access.get_study(request.user, study_id)
    me = selectors.contribution_of(study, request.user)
    if me is None:
        raise Http404("Nothing is recorded for you in this study.")
    author_list = AuthorList.objects.filter(study=study).first()
    if author_list is None:
        return _decision(core.Decision(me, False, (), ("no authorship rules yet",)))
    return _decision(core.decide(me, selectors.rules_of(author_list)))


class AuthorshipRulesIn(Schema):
    consortium_name: str
    min_complete_records: int | None = None
    min_validations: int | None = None
    site_leads_qualify: bool = True
    writing_committee_qualify: bool = True
    credit_roles_qualify: bool = False
    grouping: str = "site"
    project_id: int | None = None


@router.put(
    "/studies/{study_id}/rules",
    response=AuthorListOut,
    summary="Set the authorship rules (committee, two-factor); answers the list they make",
)
def rules_put(request: AuthedRequest, study_id: int, payload: AuthorshipRulesIn) -> AuthorListOut:
    from projects.models import Project

    study, _ = access.get_study_to_manage(request.user, study_id)
    project = None
    if payload.project_id is not None:
        project = Project.objects.filter(pk=payload.project_id).first()
        if project is None:
            raise ValidationError({"project_id": f"There is no project {payload.project_id}."})
    rules = core.Rules(
        consortium_name=payload.consortium_name,
        min_complete_records=payload.min_complete_records,
        min_validations=payload.min_validations,
        site_leads_qualify=payload.site_leads_qualify,
        writing_committee_qualify=payload.writing_committee_qualify,
        credit_roles_qualify=payload.credit_roles_qualify,
        grouping=payload.grouping,  # type: ignore[arg-type]
    )
    author_list = services.rules_save(actor=request.user, study=study, rules=rules, project=project)
    return _list_out(selectors.current_list(author_list), author_list, full=True)


# --- The network dashboard (committee, two-factor) -------------------------------------


class FigureRowOut(Schema):
    label: str
    cells: list[int | str]


class FigureOut(Schema):
    key: str
    title: str
    explanation: str
    columns: list[str]
    rows: list[FigureRowOut]
    suppressed: bool
    percent: bool


class AimOut(Schema):
    key: str
    title: str
    summary: str
    figures: list[FigureOut]


class DashboardOut(Schema):
    counted_at: dt.datetime
    aims: list[AimOut]


def _figure(fig: dashboard.Figure) -> FigureOut:
    return FigureOut(
        key=fig.key,
        title=fig.title,
        explanation=fig.explanation,
        columns=fig.columns,
        rows=[FigureRowOut(label=label, cells=cells) for label, cells in fig.rows],
        suppressed=fig.suppressed,
        percent=fig.percent,
    )


@router.get(
    "/dashboard",
    response=DashboardOut,
    summary="The network dashboard: the four aims, each figure by region or year (committee)",
)
def dashboard_get(request: AuthedRequest) -> DashboardOut:
    access.require_dashboard(request.user)
    counted_at, aims = dashboard.cached_aims()
    return DashboardOut(
        counted_at=counted_at,
        aims=[
            AimOut(
                key=aim.key,
                title=aim.title,
                summary=aim.summary,
                figures=[_figure(f) for f in aim.figures],
            )
            for aim in aims
        ],
    )


@router.get(
    "/dashboard/{key}",
    response=FigureOut,
    summary="One figure of the network dashboard, e.g. members-region (committee)",
)
def dashboard_figure(request: AuthedRequest, key: str) -> FigureOut:
    access.require_dashboard(request.user)
    fig = dashboard.find(dashboard.cached_aims()[1], key)
    if fig is None:
        raise Http404(f"The dashboard has no figure “{key}”.")
    return _figure(fig)


# --- Portfolio-study recruitment (site lead of the site, or the committee) -------------


class PortfolioMonthOut(Schema):
    month: dt.date
    recruited: int


class PortfolioTraineeOut(Schema):
    person_id: int
    name: str
    part: str


class PortfolioStudyOut(Schema):
    id: int
    site_id: int
    site: str
    region: str
    title: str
    reference: str
    target: int
    recruited: int
    months: list[PortfolioMonthOut]
    trainees: list[PortfolioTraineeOut]


class PortfolioStudyIn(Schema):
    site_id: int
    title: str
    reference: str = ""
    target: int


class PortfolioMonthIn(Schema):
    month: str  # "2026-03"
    recruited: int


def _portfolio_out(study: PortfolioStudy) -> PortfolioStudyOut:
    months = list(study.months.all())
    return PortfolioStudyOut(
        id=study.pk,
        site_id=study.site_id,
        site=study.site.name,
        region=study.site.region.name,
        title=study.title,
        reference=study.reference,
        target=study.target,
        recruited=sum(m.recruited for m in months),
        months=[PortfolioMonthOut(month=m.month, recruited=m.recruited) for m in months],
        trainees=[
            PortfolioTraineeOut(person_id=t.person_id, name=str(t.person), part=t.part)
            for t in study.trainees.all()
        ],
    )


def _form_errors(form: BaseForm) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


@router.get(
    "/portfolio",
    response=list[PortfolioStudyOut],
    summary="Portfolio studies: a site lead's own sites, or every site for the committee",
)
def portfolio_list(request: AuthedRequest) -> list[PortfolioStudyOut]:
    # The pages hide portfolio studies from other roles (404); the API's list is in its
    # published document, so a role that may not keep them is told so (403).
    if not access.may_keep_portfolio(request.user):
        raise PermissionDenied("Portfolio studies are kept by site leads and the committee.")
    access.require_portfolio(request.user)
    studies = (
        PortfolioStudy.objects.filter(site__in=access.portfolio_sites(request.user))
        .select_related("site__region")
        .prefetch_related("months", "trainees__person")
    )
    return [_portfolio_out(s) for s in studies]


@router.get(
    "/portfolio/{study_id}",
    response=PortfolioStudyOut,
    summary="One portfolio study with its months and trainees",
)
def portfolio_get(request: AuthedRequest, study_id: int) -> PortfolioStudyOut:
    return _portfolio_out(access.get_portfolio_study(request.user, study_id))


@router.post(
    "/portfolio",
    response={201: PortfolioStudyOut},
    summary="Record a portfolio study at a site one leads (or any site, the committee)",
)
def portfolio_create(request: AuthedRequest, payload: PortfolioStudyIn) -> Status:
    access.require_portfolio(request.user)
    site = Site.objects.filter(pk=payload.site_id).first()
    if site is None:
        raise ValidationError({"site_id": [f"There is no site {payload.site_id}."]})
    access.require_portfolio_site(request.user, site)
    values = {"site": site.pk, "title": payload.title, "reference": payload.reference}
    form = forms.PortfolioStudyForm({**values, "target": payload.target}, sites=[site])
    if not form.is_valid():
        raise _form_errors(form)
    data = form.cleaned_data
    if PortfolioStudy.objects.filter(site=site, title=data["title"]).exists():
        raise ValidationError({"title": ["This site already records a study of that title."]})
    study = portfolio.study_save(
        actor=request.user,
        site=data["site"],
        title=data["title"],
        reference=data["reference"],
        target=data["target"],
    )
    return Status(201, _portfolio_out(study))


@router.post(
    "/portfolio/{study_id}/months",
    response=PortfolioStudyOut,
    summary="Record a month's recruitment (a second entry for the month replaces the first)",
)
def portfolio_month(
    request: AuthedRequest, study_id: int, payload: PortfolioMonthIn
) -> PortfolioStudyOut:
    study = access.get_portfolio_study(request.user, study_id)
    form = forms.RecruitmentMonthForm({"month": payload.month, "recruited": payload.recruited})
    if not form.is_valid():
        raise _form_errors(form)
    portfolio.month_record(
        actor=request.user,
        study=study,
        month=form.cleaned_data["month"],
        recruited=form.cleaned_data["recruited"],
    )
    return _portfolio_out(study)


# Records of contribution -------------------------------------------------------------------


class ContributionRecordOut(Schema):
    study_id: int
    person_id: int
    name: str
    site: str
    records_entered: int
    records_complete: int
    queries_answered: int
    validations: int
    site_lead: bool
    writing_committee: str
    credit_roles: list[str]
    study_roles: list[str]
    summary: str
    confirmed_by: str
    confirmed_at: dt.datetime


class ContributionRowOut(Schema):
    person_id: int
    name: str
    records_entered: int
    records_complete: int
    queries_answered: int
    validations: int
    may_confirm: bool
    changed_since_confirmed: bool
    confirmed: ContributionRecordOut | None


def _record_out(record: ContributionRecord) -> ContributionRecordOut:
    return ContributionRecordOut(
        study_id=record.study_id,
        person_id=record.person_id,
        name=str(record.person),
        site=record.site.name if record.site else "",
        records_entered=record.records_entered,
        records_complete=record.records_complete,
        queries_answered=record.queries_answered,
        validations=record.validations,
        site_lead=record.site_lead,
        writing_committee=record.writing_committee,
        credit_roles=list(record.credit_roles),
        study_roles=list(record.study_roles),
        summary=contributions.summary(record),
        confirmed_by=str(record.confirmed_by) if record.confirmed_by else "",
        confirmed_at=record.confirmed_at,
    )


@router.get(
    "/studies/{study_id}/contributions",
    response=list[ContributionRowOut],
    summary="The collaborators whose contribution the caller confirms (site lead: their sites)",
)
def contribution_rows(request: AuthedRequest, study_id: ObjectId) -> list[ContributionRowOut]:
    found, sites = access.get_study_to_confirm(request.user, study_id)
    return [
        ContributionRowOut(
            person_id=row.contributor.person_id,
            name=row.contributor.name,
            records_entered=row.contributor.records_entered,
            records_complete=row.contributor.records_complete,
            queries_answered=row.contributor.queries_answered,
            validations=row.contributor.validations,
            may_confirm=row.may_confirm,
            changed_since_confirmed=row.changed,
            confirmed=_record_out(row.record) if row.record else None,
        )
        for row in contributions.rows_for(request.user, found, sites)
    ]


@router.get(
    "/studies/{study_id}/contributions/{person_id}",
    response=ContributionRecordOut,
    summary="A confirmed record of contribution: its person, their site lead, the committee",
)
def contribution_record(
    request: AuthedRequest, study_id: ObjectId, person_id: ObjectId
) -> ContributionRecordOut:
    return _record_out(access.get_contribution_record(request.user, study_id, person_id))


@router.post(
    "/studies/{study_id}/contributions/{person_id}/confirm",
    response=ContributionRecordOut,
    summary="Confirm what a collaborator did, as counted now (never one's own)",
)
def contribution_confirm(
    request: AuthedRequest, study_id: ObjectId, person_id: ObjectId
) -> ContributionRecordOut:
    found, sites = access.get_study_to_confirm(request.user, study_id)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    record = contributions.contribution_confirm(
        actor=request.user, study=found, person=person, sites=sites
    )
    return _record_out(record)
