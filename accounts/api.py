from __future__ import annotations

from ninja import Router, Schema

from core.types import AuthedRequest
from network import access

router = Router()


class MyMembershipOut(Schema):
    id: int
    role: str
    site_id: int | None
    site: str | None
    scheme_id: int | None


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    time_zone: str
    two_factor_enabled: bool
    needs_two_factor: bool
    memberships: list[MyMembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in person, their roles and two-factor state")
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    memberships = [
        MyMembershipOut(
            id=m.pk,
            role=m.role,
            site_id=m.site_id,
            site=m.site.name if m.site else None,
            scheme_id=m.scheme_id,
        )
        for m in access.memberships_of(user)
    ]
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        time_zone=user.time_zone,
        two_factor_enabled=access.has_two_factor(user),
        needs_two_factor=access.needs_two_factor(user),
        memberships=memberships,
    )
