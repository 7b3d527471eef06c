"""Applying to a role and deciding applications."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from core.types import AuthedRequest
from projects import services
from projects.access import (
    Need,
    get_application_for_user,
    get_project_for_user,
)
from projects.api import router
from projects.models import (
    Application,
    ProjectRole,
)


class ApplyIn(Schema):
    note: str
    accept_load: bool = False


class ApplicationOut(Schema):
    id: int
    role_id: int
    project_id: int
    applicant: str
    note: str
    state: str
    reply: str
    created_at: dt.datetime


def _application_out(application: Application) -> ApplicationOut:
    return ApplicationOut(
        id=application.pk,
        role_id=application.role_id,
        project_id=application.role.project_id,
        applicant=str(application.applicant),
        note=application.note,
        state=application.state,
        reply=application.reply,
        created_at=application.created_at,
    )


@router.post(
    "/roles/{role_id}/apply",
    response={201: ApplicationOut},
    summary="Apply for a role (refused with your load when you hold 3 projects, "
    "unless accept_load)",
)
def apply(request: AuthedRequest, role_id: int, payload: ApplyIn) -> Status:
    role = get_object_or_404(ProjectRole, pk=role_id)
    get_project_for_user(request.user, role.project_id, Need.VIEW)
    application = services.application_submit(
        applicant=request.user, role=role, **payload.model_dump()
    )
    return Status(201, _application_out(application))


class DecideIn(Schema):
    reply: str = ""


@router.post(
    "/applications/{application_id}/{action}",
    response=ApplicationOut,
    summary="Accept or decline (lead), withdraw (applicant)",
)
def decide(
    request: AuthedRequest, application_id: int, action: str, payload: DecideIn
) -> ApplicationOut:
    application = get_application_for_user(request.user, application_id)
    decided = services.application_decide(
        actor=request.user, application=application, action=action, reply=payload.reply
    )
    return _application_out(decided)
