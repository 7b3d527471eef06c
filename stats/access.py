"""Who may run and read analyses of a study: the one place stats asks.

An analysis reads every covered site's de-identified data, so it is for the study's
statistician and its admin only, and only through capture's own rules: the person must
hold a study role (404 otherwise, as in capture), one of those two roles (403 for the
others), and capture's `EXPORT_DEIDENTIFIED` right with its two-factor gate. Runs are
shared by the study's analysts; nobody else learns that they exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from capture import access as capture_access
from capture.access import Can
from capture.models import Study, StudyRole
from network import access as network_access
from network.models import Role
from stats.models import AnalysisRun

if TYPE_CHECKING:
    from accounts.models import User

ANALYSTS = frozenset({StudyRole.Role.STATISTICIAN, StudyRole.Role.ADMIN})
ANALYST_ROLES = frozenset(role.value for role in ANALYSTS)


def may_analyse(user: User, study: Study) -> bool:
    analyst = any(role.role in ANALYSTS for role in capture_access.roles_in(user, study))
    return analyst and capture_access.can(user, study, Can.EXPORT_DEIDENTIFIED)


def studies_for_analysis(user: User) -> QuerySet[Study]:
    if not user.is_authenticated:
        return Study.objects.none()
    return Study.objects.filter(
        roles__person=user, roles__ended_at__isnull=True, roles__role__in=ANALYSTS
    ).distinct()


def shows_statistics(user: User) -> bool:
    """Whether the navigation offers Statistics: to the network's statisticians and to
    anyone a study made its statistician or admin."""
    if not user.is_authenticated:
        return False
    if Role.STATISTICIAN in network_access.roles_of(user):
        return True
    return not ANALYST_ROLES.isdisjoint(capture_access.active_study_roles(user))


def get_study(user: User, pk: int) -> Study:
    """A study the person may analyse: 404 without a study role, 403 without an analyst's."""
    study = capture_access.get_study(user, pk)
    if not may_analyse(user, study):
        raise PermissionDenied("Only the study's statistician or admin runs analyses.")
    capture_access.require(user, study, Can.EXPORT_DEIDENTIFIED)
    return study


def runs_of(user: User, study: Study) -> QuerySet[AnalysisRun]:
    if not may_analyse(user, study):
        raise PermissionDenied("Only the study's statistician or admin runs analyses.")
    return AnalysisRun.objects.filter(study=study)


def get_run(user: User, study_pk: int, pk: int) -> AnalysisRun:
    study = get_study(user, study_pk)
    run = runs_of(user, study).select_related("study", "requested_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such analysis.")
    return run
