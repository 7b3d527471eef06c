"""Account changes: personal access tokens, invitations and profile details."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Invitation, User
from audit.services import Changes, audit_record, diff_fields
from core import ratelimit
from core.exceptions import EditConflict
from core.tasks import deliver_email
from network import access
from network.models import Role, Site, TrainingScheme
from network.services import join_request, membership_grant, membership_place_errors
from people.models import TraineeProfile

INVITATION_LIFETIME = dt.timedelta(days=14)
MAX_ACTIVE_TOKENS = 20
MAX_TOKEN_DAYS = 3660


@dataclass(frozen=True)
class IssuedToken:
    """A token as created: `secret` exists only here and is shown to its owner once."""

    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str = "",
    scope_label: str = "",
    redcap: bool = False,
    expires_in_days: int = 0,
) -> IssuedToken:
    """A new token; `scope` narrows it to part of the API (see `ApiToken.scope`);
    `redcap` issues it in REDCap's format (`ApiToken.new_secret`); it stops working
    `expires_in_days` after now (0: only when revoked)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the script that uses it."})
    active = ApiToken.objects.active().filter(user=user)
    if active.filter(name=name).exists():
        raise ValidationError({"name": f"You already have an active token called “{name}”."})
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"Revoke a token first: at most {MAX_ACTIVE_TOKENS} at once."}
        )
    if expires_in_days < 0 or expires_in_days > MAX_TOKEN_DAYS:
        raise ValidationError(
            {"expires_in": f"A token may last at most {MAX_TOKEN_DAYS} days, or until revoked."}
        )
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    secret = ApiToken.new_secret(redcap=redcap)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=ApiToken.digest_of(secret),
        hint=secret[:10],
        scope=scope,
        scope_label=scope_label,
        expires_at=expires_at,
    )
    changes: Changes = {"name": (None, name)}
    if expires_at:
        changes["expires_at"] = (None, expires_at.isoformat(timespec="minutes"))
    if scope:
        changes["scope"] = (None, scope)
    audit_record(actor=user, action="api_token.create", obj=token, changes=changes)
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied("You may only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=user, action="api_token.revoke", obj=token, changes={"revoked": (False, True)}
        )
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user that owns this token secret, or None for an unknown or revoked one."""
    if not ApiToken.is_secret(secret):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=ApiToken.digest_of(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    # Every use counts against the token's own limit (core.ratelimit: 429 beyond it).
    ratelimit.hit("api_token", f"token:{token.pk}")
    # Read by `radcollab.api.TokenAuth` and by the capability that owns the scope.
    token.user.api_token_scope = token.scope
    now = timezone.now()
    # Writing on every request would turn reads into writes; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    role: Role | str = "",
    site: Site | None = None,
    scheme: TrainingScheme | None = None,
) -> Invitation:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already has an account; grant a role instead."})
    if role:
        role = Role(role)
        if errors := membership_place_errors(role, site, scheme):
            raise ValidationError(errors)
        if role not in access.grantable_roles(actor, site):
            raise ValidationError({"role": f"You may not grant the role {role.label} there."})
    elif not access.can(actor, access.Action.MANAGE_MEMBERSHIPS):
        raise PermissionDenied("You may not invite people.")
    access.require_two_factor(actor, access.Action.MANAGE_MEMBERSHIPS)
    invitation = Invitation.objects.create(
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        role=role,
        site=site,
        scheme=scheme,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        changes={"email": (None, email), "role": (None, role or None)},
        site=site,
    )
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    from django.conf import settings

    link = settings.SITE_URL + reverse("accounts:invitation", args=[invitation.token])
    inviter = invitation.invited_by or "The RadCollab committee"
    body = (
        f"{inviter} invites you to join RadCollab, the research network for radiology trainees.\n\n"
        f"Accept the invitation and create your account here (valid for 14 days):\n{link}\n"
    )
    deliver_email.enqueue(
        subject="[RadCollab] You are invited to join",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )


def invitation_find(token: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token=token).first()
    return invitation if invitation is not None and invitation.is_usable else None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> None:
    """Mark the invitation used by `user` and grant the role it carries."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable:
        raise ValidationError({"invitation": "This invitation has expired or was already used."})
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(actor=user, action="invitation.accept", obj=locked, site=locked.site)
    if locked.role:
        membership_grant(
            actor=None,
            person=user,
            role=locked.role,
            site=locked.site,
            scheme=locked.scheme,
            reason=f"Invitation from {locked.invited_by or 'a former member'}",
        )


PROFILE_LABELS = {"full_name": "Full name", "time_zone": "Time zone"}


@transaction.atomic
def profile_update(*, user: User, version: int | None, full_name: str, time_zone: str) -> User:
    """Save the person's name and time zone; refuse if they changed since `version` was read."""
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"“{time_zone}” is not a known time zone."})
    saved = User.objects.select_for_update().get(pk=user.pk)
    before = {"full_name": saved.full_name, "time_zone": saved.time_zone}
    wanted = {"full_name": full_name.strip(), "time_zone": time_zone}
    if version != saved.version:
        raise EditConflict(
            "Your name and time zone were saved elsewhere while you were editing them.",
            current={PROFILE_LABELS[k]: v for k, v in before.items() if wanted[k] != v},
            version=saved.version,
        )
    user.full_name, user.time_zone = wanted["full_name"], wanted["time_zone"]
    user.full_clean(exclude=["password"])
    changes = diff_fields(before, wanted)
    if changes:
        user.version = saved.version + 1
        user.save(update_fields=[*changes, "version"])
        audit_record(actor=user, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def newcomer_settle(
    *,
    user: User,
    site: Site | None,
    hospital_not_listed: str = "",
    scheme: TrainingScheme | None = None,
    grade: str = "",
    invitation: Invitation | None = None,
) -> None:
    """What sign-up asked beyond the account: the hospital to join, scheme and grade.

    Without an invitation the person asks to join their hospital and is a pending member
    at once. An invitation skips the queue: one with a role has granted it already; one
    without a role lets the invitee in as a trainee at the hospital they chose.
    """
    if grade:
        TraineeProfile.objects.create(person=user, grade=grade, scheme=scheme)
        audit_record(
            actor=user,
            action="trainee_profile.create",
            obj=user.trainee_profile,
            changes={"grade": (None, grade), "scheme": (None, str(scheme) if scheme else None)},
        )
    if invitation is not None and invitation.role:
        return
    if invitation is not None and site is not None:
        membership_grant(
            actor=None,
            person=user,
            role=Role.TRAINEE,
            site=site,
            reason=f"Invitation from {invitation.invited_by or 'a former member'}",
        )
        return
    if site is not None or hospital_not_listed:
        join_request(person=user, site=site, hospital_not_listed=hospital_not_listed)
