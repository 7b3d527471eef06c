"""Changes to the network: sites and memberships, each audited in its transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record, diff_fields
from network import access
from network.models import Membership, Region, Role, Site, TrainingScheme

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
    actor: Any,
    person: Any,
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
    duplicate = Membership.objects.active().filter(
        person=person, role=role, site=site, scheme=scheme
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
def membership_end(*, actor: Any, membership: Membership, reason: str) -> Membership:
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


def _site_snapshot(site: Site) -> dict[str, Any]:
    return {field: getattr(site, field) for field in SITE_FIELDS}


@transaction.atomic
def site_create(
    *,
    actor: Any,
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
def site_update(*, actor: Any, site: Site, reason: str = "", **values: Any) -> Site:
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
