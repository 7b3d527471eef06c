from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from core.paging import ObjectId
from core.types import AuthedRequest
from network import access, selectors, services
from network.models import Membership, Region, Role, Site, TrainingScheme

router = Router()


class RegionOut(Schema):
    id: int
    name: str
    country: str


class SiteOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    region_id: int
    region: str
    city: str
    latitude: Decimal
    longitude: Decimal
    member_count: int


class MembershipOut(Schema):
    id: int
    person_id: int
    person: str
    role: str
    site_id: int | None
    scheme_id: int | None
    active: bool


class MembershipIn(Schema):
    person_email: str
    role: Role
    site_id: int | None = None
    scheme_id: int | None = None
    reason: str = ""


class MembershipEndIn(Schema):
    reason: str


def _site_out(site: Site) -> SiteOut:
    return SiteOut(
        id=site.pk,
        name=site.name,
        short_name=site.short_name,
        kind=site.kind,
        region_id=site.region_id,
        region=site.region.name,
        city=site.city,
        latitude=site.latitude,
        longitude=site.longitude,
        member_count=getattr(site, "member_count", 0),
    )


def _membership_out(membership: Membership) -> MembershipOut:
    return MembershipOut(
        id=membership.pk,
        person_id=membership.person_id,
        person=str(membership.person),
        role=membership.role,
        site_id=membership.site_id,
        scheme_id=membership.scheme_id,
        active=membership.is_active,
    )


@router.get("/regions", response=list[RegionOut])
def regions(request: AuthedRequest) -> list[Region]:
    return list(Region.objects.all())


@router.get("/sites", response=list[SiteOut], summary="Sites of the network, by name")
def sites(request: AuthedRequest, region_id: ObjectId | None = None) -> list[SiteOut]:
    listed = selectors.sites_with_counts()
    if region_id is not None:
        listed = listed.filter(region_id=region_id)
    return [_site_out(site) for site in listed]


@router.get("/sites/{site_id}", response=SiteOut)
def site(request: AuthedRequest, site_id: int) -> SiteOut:
    return _site_out(get_object_or_404(selectors.sites_with_counts(), pk=site_id))


@router.get("/sites/{site_id}/memberships", response=list[MembershipOut])
def site_memberships(request: AuthedRequest, site_id: int) -> list[MembershipOut]:
    found = get_object_or_404(Site, pk=site_id)
    access.require(request.user, access.Action.SEE_MEMBERS, found)
    return [_membership_out(m) for m in selectors.site_memberships(found)]


@router.post("/memberships", response={201: MembershipOut}, summary="Grant a role")
def membership_grant(request: AuthedRequest, payload: MembershipIn) -> Status:
    site = get_object_or_404(Site, pk=payload.site_id) if payload.site_id else None
    scheme = get_object_or_404(TrainingScheme, pk=payload.scheme_id) if payload.scheme_id else None
    access.require(request.user, access.Action.MANAGE_MEMBERSHIPS, site)
    person = (
        get_user_model().objects.filter(email__iexact=payload.person_email, is_active=True).first()
    )
    if person is None:
        raise ValidationError({"person_email": f"No account uses {payload.person_email}."})
    membership = services.membership_grant(
        actor=request.user,
        person=person,
        role=payload.role,
        site=site,
        scheme=scheme,
        reason=payload.reason,
    )
    return Status(201, _membership_out(membership))


@router.post("/memberships/{membership_id}/end", response=MembershipOut, summary="End a role")
def membership_end(
    request: AuthedRequest, membership_id: int, payload: MembershipEndIn
) -> MembershipOut:
    membership = get_object_or_404(Membership.objects.select_related("site"), pk=membership_id)
    access.require_membership_end(request.user, membership)
    ended = services.membership_end(
        actor=request.user, membership=membership, reason=payload.reason
    )
    return _membership_out(ended)


class MapSiteOut(Schema):
    id: int
    name: str
    short_name: str
    city: str
    region_id: int
    region: str
    country: str
    latitude: float
    longitude: float
    mentor_count: int
    accepting_count: int
    # null means "not counted" (no projects app installed), never zero.
    open_projects: int | None = None


class MapRegionOut(Schema):
    id: int
    name: str
    country: str
    site_count: int
    mentor_count: int
    accepting_count: int
    open_projects: int | None = None


class MapOut(Schema):
    sites: list[MapSiteOut]
    regions: list[MapRegionOut]


@router.get("/map", response=MapOut, summary="Sites and regions with mentor counts, for the map")
def research_map(request: AuthedRequest) -> MapOut:
    found = selectors.research_map()
    return MapOut(
        sites=[MapSiteOut(**asdict(site)) for site in found.sites],
        regions=[MapRegionOut(**asdict(region)) for region in found.regions],
    )


class RequestOut(Schema):
    id: int
    person_id: int
    person: str
    role: str
    site_id: int | None
    status: str
    note: str
    decision_note: str
    created_at: str


class JoinIn(Schema):
    site_id: int | None = None
    hospital_not_listed: str = ""


class RoleRequestIn(Schema):
    role: str
    site_id: int | None = None
    reason: str = ""


class ApproveIn(Schema):
    site_id: int | None = None  # for a join request whose hospital was not listed


class DeclineIn(Schema):
    reason: str = ""


def _request_out(membership: Membership) -> RequestOut:
    return RequestOut(
        id=membership.pk,
        person_id=membership.person_id,
        person=str(membership.person),
        role=membership.role,
        site_id=membership.site_id,
        status=membership.status,
        note=membership.request_note,
        decision_note=membership.decision_note,
        created_at=membership.created_at.isoformat(),
    )


def _site_named(site_id: int | None, field: str) -> Site | None:
    """The site an id names; an unknown one is refused on its field (422), not a 404."""
    if site_id is None:
        return None
    found = Site.objects.filter(pk=site_id).first()
    if found is None:
        raise ValidationError({field: f"No site has the id {site_id}: choose one of /sites."})
    return found


@router.post("/join", response={201: RequestOut}, summary="Ask to join at your hospital")
def join(request: AuthedRequest, payload: JoinIn) -> Status:
    site = _site_named(payload.site_id, "site_id")
    asked = services.join_request(
        person=request.user, site=site, hospital_not_listed=payload.hospital_not_listed
    )
    return Status(201, _request_out(asked))


@router.post("/role-requests", response={201: RequestOut}, summary="Ask for another role")
def role_request(request: AuthedRequest, payload: RoleRequestIn) -> Status:
    site = _site_named(payload.site_id, "site_id")
    asked = services.role_request(
        person=request.user, role=payload.role, site=site, reason=payload.reason
    )
    return Status(201, _request_out(asked))


@router.get("/requests", response=list[RequestOut], summary="Requests waiting for your decision")
def requests(request: AuthedRequest) -> list[RequestOut]:
    access.require(request.user, access.Action.MANAGE_MEMBERSHIPS)
    return [_request_out(m) for m in services.requests_decidable_by(request.user)]


def _waiting_request(request: AuthedRequest, request_id: int) -> Membership:
    found = get_object_or_404(Membership.objects.select_related("person", "site"), pk=request_id)
    access.require_request_decision(request.user, found)
    return found


@router.post("/requests/{request_id}/approve", response=RequestOut, summary="Approve a request")
def request_approve(request: AuthedRequest, request_id: int, payload: ApproveIn) -> RequestOut:
    found = _waiting_request(request, request_id)
    site = _site_named(payload.site_id, "site_id")
    return _request_out(services.request_approve(actor=request.user, membership=found, site=site))


@router.post("/requests/{request_id}/decline", response=RequestOut, summary="Decline a request")
def request_decline(request: AuthedRequest, request_id: int, payload: DeclineIn) -> RequestOut:
    found = _waiting_request(request, request_id)
    declined = services.request_decline(actor=request.user, membership=found, reason=payload.reason)
    return _request_out(declined)
