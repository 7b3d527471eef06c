"""The board's one search: text, filters, quick win and fit sorting, on both databases.

Full-text matching asks SQLite's FTS5 table or PostgreSQL's GIN-indexed tsvectors
(migrations 0002 and 0005), which also hold the categories as words (`facets_of`) so
that combined filters meet in one index lookup. Filters and the fit score are one ORM
query over `Project`, served by covering indexes (migration 0006); the page's sites
and open roles come in two plain queries, so a request runs the same number of
queries whatever the number of results. docs/projects.md explains the choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Combinable, RawSQL

from core.extensions import required
from network.models import Site
from projects.estimates import (
    FIT_WEIGHTS,
    MENTOR_RECORD_MINIMUM,
    Effort,
    Fit,
    Located,
    QuickWin,
    Trainee,
    effort_estimate,
    fit,
    quick_win,
)
from projects.models import Project, ProjectRole, ResearchType

PAGE_SIZE = 20
SORTS = ("fit", "newest", "hours")


@dataclass(frozen=True)
class BoardQuery:
    text: str = ""
    research_type: str = ""
    subspecialty: int | None = None
    modality: int | None = None
    site: int | None = None
    region: int | None = None
    max_hours: int | None = None
    quick_win: bool = False
    sort: str = "fit"
    page: int = 1


@dataclass(frozen=True)
class Place(Located):
    """A site of a project on the board, with its region's name and coordinates."""

    region: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class BoardItem:
    project: Project
    fit: Fit
    quick_win: QuickWin
    effort: Effort
    places: list[Place]
    roles: list[ProjectRole]  # the roles still open
    own: bool = False  # the viewer leads it or is on its team: nothing to apply for


def facets_of(project: Project, sites: Iterable[Site]) -> str:
    """The words that stand for the project's categories in the search index.

    Kept in `Project.facets` by the project services; the board's category filters
    look them up in the same index as the words of the title and summary.
    """
    places = list(sites)
    words = [f"ty{project.research_type}"]
    if project.subspecialty_id:
        words.append(f"sub{project.subspecialty_id}")
    if project.modality_id:
        words.append(f"mod{project.modality_id}")
    words += sorted({f"site{site.pk}" for site in places})
    words += sorted({f"reg{site.region_id}" for site in places})
    return " ".join(words)


def _facet_words(query: BoardQuery) -> list[str]:
    words = [f"ty{query.research_type}"] if query.research_type else []
    pairs = (
        ("sub", query.subspecialty),
        ("mod", query.modality),
        ("site", query.site),
        ("reg", query.region),
    )
    return words + [f"{prefix}{pk}" for prefix, pk in pairs if pk]


def search_filter(text: str, facets: list[str]) -> Q | None:
    """Projects whose title or summary hold every word of `text`, each as a prefix, and
    whose facets hold every one of `facets`: one lookup in the full-text index.

    Only word characters reach either search syntax, so no input is read as an operator.
    """
    words = re.findall(r"\w+", text.lower())
    if not words and not facets:
        return None
    if connection.vendor == "postgresql":
        # Plain conditions on the row, so that the planner can AND the GIN indexes.
        conditions = []
        if words:
            sql = '"projects_project"."search" @@ to_tsquery(\'english\', %s)'
            conditions.append((sql, " & ".join(f"{word}:*" for word in words)))
        if facets:
            sql = '"projects_project"."facet_search" @@ to_tsquery(\'simple\', %s)'
            conditions.append((sql, " & ".join(facets)))
        found = Q()
        for sql, param in conditions:
            # The SQL is constant; the words travel as a parameter.
            found &= Q(RawSQL(sql, [param], output_field=BooleanField()))  # noqa: S611 (values are parameters) # nosec B611
        return found
    terms = []
    if words:
        terms.append("{title summary} : (" + " AND ".join(f'"{word}"*' for word in words) + ")")
    if facets:
        terms.append("facets : (" + " AND ".join(f'"{facet}"' for facet in facets) + ")")
    sql = "SELECT rowid FROM projects_search WHERE projects_search MATCH %s"
    return Q(pk__in=RawSQL(sql, [" AND ".join(terms)]))  # noqa: S611 (values are parameters) # nosec B611


def quick_win_filter(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The SQL twin of `estimates.quick_win(...).met`: the row's own facts, by index,
    and a supervising mentor with a record.

    Mentors with a record come from an IN (subquery) computed once. It is matched
    against `mentor_id + 0` on purpose: on the plain column SQLite walks the mentor
    index once per mentor with a record (measured: 0.7 s at 100,000 projects) instead
    of reading the few projects the other filters leave.
    """
    # The mentors app (a higher layer) keeps the records: core.extensions.
    with_record = required("people_with_mentor_record")(MENTOR_RECORD_MINIMUM)
    return (
        # `IN (true)`, not `= true`: Django writes the latter as the bare column, which
        # SQLite cannot match to the (own_quick_facts, min_open_hours) index.
        projects.filter(own_quick_facts__in=[True])
        .alias(mentor_key=F("mentor_id") + 0)
        .filter(mentor_key__in=with_record)
    )


def _filtered(query: BoardQuery) -> QuerySet[Project]:
    """Projects open for help that meet every filter of `query`.

    With words to search, or two category filters or more, the categories go to the
    search index with the words (`search_filter`): each filter alone lists thousands
    of projects, their intersection a few hundred, and only those rows are read. A
    single category filter is served by its own (category, hours) index instead.
    """
    projects: QuerySet[Project] = Project.objects.open_for_help()
    facets = _facet_words(query)
    indexed = bool(query.text.strip()) or len(facets) >= 2
    if not indexed and connection.vendor == "postgresql" and (query.region or query.site):
        # PostgreSQL joins a region's sites to the through table by scanning all of it
        # (300 ms measured); its GIN index of the facets finds the same projects at once.
        indexed = True
    matching = search_filter(query.text, facets if indexed else [])
    if matching is not None:
        projects = projects.filter(matching)
    if not indexed:
        projects = _category_filter(projects, query)
    if query.max_hours:
        projects = projects.filter(min_open_hours__lte=query.max_hours)
    if query.quick_win:
        projects = quick_win_filter(projects)
    return projects


def _category_filter(projects: QuerySet[Project], query: BoardQuery) -> QuerySet[Project]:
    if query.research_type:
        projects = projects.filter(research_type=query.research_type)
    if query.subspecialty:
        projects = projects.filter(subspecialty_id=query.subspecialty)
    if query.modality:
        projects = projects.filter(modality_id=query.modality)
    # IN (subquery), built once, and tested against `id + 0`: on the plain key SQLite
    # would read each of the site's or region's thousands of projects by its id, where
    # a scan of a board index (which holds the id) only tests membership.
    through = Project.sites.through.objects
    places = []
    if query.site:
        places.append(through.filter(site_id=query.site).values("project_id"))
    if query.region:
        places.append(through.filter(site__region_id=query.region).values("project_id"))
    if places:
        projects = projects.alias(project_key=F("pk") + 0)
    for place in places:
        projects = projects.filter(Q(project_key__in=place))
    return projects


def fit_expression(trainee: Trainee | None) -> Combinable:
    """The SQL twin of `estimates.fit(...).score`."""
    if trainee is None:
        return Value(0, output_field=IntegerField())
    ids = list(trainee.interest_ids) or [0]

    def points(condition: Q, weight: int) -> Case:
        return Case(
            When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField()
        )

    score = points(Q(subspecialty_id__in=ids), FIT_WEIGHTS["subspecialty"]) + points(
        Q(modality_id__in=ids), FIT_WEIGHTS["modality"]
    )
    if trainee.matching_types:
        score += points(Q(research_type__in=trainee.matching_types), FIT_WEIGHTS["type"])
    if trainee.hours_per_week is not None:
        score += points(Q(min_open_hours__lte=trainee.hours_per_week), FIT_WEIGHTS["hours"])
    return score + _distance_expression(trainee)


def _distance_expression(trainee: Trainee) -> Case:
    """The SQL twin of `estimates._distance_reason`: the first case that holds wins."""
    review = When(research_type=ResearchType.REVIEW, then=Value(FIT_WEIGHTS["anywhere"]))
    home = trainee.home
    if home is None:
        return Case(review, default=Value(0), output_field=IntegerField())
    sites = Project.sites.through.objects.filter(project_id=OuterRef("pk"))
    placed = sites.filter(site__latitude__isnull=False, site__longitude__isnull=False)
    return Case(
        review,
        When(Exists(sites.filter(site_id__in=home.near_ids)), then=Value(FIT_WEIGHTS["near"])),
        When(Exists(sites.filter(site_id__in=home.reach_ids)), then=Value(FIT_WEIGHTS["reach"])),
        When(Exists(placed), then=Value(FIT_WEIGHTS["far"])),
        default=Value(0),
        output_field=IntegerField(),
    )


def _ordered(
    projects: QuerySet[Project], query: BoardQuery, trainee: Trainee | None
) -> QuerySet[Project]:
    """The matches in board order; callers take only ids, so the sort handles narrow rows."""
    ids = projects
    if query.sort == "hours":
        return ids.order_by("min_open_hours", "-created_at", "-pk")
    if query.sort == "fit" and trainee is not None:
        return ids.alias(fit_score=fit_expression(trainee)).order_by(
            F("fit_score").desc(), "-created_at", "-pk"
        )
    return ids.order_by("-created_at", "-pk")


# What a card (page or API) shows and its fit, quick-win and effort read: only these
# columns are fetched, since building model instances dominates a board request.
SHOWN = (
    "title",
    "summary",
    "research_type",
    "timing",
    "centres",
    "status",
    "primary_outcome",
    "ethics",
    "audit_registration",
    "data_protection",
    "cases",
    "minutes_collection",
    "minutes_reading",
    "min_open_hours",
    "subspecialty__name",
    "modality__name",
    "lead__full_name",
    "lead__email",
    "mentor__full_name",
    "mentor__email",
)


def _shown(ids: list[int]) -> list[Project]:
    """The page's projects with what a card shows of them, in the page's order."""
    if not ids:
        return []
    rows = (
        Project.objects.filter(pk__in=ids)
        .select_related("lead", "mentor", "subspecialty", "modality")
        .only(*SHOWN)
        # A plain value rather than two more model instances per project.
        .annotate(mentor_record=F("mentor__mentor_profile__stats__supervisions_completed"))
        .order_by()
    )
    found = {project.pk: project for project in rows}
    return [found[pk] for pk in ids if pk in found]


def _places(ids: list[int]) -> dict[int, list[Place]]:
    """Each project's sites and regions as plain values, in one query.

    A prefetch would build two model instances per site and a related manager per
    project, which cost more than the rest of a board request's Python.
    """
    rows = (
        Project.sites.through.objects.filter(project_id__in=ids)
        .order_by("site__name")
        .values_list(
            "project_id", "site__name", "site__region__name", "site__latitude", "site__longitude"
        )
    )
    places: dict[int, list[Place]] = {pk: [] for pk in ids}
    for project_id, name, region, latitude, longitude in rows:
        places[project_id].append(Place(name, _degrees(latitude), _degrees(longitude), region))
    return places


def _degrees(value: Any) -> float | None:
    return None if value is None else float(value)


def _open_roles(ids: list[int]) -> dict[int, list[ProjectRole]]:
    rows = (
        ProjectRole.objects.filter(project_id__in=ids, state=ProjectRole.State.OPEN)
        .only("project_id", "kind", "hours_per_week", "duration_weeks", "description", "state")
        .order_by("pk")
    )
    roles: dict[int, list[ProjectRole]] = {pk: [] for pk in ids}
    for role in rows:
        roles[role.project_id].append(role)
    return roles


def _page_with_count(ordered: QuerySet[Project], number: int) -> Page[Any] | None:
    """The page's ids and the total in one query, a window count riding along.

    Measured with benchmarks/bench_board.py: on SQLite one pass beats a COUNT and a
    second pass; on PostgreSQL the window forces every match through the sort, so
    there the count stays apart (as in the mentor directory). None past the last page.
    """
    start = (number - 1) * PAGE_SIZE
    counted = ordered.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    found = list(counted[start : start + PAGE_SIZE])
    if not found:
        return None
    paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = found[0][1]  # known, so the paginator never counts again
    return Page([pk for pk, _ in found], number, paginator)


def board_search(
    query: BoardQuery, trainee: Trainee | None, mine: frozenset[int] = frozenset()
) -> Page[Any]:
    """One page of projects open for help, each with its fit, quick-win points and effort.

    The page's ids in order with the total (one query on SQLite, a count and the ids
    on PostgreSQL), then the page's rows, their places and their open roles: the
    number of queries does not depend on the number of matches. `mine` are the ids of
    the viewer's own projects (led or on the team), marked so that no Apply is offered.
    """
    ordered = _ordered(_filtered(query), query, trainee)
    page = _page_with_count(ordered, query.page) if connection.vendor == "sqlite" else None
    if page is None:
        page = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE).get_page(query.page)
    ids = list(page.object_list) if page.paginator.count else []
    projects, places, roles = _shown(ids), _places(ids), _open_roles(ids)
    hours = trainee.hours_per_week if trainee is not None else None
    page.object_list = [
        BoardItem(
            project=project,
            fit=fit(project, trainee, places[project.pk]),
            quick_win=quick_win(project),
            effort=effort_estimate(
                project, hours or project.min_open_hours or 1, roles[project.pk]
            ),
            places=places[project.pk],
            roles=roles[project.pk],
            own=project.pk in mine,
        )
        for project in projects
    ]
    return page
