"""Changes to the network: sites and memberships, each audited in its transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import Changes, audit_record, diff_fields
from network import access
from network.models import Membership, Region, Role, Site, TrainingScheme

if TYPE_CHECKING:
    from core.types import User

SITE_FIELDS = ("name", "short_name", "kind", "region", "city", "latitude", "longitude")


def membership_place_errors(
    role: Role, site: Site | None, scheme: TrainingScheme | None
) -> dict[str, str]:
    """What is wrong with holding `role` at this place, by field; empty when nothing is."""
    if site is not None and scheme is not None:
        return {"scheme": "Choose a site or a training scheme, not both."}
    if role == Role.SITE_LEAD and site is None:
        return {"site": "A site lead needs a site."}
    if role in (Role.TRAINEE, Role.MENTOR) and site is None and scheme is None:
        return {"site": f"A {role.label.lower()} needs a site or a training scheme."}
    return {}


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    person: User,
    role: Role | str,
    site: Site | None = None,
    scheme: TrainingScheme | None = None,
    reason: str = "",
) -> Membership:
    """Give `person` a role at a site, on a scheme, or network-wide.

    `actor=None` is the system (demo data, an accepted invitation already vetted).
    """
    role = Role(role)
    if errors := membership_place_errors(role, site, scheme):
        raise ValidationError(errors)
    if actor is not None:
        access.require_membership_grant(actor, role, site)
    duplicate = Membership.objects.open().filter(person=person, role=role, site=site, scheme=scheme)
    if duplicate.filter(status=Membership.Status.PENDING).exists():
        raise ValidationError(
            {"role": f"{person} has asked for this role there: approve the request instead."}
        )
    if duplicate.exists():
        raise ValidationError({"role": f"{person} is already {role.label.lower()} there."})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person, role=role, site=site, scheme=scheme
            )
    except IntegrityError:
        # A concurrent request granted the same role between the check and the insert.
        raise ValidationError(
            {"role": f"{person} is already {role.label.lower()} there."}
        ) from None
    audit_record(
        actor=actor,
        action="membership.grant",
        obj=membership,
        changes={
            "person": (None, person),
            "role": (None, role.value),
            "place": (None, membership.place_label),
        },
        reason=reason,
        site=site,
    )
    access.forget_memberships(person)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: Membership, reason: str) -> Membership:
    """End a membership; the row stays, with the time it ended."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the role ends; the audit trail keeps it."})
    if actor is not None:
        access.require_membership_end(actor, membership)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.ended_at is not None:
        raise ValidationError({"membership": "This membership has already ended."})
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.end",
        obj=locked,
        changes={"ended_at": (None, locked.ended_at)},
        reason=reason,
        site=locked.site,
    )
    access.forget_memberships(locked.person)
    return locked


def _site_snapshot(site: Site) -> dict[str, object]:
    return {field: getattr(site, field) for field in SITE_FIELDS}


@transaction.atomic
def site_create(
    *,
    actor: User,
    name: str,
    region: Region,
    latitude: Decimal,
    longitude: Decimal,
    short_name: str = "",
    kind: str = Site.Kind.HOSPITAL,
    city: str = "",
) -> Site:
    if actor is not None:
        access.require(actor, access.Action.MANAGE_NETWORK, None)
    site = Site(
        name=name,
        short_name=short_name,
        kind=kind,
        region=region,
        city=city,
        latitude=latitude,
        longitude=longitude,
    )
    site.full_clean()
    site.save()
    audit_record(
        actor=actor,
        action="site.create",
        obj=site,
        changes={key: (None, value) for key, value in _site_snapshot(site).items()},
        site=site,
    )
    return site


@transaction.atomic
def site_update(*, actor: User, site: Site, reason: str = "", **values: Any) -> Site:
    """Change a site's details; only the fields named in `values` are written."""
    if unknown := set(values) - set(SITE_FIELDS):
        raise ValueError(f"Unknown site fields: {', '.join(sorted(unknown))}")
    access.require(actor, access.Action.MANAGE_NETWORK, None)
    locked = Site.objects.select_for_update().get(pk=site.pk)
    before = _site_snapshot(locked)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.full_clean()
    changes = diff_fields(before, _site_snapshot(locked))
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="site.update",
            obj=locked,
            changes=changes,
            reason=reason,
            site=locked,
        )
    return locked


# Requests: to join a hospital, or for another role ------------------------------------

NOTE_MAX = 1000


def _email(to: list[str], subject: str, body: str) -> None:
    """Queue a plain message once the transaction that asked for it commits."""
    from core.tasks import deliver_email

    addresses = sorted({address for address in to if address})
    if not addresses:
        return
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {subject}",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=addresses,
        )
    )


def _link(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _deciders(membership: Membership) -> list[str]:
    """The addresses of whoever decides a request: the site's leads, else the committee."""
    if membership.role == Role.TRAINEE and membership.site is not None:
        leads = [person.email for person in access.site_leads(membership.site)]
        if leads:
            return leads
    committee = Membership.objects.active().filter(role__in=[Role.COMMITTEE, Role.ADMIN])
    return list(committee.values_list("person__email", flat=True))


def _open_request(person: User, membership: Membership, action: str, note: str) -> Membership:
    """Save a new pending membership, audit it, and tell whoever decides."""
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"role": "You have already asked for this, or hold it already."}
        ) from None
    audit_record(
        actor=person,
        action=action,
        obj=membership,
        changes={
            "role": (None, membership.role),
            "place": (None, membership.place_label),
            "status": (None, membership.status),
        },
        reason=note,
        site=membership.site,
    )
    access.forget_memberships(person)
    what = "join" if membership.role == Role.TRAINEE else f"be {membership.get_role_display()}"
    where = membership.place_label if (membership.site_id or membership.scheme_id) else ""
    _email(
        _deciders(membership),
        f"{person} asks to {what.lower()} {where}".strip(),
        f"{person} ({person.email}) asks to {what.lower()} {where}.\n\n"
        + (f"They wrote: {note}\n\n" if note else "")
        + f"Approve or decline (with a reason) here:\n{_link('network:requests')}\n",
    )
    return membership


@transaction.atomic
def join_request(*, person: User, site: Site | None, hospital_not_listed: str = "") -> Membership:
    """A newcomer asks to join the network as a trainee at their hospital.

    They are a pending member at once (see `network.access`). A hospital that is not
    listed goes to the committee, which adds it and approves at that site.
    """
    hospital_not_listed = hospital_not_listed.strip()
    if site is None and not hospital_not_listed:
        raise ValidationError(
            {"hospital": "Choose your hospital from the list, or name it if it is not listed."}
        )
    if site is not None and hospital_not_listed:
        raise ValidationError(
            {"hospital_not_listed": "Choose a hospital from the list or name one, not both."}
        )
    if len(hospital_not_listed) > NOTE_MAX:
        raise ValidationError({"hospital_not_listed": "Name the hospital in fewer words."})
    joins = Membership.objects.open().filter(person=person, role=Role.TRAINEE)
    if site is not None and joins.filter(site=site, status=Membership.Status.ACTIVE).exists():
        raise ValidationError({"hospital": f"You are already a trainee at {site}."})
    waiting = joins.filter(status=Membership.Status.PENDING).select_related("site").first()
    if waiting is not None:
        where = waiting.site or "your hospital"
        raise ValidationError(
            {"hospital": f"You have already asked to join {where}; the request is waiting."}
        )
    note = f"Hospital not listed: {hospital_not_listed}" if hospital_not_listed else ""
    membership = Membership(
        person=person,
        role=Role.TRAINEE,
        site=site,
        status=Membership.Status.PENDING,
        request_note=note,
    )
    return _open_request(person, membership, "membership.request", note)


@transaction.atomic
def role_request(*, person: User, role: Role | str, site: Site | None, reason: str) -> Membership:
    """Anyone asks for another role (mentor, site lead, statistician); the committee decides."""
    if role not in {r.value for r in access.REQUESTABLE}:
        names = ", ".join(r.label.lower() for r in access.REQUESTABLE)
        raise ValidationError({"role": f"Choose one of the roles you may ask for: {names}."})
    role = Role(role)
    errors: dict[str, str] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Say why you ask for this role: the committee reads it to decide."
    elif len(reason) > NOTE_MAX:
        errors["reason"] = f"Keep the reason under {NOTE_MAX} characters."
    if role == Role.STATISTICIAN:
        site = None  # statisticians work network-wide
    elif site is None:
        errors["site"] = f"Choose the site where you would be {role.label.lower()}."
    if errors:
        raise ValidationError(errors)
    held = Membership.objects.open().filter(person=person, role=role, site=site, scheme=None)
    found = held.first()
    if found is not None and found.is_pending:
        raise ValidationError({"role": "You have already asked for this role; it is waiting."})
    if found is not None:
        raise ValidationError(
            {"role": f"You are already {role.label.lower()} {found.place_label}."}
        )
    membership = Membership(
        person=person, role=role, site=site, status=Membership.Status.PENDING, request_note=reason
    )
    return _open_request(person, membership, "membership.role_request", reason)


def requests_decidable_by(user: User) -> list[Membership]:
    """The pending requests `user` may approve or decline, oldest first."""
    if not access.can(user, access.Action.MANAGE_MEMBERSHIPS):
        return []
    waiting = (
        Membership.objects.pending()
        .select_related("person__trainee_profile__scheme", "site", "scheme")
        .order_by("created_at", "pk")
    )
    return [m for m in waiting if access.may_decide_request(user, m)]


@transaction.atomic
def request_approve(*, actor: User, membership: Membership, site: Site | None = None) -> Membership:
    """Approve a request: the same row becomes an active membership, and the person is told.

    A join request whose hospital was not listed needs the `site` the committee chose
    (after adding the hospital to the network).
    """
    access.require_request_decision(actor, membership)
    locked = (
        # Only the membership's own row: PostgreSQL cannot lock the nullable side of
        # the outer join to the site.
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "site")
        .get(pk=membership.pk)
    )
    if not locked.is_pending:
        raise ValidationError({"membership": "This request has already been decided."})
    changes: Changes = {"status": (locked.status, Membership.Status.ACTIVE.value)}
    if locked.site_id is None and locked.scheme_id is None and locked.role == Role.TRAINEE:
        if site is None:
            raise ValidationError(
                {"site": "Choose the site this person joins (add their hospital first)."}
            )
        changes["place"] = (locked.place_label, f"at {site}")
        locked.site = site
    duplicate = Membership.objects.open().filter(
        person=locked.person, role=locked.role, site=locked.site, scheme=locked.scheme
    )
    if duplicate.exclude(pk=locked.pk).exists():
        raise ValidationError({"site": f"{locked.person} already holds this role there."})
    locked.status = Membership.Status.ACTIVE
    locked.save(update_fields=["status", "site", "updated_at"])
    audit_record(
        actor=actor, action="membership.approve", obj=locked, changes=changes, site=locked.site
    )
    access.forget_memberships(locked.person)
    _email(
        [locked.person.email],
        f"You are now {locked.get_role_display().lower()} {locked.place_label}",
        f"{actor} approved your request: you are now {locked.get_role_display().lower()} "
        f"{locked.place_label}.\n\nYour dashboard: {_link('dashboard')}\n",
    )
    return locked


@transaction.atomic
def request_decline(*, actor: User, membership: Membership, reason: str) -> Membership:
    """Decline a request with a reason; the row ends, the person is emailed the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the person is emailed your reason."})
    if len(reason) > NOTE_MAX:
        raise ValidationError({"reason": f"Keep the reason under {NOTE_MAX} characters."})
    access.require_request_decision(actor, membership)
    locked = (
        # Only the membership's own row: PostgreSQL cannot lock the nullable side of
        # the outer join to the site.
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "site")
        .get(pk=membership.pk)
    )
    if not locked.is_pending:
        raise ValidationError({"membership": "This request has already been decided."})
    locked.status = Membership.Status.DECLINED
    locked.ended_at = timezone.now()
    locked.decision_note = reason
    locked.save(update_fields=["status", "ended_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.decline",
        obj=locked,
        changes={"status": (Membership.Status.PENDING.value, locked.status)},
        reason=reason,
        site=locked.site,
    )
    access.forget_memberships(locked.person)
    what = "to join" if locked.role == Role.TRAINEE else f"to be {locked.get_role_display()}"
    _email(
        [locked.person.email],
        f"Your request {what.lower()} was declined",
        f"{actor} declined your request {what.lower()} {locked.place_label}.\n\n"
        f"Their reason: {reason}\n\nYou can ask again or for another role here:\n"
        f"{_link('accounts:roles')}\n",
    )
    return locked
