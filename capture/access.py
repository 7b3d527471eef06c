"""Who may do what in a study, and at which of its sites: the one place capture asks.

Study roles, not network roles, open a study. A site-bound role (site lead,
collaborator, and a validator or viewer given a site) acts at its study site only;
the others act at every site of the study. Every role that reaches records needs
two-factor authentication (`network.access.require_two_factor`).

A record, entry or query outside the person's sites is answered with 404, never 403,
so that nobody learns that a record of another site exists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from capture.models import DataQuery, Entry, Record, Study, StudyRole, StudySite
from core.extensions import nav_memo
from network import access as network_access

if TYPE_CHECKING:
    from accounts.models import User

R = StudyRole.Role


class Can(StrEnum):
    SEE_STUDY = "see_study"  # title, protocol, sites, completeness counts of own sites
    MANAGE = "manage"  # dictionary, sites, roles, status
    SEE_RECORDS = "see_records"
    ENTER = "enter"  # create records, save entries
    LOCK = "lock"  # lock, sign and unlock
    RAISE_QUERY = "raise_query"
    ANSWER_QUERY = "answer_query"
    EXPORT = "export"  # identifiable export of the sites the role covers
    EXPORT_DEIDENTIFIED = "export_deidentified"
    SEE_AUDIT = "see_audit"


ALL = frozenset(Can)
ROLE_ACTIONS: dict[str, frozenset[Can]] = {
    R.ADMIN: ALL,
    R.SITE_LEAD: frozenset(
        {
            Can.SEE_STUDY,
            Can.SEE_RECORDS,
            Can.ENTER,
            Can.LOCK,
            Can.ANSWER_QUERY,
            Can.EXPORT,
            Can.EXPORT_DEIDENTIFIED,
            Can.SEE_AUDIT,
        }
    ),
    R.COLLABORATOR: frozenset({Can.SEE_STUDY, Can.SEE_RECORDS, Can.ENTER, Can.ANSWER_QUERY}),
    R.VALIDATOR: frozenset({Can.SEE_STUDY, Can.SEE_RECORDS, Can.RAISE_QUERY}),
    R.STATISTICIAN: frozenset({Can.SEE_STUDY, Can.EXPORT_DEIDENTIFIED}),
    R.VIEWER: frozenset({Can.SEE_STUDY, Can.SEE_RECORDS}),
}
SITE_BOUND = frozenset({R.SITE_LEAD, R.COLLABORATOR})
# Needs no two-factor: what the study is, never its records.
WITHOUT_TWO_FACTOR = frozenset({Can.SEE_STUDY})

EVERY_SITE = None  # `sites()` answer for a role that covers the whole study
TOKEN_SCOPE_PREFIX = "study:"  # noqa: S105 - a scope kind, not a secret # nosec B105


def parse_token_scope(scope: str) -> tuple[int, str] | None:
    """The (study id, role) of a study-scoped API token's scope; None for no scope.

    A scope that does not parse yields a study id no study has, so it opens nothing.
    """
    if not scope:
        return None
    kind, _, rest = scope.partition(":")
    study_id, _, role = rest.partition(":")
    if kind + ":" != TOKEN_SCOPE_PREFIX or not study_id.isdigit() or role not in ROLE_ACTIONS:
        return (0, "")
    return int(study_id), role


def token_scope(user: User) -> tuple[int, str] | None:
    """The (study id, role) the request's scoped API token limits it to, if any."""
    return parse_token_scope(getattr(user, "api_token_scope", ""))


def roles_in(user: User, study: Study) -> list[StudyRole]:
    """The person's active roles in the study, narrowed to a scoped token's one role."""
    if not user.is_authenticated:
        return []
    cache: dict[int, list[StudyRole]] = user.__dict__.setdefault("_study_roles", {})
    if study.pk not in cache:
        roles = list(StudyRole.objects.filter(study=study, person=user, ended_at__isnull=True))
        scope = token_scope(user)
        if scope is not None:
            roles = [r for r in roles if (study.pk, r.role) == scope]
        cache[study.pk] = roles
    return cache[study.pk]


def forget_roles(user: User) -> None:
    user.__dict__.pop("_study_roles", None)


def sites(user: User, study: Study, action: Can) -> set[int] | None:
    """The study-site ids where the person may take `action`: a set, or EVERY_SITE."""
    found: set[int] = set()
    for role in roles_in(user, study):
        if action not in ROLE_ACTIONS[role.role]:
            continue
        if role.study_site_id is None and role.role not in SITE_BOUND:
            return EVERY_SITE
        if role.study_site_id is not None:
            found.add(role.study_site_id)
    return found


def can(user: User, study: Study, action: Can, study_site: StudySite | None = None) -> bool:
    allowed = sites(user, study, action)
    if allowed is EVERY_SITE:
        return True
    if study_site is None:
        return bool(allowed)
    return study_site.pk in allowed


def require(user: User, study: Study, action: Can, study_site: StudySite | None = None) -> None:
    if not can(user, study, action, study_site):
        raise PermissionDenied(f"Your role in this study does not allow this ({action.value}).")
    if action not in WITHOUT_TWO_FACTOR:
        network_access.require_two_factor(user)


def may_create_study(user: User) -> bool:
    return network_access.can(user, network_access.Action.CREATE_STUDY)


def shows_studies(user: User) -> bool:
    """Whether the navigation offers Studies: to people who hold a study role or may
    start a study. A trainee sees it once a study gives them a role, never before."""
    if not user.is_authenticated:
        return False
    if token_scope(user) is not None:
        return may_create_study(user) or studies_visible_to(user).exists()
    return may_create_study(user) or bool(active_study_roles(user))


def active_study_roles(user: User) -> frozenset[str]:
    """The roles `user` holds in any study now (one query per navigation drawn)."""

    def read() -> frozenset[str]:
        roles = StudyRole.objects.filter(person=user, ended_at__isnull=True)
        return frozenset(roles.values_list("role", flat=True))

    return frozenset(nav_memo(user, "active_study_roles", read))


def studies_visible_to(user: User) -> QuerySet[Study]:
    roles = StudyRole.objects.filter(person=user, ended_at__isnull=True)
    scope = token_scope(user)
    if scope is not None:
        roles = roles.filter(study_id=scope[0], role=scope[1])
    return Study.objects.filter(pk__in=roles.values("study_id"))


def get_study(user: User, pk: int) -> Study:
    """A study the person holds a role in; 404 otherwise (its existence is not told)."""
    study = Study.objects.filter(pk=pk).first()
    if study is None or not roles_in(user, study):
        raise Http404("No such study.")
    return study


def records_for(user: User, study: Study, action: Can = Can.SEE_RECORDS) -> QuerySet[Record]:
    require(user, study, action)
    records = Record.objects.filter(study=study)
    allowed = sites(user, study, action)
    return records if allowed is EVERY_SITE else records.filter(study_site_id__in=allowed)


def get_record(user: User, study: Study, pk: int, action: Can = Can.SEE_RECORDS) -> Record:
    record = records_for(user, study, Can.SEE_RECORDS).select_related("study_site").filter(pk=pk)
    found = record.first()
    if found is None:
        raise Http404("No such record.")
    require(user, study, action, found.study_site)
    return found


def get_entry(user: User, study: Study, pk: int, action: Can = Can.SEE_RECORDS) -> Entry:
    require(user, study, Can.SEE_RECORDS)
    entry = (
        Entry.objects.select_related("record__study_site")
        .filter(pk=pk, record__study=study)
        .first()
    )
    if entry is None or not can(user, study, Can.SEE_RECORDS, entry.record.study_site):
        raise Http404("No such entry.")
    require(user, study, action, entry.record.study_site)
    return entry


def queries_for(user: User, study: Study) -> QuerySet[DataQuery]:
    records = records_for(user, study)
    return DataQuery.objects.filter(entry__record__in=records)


def get_query(user: User, study: Study, pk: int, action: Can) -> DataQuery:
    found = queries_for(user, study).select_related("entry__record__study_site").filter(pk=pk)
    query = found.first()
    if query is None:
        raise Http404("No such query.")
    require(user, study, action, query.entry.record.study_site)
    return query


def site_choices(user: User, study: Study, action: Can = Can.ENTER) -> list[StudySite]:
    """The sites a person may enter records for: chosen per record, no switching step."""
    allowed = sites(user, study, action)
    study_sites = StudySite.objects.filter(study=study).select_related("site")
    if allowed is EVERY_SITE:
        return list(study_sites)
    return [s for s in study_sites if s.pk in allowed]
