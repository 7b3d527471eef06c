from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Router, Schema
from ninja.pagination import paginate

from audit.models import AuditEvent
from audit.selectors import events_visible_to
from core.paging import LimitOffsetPaging
from core.types import AuthedRequest

router = Router()


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    actor_id: int | None
    actor_label: str
    object_type: str
    object_id: str
    object_label: str
    site_id: int | None
    site_label: str
    changes: dict[str, Any]
    reason: str


@router.get("/events", response=list[AuditEventOut], summary="The audit trail you may read")
@paginate(LimitOffsetPaging)
def events(request: AuthedRequest, action: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    listed = events_visible_to(request.user)
    if action:
        listed = listed.filter(action__startswith=action)
    if object_type:
        listed = listed.filter(object_type=object_type)
    return listed
