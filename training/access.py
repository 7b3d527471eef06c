"""Who may see and change training records: the one place that decides.

Credentials, tracker evidence and checklists belong to their person. They may be
read by that person, by the supervisors named on one of the person's checklists,
by the site leads of a site where the person holds a role, and by administrators
(for support). Only the person changes them; only the named supervisor signs a
checklist. Someone who may not read a record gets 404, so ids leak nothing;
someone who may read it but not change it gets 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.models import User
from network.access import memberships_of, roles_of
from network.models import Membership, Role, Site
from training.models import Checklist, Credential, Evidence, Goal, Tracker

M = TypeVar("M", bound=Model)


def is_admin(user: User) -> bool:
    return Role.ADMIN in roles_of(user)


def led_site_ids(user: User) -> set[int]:
    return {m.site_id for m in memberships_of(user) if m.role == Role.SITE_LEAD and m.site_id}


def site_ids_of(person: User | int) -> set[int]:
    """The sites where the person holds an active role."""
    return set(
        Membership.objects.active()
        .filter(person=person, site__isnull=False)
        .values_list("site_id", flat=True)
    )


def home_site(person: User) -> Site | None:
    membership = (
        Membership.objects.active()
        .filter(person=person, site__isnull=False)
        .select_related("site")
        .order_by("created_at")
        .first()
    )
    return membership.site if membership else None


def may_read_records(user: User, person: User | int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    person_id = getattr(person, "pk", person)
    if user.pk == person_id or is_admin(user):
        return True
    leads = led_site_ids(user)
    if leads and leads & site_ids_of(person_id):
        return True
    return Checklist.objects.filter(person_id=person_id, supervisor=user).exists()


def require_read(user: User, person: User | int) -> None:
    if not may_read_records(user, person):
        raise Http404("No such training record.")


def _owned(user: User, obj: M, person_id: int, *, write: bool) -> M:
    require_read(user, person_id)
    if write and person_id != user.pk:
        raise PermissionDenied("Only the person whose record this is may change it.")
    return obj


def _get(queryset: QuerySet[M], pk: int) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("No such training record.")
    return found


def get_person_for_user(user: User, person_id: int) -> User:
    person = _get(User.objects.filter(is_active=True), person_id)
    require_read(user, person)
    return person


def get_credential_for_user(user: User, pk: int, *, write: bool = False) -> Credential:
    credential = _get(Credential.objects.select_related("person"), pk)
    return _owned(user, credential, credential.person_id, write=write)


def get_tracker_for_user(user: User, pk: int, *, write: bool = False) -> Tracker:
    tracker = _get(Tracker.objects.select_related("person", "requirement_set"), pk)
    return _owned(user, tracker, tracker.person_id, write=write)


def get_evidence_for_user(user: User, pk: int, *, write: bool = False) -> Evidence:
    evidence = _get(Evidence.objects.select_related("tracker", "tracker__person"), pk)
    return _owned(user, evidence, evidence.tracker.person_id, write=write)


def get_checklist_for_user(user: User, pk: int, *, write: bool = False) -> Checklist:
    """`write` means changing the person's side (their evidence notes), not signing."""
    checklist = _get(Checklist.objects.select_related("person", "supervisor", "template"), pk)
    return _owned(user, checklist, checklist.person_id, write=write)


def get_checklist_to_sign(user: User, pk: int) -> Checklist:
    """The checklist if `user` is its named supervisor; readers who are not get 403."""
    checklist = get_checklist_for_user(user, pk)
    require_supervisor(user, checklist)
    return checklist


def require_supervisor(user: User, checklist: Checklist) -> None:
    if checklist.supervisor_id != user.pk:
        raise PermissionDenied(f"Only {checklist.supervisor}, the named supervisor, may sign.")


def require_owner(user: User, person_id: int) -> None:
    if user.pk != person_id:
        raise PermissionDenied("Only the person whose record this is may change it.")


def get_goal_for_user(user: User, pk: int) -> Goal:
    """Goals are the person's own plans: nobody else sees them."""
    return _get(Goal.objects.filter(person=user).select_related("theme"), pk)


def gcp_sites_for(user: User) -> QuerySet[Site]:
    """The sites whose people's GCP status the person may see at a glance."""
    if is_admin(user):
        return Site.objects.all()
    return Site.objects.filter(pk__in=led_site_ids(user))


def get_gcp_site_for_user(user: User, site_id: int) -> Site:
    site = _get(Site.objects.all(), site_id)
    if not gcp_sites_for(user).filter(pk=site.pk).exists():
        raise PermissionDenied("Only the site's leads and administrators see its GCP status.")
    return site


def may_see_any_site(user: User) -> bool:
    return is_admin(user) or bool(led_site_ids(user))
