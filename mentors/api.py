from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from accounts.models import User
from core.paging import ObjectId, PageNumber
from core.types import AuthedRequest
from mentors import services
from mentors.access import get_request_for_user, requests_visible_to
from mentors.directory import directory_search
from mentors.forms import DirectoryForm
from mentors.models import ContactRequest
from mentors.stats import COUNTED_FIELDS
from network import access
from people.models import MentorProfile
from people.selectors import home_site

router = Router()


class ContactRequestIn(Schema):
    mentor_id: int
    grade: str
    who_i_am: str
    what_i_read: str
    what_i_offer: str
    hours_per_week: int


class ContactRequestOut(Schema):
    id: int
    trainee_id: int
    mentor_id: int
    state: str
    sent_at: dt.datetime
    replied_at: dt.datetime | None
    reply: str


class MoveIn(Schema):
    reply: str = ""


@router.get("/requests", response=list[ContactRequestOut], summary="Requests I sent or received")
def requests(request: AuthedRequest) -> list[ContactRequest]:
    return list(requests_visible_to(request.user))


@router.post("/requests", response={201: ContactRequestOut}, summary="Write to a mentor")
def send(request: AuthedRequest, payload: ContactRequestIn) -> Status:
    access.require(request.user, access.Action.VIEW_DIRECTORY)
    mentor = get_object_or_404(User.objects.filter(is_active=True), pk=payload.mentor_id)
    answers = payload.model_dump(exclude={"mentor_id"})
    sent = services.contact_request_send(trainee=request.user, mentor=mentor, **answers)
    return Status(201, sent)


@router.post(
    "/requests/{request_id}/{action}",
    response=ContactRequestOut,
    summary="Accept, decline, withdraw or complete",
)
def move(request: AuthedRequest, request_id: int, action: str, payload: MoveIn) -> ContactRequest:
    found = get_request_for_user(request.user, request_id)
    return services.contact_request_move(
        actor=request.user, request=found, action=action, reply=payload.reply
    )


class DirectoryFilters(Schema):
    q: str = ""
    region: ObjectId | None = None
    site: ObjectId | None = None
    subspecialty: ObjectId | None = None
    modality: ObjectId | None = None
    method: ObjectId | None = None
    accepting: bool = False
    funded: bool = False
    quick_reply: bool = False
    near: ObjectId | None = None
    within_km: int | None = None
    sort: str = ""
    page: PageNumber = 1


class MentorOut(Schema):
    person_id: int
    name: str
    title: str
    site: str | None
    region: str | None
    expertise: list[str]
    accepting_trainees: bool
    outputs_5y: int
    outputs_5y_with_trainee: int
    grants_current: int
    supervisions: int
    supervisions_completed: int
    collaborators: int
    requests: int
    median_reply_hours: float | None
    share_replied_14d: float | None
    distance_km: float | None


class DirectoryOut(Schema):
    count: int
    page: int
    pages: int
    results: list[MentorOut]


def _mentor_out(mentor: MentorProfile) -> MentorOut:
    stats = mentor.stats  # reverse one-to-one, set by mentors
    return MentorOut(
        person_id=mentor.person_id,
        name=str(mentor.person),
        title=mentor.get_title_display(),
        site=mentor.site.name if mentor.site else None,
        region=mentor.site.region.name if mentor.site else None,
        expertise=[term.name for term in mentor.expertise.all()],
        accepting_trainees=mentor.accepting_trainees,
        distance_km=getattr(mentor, "distance_km", None),
        **{field: getattr(stats, field) for field in COUNTED_FIELDS},
    )


@router.get("", response=DirectoryOut, summary="Search the mentor directory")
def directory(request: AuthedRequest, filters: Query[DirectoryFilters]) -> DirectoryOut:
    """The same search as the directory page; filter ids come from /network and /people/terms."""
    access.require(request.user, access.Action.VIEW_DIRECTORY)
    form = DirectoryForm(filters.model_dump(exclude_none=True, exclude_defaults=True))
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    page = directory_search(form.to_query(home_site(request.user)))
    return DirectoryOut(
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        results=[_mentor_out(m) for m in page.object_list],
    )
