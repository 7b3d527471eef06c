"""Training in the JSON API: the same access rules and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from core.types import AuthedRequest
from network.models import Membership
from training import access, selectors, services
from training.models import Checklist, ChecklistItem
from training.selectors import CredentialState, GoalProgress

router = Router()


class CredentialOut(Schema):
    id: int
    person_id: int
    kind: str
    label: str
    provider: str
    completed_on: dt.date
    expires_on: dt.date | None
    status: str
    days_left: int | None
    superseded: bool
    has_certificate: bool


def _credential_out(state: CredentialState) -> CredentialOut:
    credential = state.credential
    return CredentialOut(
        id=credential.pk,
        person_id=credential.person_id,
        kind=credential.kind,
        label=credential.label,
        provider=credential.provider,
        completed_on=credential.completed_on,
        expires_on=state.expires_on,
        status=str(state.status),
        days_left=state.days_left,
        superseded=state.superseded,
        has_certificate=bool(credential.certificate),
    )


@router.get("/credentials", response=list[CredentialOut], summary="My credentials and status")
def my_credentials(request: AuthedRequest) -> list[CredentialOut]:
    return [_credential_out(state) for state in selectors.credentials_of(request.user)]


@router.get(
    "/people/{person_id}/credentials",
    response=list[CredentialOut],
    summary="A person's credentials (the person, supervisors, site leads, admins)",
)
def person_credentials(request: AuthedRequest, person_id: int) -> list[CredentialOut]:
    person = access.get_person_for_user(request.user, person_id)
    return [_credential_out(state) for state in selectors.credentials_of(person)]


class GcpOut(Schema):
    person_id: int
    name: str
    status: str


@router.get("/sites/{site_id}/gcp", response=list[GcpOut], summary="GCP status of a site's people")
def site_gcp(request: AuthedRequest, site_id: int) -> list[GcpOut]:
    site = access.get_gcp_site_for_user(request.user, site_id)
    members = Membership.objects.active().filter(site=site).select_related("person")
    people = {m.person_id: m.person for m in members}
    statuses = selectors.gcp_status_for(people)
    return [
        GcpOut(person_id=pk, name=str(person), status=str(statuses[pk]))
        for pk, person in sorted(people.items(), key=lambda item: str(item[1]))
    ]


class GoalOut(Schema):
    id: int
    description: str
    target: int
    achieved: int
    done: bool
    due_on: dt.date


def _goal_out(progress: GoalProgress) -> GoalOut:
    return GoalOut(
        id=progress.goal.pk,
        description=selectors.describe_goal(progress.goal),
        target=progress.goal.target,
        achieved=progress.achieved,
        done=progress.done,
        due_on=progress.goal.due_on,
    )


@router.get("/goals", response=list[GoalOut], summary="My goals with progress from my outputs")
def my_goals(request: AuthedRequest) -> list[GoalOut]:
    return [_goal_out(progress) for progress in selectors.goals_of(request.user)]


class ItemOut(Schema):
    id: int
    text: str
    signed: bool
    signed_on: dt.date | None
    signed_by_id: int | None
    evidence: str


class ChecklistOut(Schema):
    id: int
    template: str
    person_id: int
    supervisor_id: int
    started_on: dt.date
    completed_on: dt.date | None
    items: list[ItemOut]


def _item_out(item: ChecklistItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        text=item.text,
        signed=item.is_signed,
        signed_on=item.signed_on,
        signed_by_id=item.signed_by_id,
        evidence=item.evidence,
    )


def _checklist_out(checklist: Checklist) -> ChecklistOut:
    return ChecklistOut(
        id=checklist.pk,
        template=str(checklist.template),
        person_id=checklist.person_id,
        supervisor_id=checklist.supervisor_id,
        started_on=checklist.started_on,
        completed_on=checklist.completed_on,
        items=[_item_out(item) for item in checklist.items.all()],
    )


@router.get("/checklists", response=list[ChecklistOut], summary="Checklists I hold or supervise")
def my_checklists(request: AuthedRequest) -> list[ChecklistOut]:
    mine = selectors.checklists_with_items().filter(person=request.user)
    supervised = selectors.checklists_with_items().filter(supervisor=request.user)
    return [_checklist_out(c) for c in [*mine, *supervised]]


class SignIn(Schema):
    password: str
    signed_on: dt.date
    evidence: str = ""


@router.post(
    "/checklists/{checklist_id}/items/{item_id}/sign",
    response=ItemOut,
    summary="Sign an item off as its named supervisor (re-enter your password)",
)
def sign(request: AuthedRequest, checklist_id: int, item_id: int, payload: SignIn) -> ItemOut:
    checklist = access.get_checklist_to_sign(request.user, checklist_id)
    item = checklist.items.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such item on this checklist.")
    signed = services.checklist_item_sign(
        actor=request.user,
        item=item,
        password=payload.password,
        signed_on=payload.signed_on,
        evidence=payload.evidence,
    )
    return _item_out(signed)
