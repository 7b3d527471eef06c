"""The board and a project: posting, its page, status, roles and the mentor's answer."""

from __future__ import annotations

from typing import TypedDict, TypeVar

from django.core.exceptions import ValidationError
from ninja import Query, Schema, Status

from accounts.models import User
from core.paging import ObjectId, PageNumber
from core.types import AuthedRequest
from network.models import Site
from people.models import Term
from projects import selectors, services
from projects.access import (
    Need,
    get_project_asking,
    get_project_for_user,
    require_member_of_network,
)
from projects.api import router
from projects.board import BoardItem, board_search
from projects.forms import BoardForm
from projects.models import (
    Project,
    ProjectRole,
)


class BoardFilters(Schema):
    q: str = ""
    research_type: str = ""
    subspecialty: ObjectId | None = None
    modality: ObjectId | None = None
    region: ObjectId | None = None
    site: ObjectId | None = None
    max_hours: int | None = None
    quick_win: bool = False
    sort: str = ""
    page: PageNumber = 1


class RoleOut(Schema):
    id: int
    kind: str
    label: str
    hours_per_week: int
    duration_weeks: int
    description: str
    state: str


class PointOut(Schema):
    label: str
    met: bool
    reason: str


class EffortOut(Schema):
    hours_per_week: int
    work_hours: float
    work_weeks: int
    approval_weeks: int
    total_weeks: int
    waiting_for: list[str]


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    research_type: str
    subspecialty: str | None
    modality: str | None
    timing: str
    centres: str
    status: str
    lead: str
    mentor: str | None
    sites: list[str]
    regions: list[str]
    roles: list[RoleOut]


class BoardProjectOut(ProjectOut):
    fit_score: int
    fit_reasons: list[str]
    quick_win: bool
    quick_win_points: list[PointOut]
    effort: EffortOut


class BoardOut(Schema):
    count: int
    page: int
    pages: int
    results: list[BoardProjectOut]


# The answers as plain dicts, each shaped as its schema above: the response schema
# validates them once (building schemas here too doubled the time of a board request).


class RoleFields(TypedDict):
    id: int
    kind: str
    label: str
    hours_per_week: int
    duration_weeks: int
    description: str
    state: str


class ProjectFields(TypedDict):
    id: int
    title: str
    summary: str
    research_type: str
    subspecialty: str | None
    modality: str | None
    timing: str
    centres: str
    status: str
    lead: str
    mentor: str | None
    sites: list[str]
    regions: list[str]
    roles: list[RoleFields]


class PointFields(TypedDict):
    label: str
    met: bool
    reason: str


class EffortFields(TypedDict):
    hours_per_week: int
    work_hours: float
    work_weeks: int
    approval_weeks: int
    total_weeks: int
    waiting_for: list[str]


class BoardProjectFields(ProjectFields):
    fit_score: int
    fit_reasons: list[str]
    quick_win: bool
    quick_win_points: list[PointFields]
    effort: EffortFields


class BoardFields(TypedDict):
    count: int
    page: int
    pages: int
    results: list[BoardProjectFields]


class MentorRequestFields(TypedDict):
    project_id: int
    title: str
    summary: str
    lead: str


def _role_out(role: ProjectRole) -> RoleFields:
    return {
        "id": role.pk,
        "kind": role.kind,
        "label": role.get_kind_display(),
        "hours_per_week": role.hours_per_week,
        "duration_weeks": role.duration_weeks,
        "description": role.description,
        "state": role.state,
    }


def _project_fields(
    project: Project, roles: list[ProjectRole], places: list[tuple[str, str]] | None = None
) -> ProjectFields:
    """A project as the API shows it; `places` (site, region) when already known."""
    if places is None:
        places = [(site.name, site.region.name) for site in project.sites.all()]
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary,
        "research_type": project.research_type,
        "subspecialty": project.subspecialty.name if project.subspecialty else None,
        "modality": project.modality.name if project.modality else None,
        "timing": project.timing,
        "centres": project.centres,
        "status": project.status,
        "lead": str(project.lead),
        "mentor": str(project.mentor) if project.mentor else None,
        "sites": [site for site, _ in places],
        "regions": sorted({region for _, region in places}),
        "roles": [_role_out(role) for role in roles],
    }


def _board_out(item: BoardItem) -> BoardProjectFields:
    effort = item.effort
    return {
        **_project_fields(
            item.project, item.roles, [(place.name, place.region) for place in item.places]
        ),
        "fit_score": item.fit.score,
        "fit_reasons": list(item.fit.reasons),
        "quick_win": item.quick_win.met,
        "quick_win_points": [
            {"label": point.label, "met": point.met, "reason": point.reason}
            for point in item.quick_win.points
        ],
        "effort": {
            "hours_per_week": effort.hours_per_week,
            "work_hours": round(effort.work_hours, 1),
            "work_weeks": effort.work_weeks,
            "approval_weeks": effort.approval_weeks,
            "total_weeks": effort.total_weeks,
            "waiting_for": list(effort.waiting_for),
        },
    }


@router.get("", response=BoardOut, summary="Projects open for help, sorted by fit")
def board(request: AuthedRequest, filters: Query[BoardFilters]) -> BoardFields:
    """The board page's search; ids of terms, regions and sites come from /people and /network."""
    require_member_of_network(request.user)
    form = BoardForm(filters.model_dump(exclude_none=True, exclude_defaults=True))
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    page = board_search(form.to_query(), selectors.trainee_of(request.user))
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_board_out(item) for item in page.object_list],
    }


class RoleIn(Schema):
    kind: str
    hours_per_week: int
    duration_weeks: int
    description: str = ""


class ProjectIn(Schema):
    title: str
    summary: str
    research_type: str
    subspecialty_id: int | None = None
    modality_id: int | None = None
    timing: str = Project.Timing.RETROSPECTIVE
    centres: str = Project.Centres.SINGLE
    mentor_id: int | None = None
    site_ids: list[int] = []
    primary_outcome: str = ""
    ethics: str = "to_apply"
    audit_registration: str = "not_needed"
    data_protection: str = "to_apply"
    cases: int = 0
    minutes_collection: int = 0
    minutes_reading: int = 0
    roles: list[RoleIn] = []


Found = TypeVar("Found", Term, User)


def _one(model: type[Found], pk: int | None, field: str) -> Found | None:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} with id {pk}."})
    return found


@router.post("", response={201: ProjectOut}, summary="Post a project; you become its lead")
def create(request: AuthedRequest, payload: ProjectIn) -> Status:
    require_member_of_network(request.user)
    sites = list(Site.objects.filter(pk__in=payload.site_ids))
    if len(sites) != len(set(payload.site_ids)):
        raise ValidationError({"site_ids": "One of the site ids does not exist."})
    fields = payload.model_dump(
        exclude={"subspecialty_id", "modality_id", "mentor_id", "site_ids", "roles"}
    )
    project = services.project_create(
        actor=request.user,
        sites=sites,
        roles=[role.model_dump() for role in payload.roles],
        subspecialty=_one(Term, payload.subspecialty_id, "subspecialty_id"),
        modality=_one(Term, payload.modality_id, "modality_id"),
        mentor=_one(User, payload.mentor_id, "mentor_id"),
        **fields,
    )
    return Status(201, _detail(project))


def _detail(project: Project) -> ProjectFields:
    full = selectors.project_page(project)
    return _project_fields(full, list(full.roles.all()))


@router.get("/mine", response=list[ProjectOut], summary="Projects whose team I am on")
def mine(request: AuthedRequest) -> list[ProjectFields]:
    projects = (
        Project.objects.filter(members__person=request.user)
        .select_related("lead", "mentor", "subspecialty", "modality")
        .prefetch_related("sites__region", "roles")
    )
    return [_project_fields(p, list(p.roles.all())) for p in projects]


class MentorRequestOut(Schema):
    project_id: int
    title: str
    summary: str
    lead: str


@router.get(
    "/mentor-requests",
    response=list[MentorRequestOut],
    summary="Projects whose lead named me supervising mentor, waiting for my answer",
)
def mentor_requests(request: AuthedRequest) -> list[MentorRequestFields]:
    return [
        {
            "project_id": link.record_id,
            "title": link.title,
            "summary": link.summary,
            "lead": link.named_by,
        }
        for link in selectors.pending_links(request.user)
    ]


@router.post(
    "/{project_id}/mentor/confirm",
    response=ProjectOut,
    summary="Confirm I supervise a project whose lead named me (only the mentor named)",
)
def mentor_confirm(request: AuthedRequest, project_id: int) -> ProjectFields:
    project = get_project_asking(request.user, project_id)
    return _detail(services.mentor_confirm(actor=request.user, project=project))


@router.post(
    "/{project_id}/mentor/decline",
    response={204: None},
    summary="Decline supervising a project whose lead named me (only the mentor named)",
)
def mentor_decline(request: AuthedRequest, project_id: int) -> Status:
    project = get_project_asking(request.user, project_id)
    services.mentor_decline(actor=request.user, project=project)
    return Status(204, None)


@router.get("/{project_id}", response=ProjectOut, summary="A project's public page")
def detail(request: AuthedRequest, project_id: int) -> ProjectFields:
    return _detail(get_project_for_user(request.user, project_id, Need.VIEW))


class StatusIn(Schema):
    status: str
    note: str = ""


@router.post("/{project_id}/status", response=ProjectOut, summary="Change status (lead)")
def status(request: AuthedRequest, project_id: int, payload: StatusIn) -> ProjectFields:
    project = get_project_for_user(request.user, project_id, Need.LEAD)
    services.project_status_change(actor=request.user, project=project, **payload.model_dump())
    return _detail(project)


@router.post("/{project_id}/roles", response={201: RoleOut}, summary="Add a role (lead)")
def add_role(request: AuthedRequest, project_id: int, payload: RoleIn) -> Status:
    project = get_project_for_user(request.user, project_id, Need.LEAD)
    role = services.role_add(actor=request.user, project=project, **payload.model_dump())
    return Status(201, _role_out(role))
