""" "For you" in the JSON API: the signed-in trainee's own list and "not for me".

The same access rules and services as the page (recommend.access): every route reads
and writes the caller's own list only, and none takes a person's id.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from core.paging import ObjectId
from core.types import AuthedRequest
from recommend import access, selectors, services
from recommend.core import Ranked
from recommend.models import Dismissal

router = Router()


class ForYouReasonOut(Schema):
    code: str = Field(description="interests, similar, hours, eligible, nearby or quick")
    text: str
    points: float


class ForYouItemOut(Schema):
    key: str = Field(description="The item as `<kind>:<id>`: what `not for me` takes")
    kind: str
    title: str
    url: str
    detail: str
    score: float
    reasons: list[ForYouReasonOut]
    cautions: list[str]
    closes_at: dt.datetime | None


class ForYouDismissalOut(Schema):
    id: int
    key: str
    title: str
    created_at: dt.datetime


class ForYouOut(Schema):
    trainee: bool = Field(description="False: the caller has no trainee profile yet")
    computed_at: dt.datetime | None = Field(
        description="When the worker stored the list; null when it was computed for this request"
    )
    items: list[ForYouItemOut]
    dismissed: list[ForYouDismissalOut]


class NotForMeIn(Schema):
    item: str = Field(max_length=40, description="An item's key from the list")


def _item(item: Ranked) -> ForYouItemOut:
    return ForYouItemOut(
        key=item.key,
        kind=item.kind,
        title=item.title,
        url=item.url,
        detail=item.detail,
        score=item.score,
        reasons=[ForYouReasonOut(code=r.code, text=r.text, points=r.points) for r in item.reasons],
        cautions=list(item.cautions),
        closes_at=item.closes_at,
    )


def _dismissal(dismissal: Dismissal) -> ForYouDismissalOut:
    return ForYouDismissalOut(
        id=dismissal.pk,
        key=dismissal.item_key,
        title=dismissal.title,
        created_at=dismissal.created_at,
    )


@router.get("", response=ForYouOut, summary="My ranked mentors, projects, calls and conferences")
def for_you(request: AuthedRequest) -> ForYouOut:
    access.require_viewer(request.user)
    found = services.recommendations_for(request.user)
    if found is None:
        return ForYouOut(trainee=False, computed_at=None, items=[], dismissed=[])
    return ForYouOut(
        trainee=True,
        computed_at=found.computed_at,
        items=[_item(item) for item in found.items],
        dismissed=[_dismissal(d) for d in selectors.dismissals_of(request.user)],
    )


@router.post(
    "/dismissals",
    response={201: ForYouDismissalOut},
    summary="Not for me: leave an item out of my list for good",
)
def not_for_me(request: AuthedRequest, payload: NotForMeIn) -> Status:
    access.require_trainee(request.user)
    dismissal = services.dismissal_create(actor=request.user, item_key=payload.item)
    return Status(201, _dismissal(dismissal))


@router.delete(
    "/dismissals/{dismissal_id}",
    response={204: None},
    summary="Undo a 'not for me': the item may be suggested again",
)
def undo(request: AuthedRequest, dismissal_id: ObjectId) -> Status:
    access.require_trainee(request.user)
    try:
        services.dismissal_delete(actor=request.user, dismissal_id=dismissal_id)
    except Dismissal.DoesNotExist:
        raise Http404("No such choice of yours.") from None
    return Status(204, None)
