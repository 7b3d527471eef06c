from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import WithJsonSchema

from core.types import AuthedRequest
from network import access
from people.models import Term
from people.selectors import profiles_of

router = Router()

# Spelled out in place: as a named schema it would be called "Kind" and overwrite
# outputs' "Kind" in the OpenAPI document (schema names are one namespace).
TermKind = Annotated[Term.Kind, WithJsonSchema({"type": "string", "enum": Term.Kind.values})]


class TermOut(Schema):
    id: int
    kind: str
    name: str


class TraineeOut(Schema):
    grade: str
    scheme_id: int | None
    expected_completion: dt.date | None
    international_graduate: bool
    academic_track: str
    research_time: str
    hours_per_week: int
    interests: list[str]
    skills: list[str]
    career_goals: str


class MentorProfileOut(Schema):
    title: str
    site_id: int | None
    expertise: list[str]
    statement: str
    accepting_trainees: bool
    capacity: int
    meeting_frequency: str


class PersonOut(Schema):
    id: int
    name: str
    trainee: TraineeOut | None
    mentor: MentorProfileOut | None


@router.get("/terms", response=list[TermOut], summary="The research taxonomy")
def terms(request: AuthedRequest, kind: TermKind | None = None) -> list[Term]:
    listed = Term.objects.all()
    return list(listed.filter(kind=kind) if kind else listed)


@router.get("/{person_id}", response=PersonOut, summary="A researcher's profiles")
def person(request: AuthedRequest, person_id: int) -> PersonOut:
    if person_id != request.user.pk:
        access.require(request.user, access.Action.SEE_MEMBERS)
    found = get_object_or_404(get_user_model().objects.filter(is_active=True), pk=person_id)
    profiles = profiles_of(found)
    trainee = mentor = None
    if (t := profiles.trainee) is not None:
        trainee = TraineeOut(
            **{field: getattr(t, field) for field in TraineeOut.model_fields if hasattr(t, field)}
            | {
                "interests": [term.name for term in t.interests.all()],
                "skills": [term.name for term in t.skills.all()],
            }
        )
    if (m := profiles.mentor) is not None:
        mentor = MentorProfileOut(
            **{
                field: getattr(m, field)
                for field in MentorProfileOut.model_fields
                if hasattr(m, field)
            }
            | {"expertise": [term.name for term in m.expertise.all()]}
        )
    return PersonOut(id=found.pk, name=str(found), trainee=trainee, mentor=mentor)
