"""The board's one search: text, filters, quick win and fit sorting, on both databases.

Full-text matching asks SQLite's FTS5 table or PostgreSQL's GIN-indexed tsvector
(migration 0002). Filters and the fit score are one ORM query over `Project`; the
page's sites and open roles come in two prefetches, so a request runs the same
number of queries whatever the number of results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Combinable, RawSQL

from mentors.models import MentorStats
from network.models import Site
from projects.estimates import (
    FIT_WEIGHTS,
    MENTOR_RECORD_MINIMUM,
    Effort,
    Fit,
    QuickWin,
    Trainee,
    effort_estimate,
    fit,
    quick_win,
)
from projects.models import Project, ProjectRole

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
class BoardItem:
    project: Project
    fit: Fit
    quick_win: QuickWin
    effort: Effort


def text_filter(text: str) -> Q | None:
    """Projects whose title or summary hold every word of `text`, each as a prefix.

    Only word characters reach either search syntax, so no input is read as an operator.
    """
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    if connection.vendor == "postgresql":
        sql = "SELECT id FROM projects_project WHERE search @@ to_tsquery('english', %s)"
        # The SQL is constant; the words travel as a parameter.
        return Q(pk__in=RawSQL(sql, [" & ".join(f"{word}:*" for word in words)]))  # noqa: S611
    sql = "SELECT rowid FROM projects_search WHERE projects_search MATCH %s"
    return Q(pk__in=RawSQL(sql, [" AND ".join(f'"{word}"*' for word in words)]))  # noqa: S611


def quick_win_filter(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The SQL twin of `estimates.quick_win(...).met`: the row's own facts, by index,
    and a supervising mentor with a record.

    Mentors with a record come from an IN (subquery) computed once. It is matched
    against `mentor_id + 0` on purpose: on the plain column SQLite walks the mentor
    index once per mentor with a record (measured: 0.7 s at 100,000 projects) instead
    of reading the few projects the other filters leave.
    """
    with_record = MentorStats.objects.filter(
        supervisions_completed__gte=MENTOR_RECORD_MINIMUM
    ).values("profile__person_id")
    return (
        # `IN (true)`, not `= true`: Django writes the latter as the bare column, which
        # SQLite cannot match to the (own_quick_facts, min_open_hours) index.
        projects.filter(own_quick_facts__in=[True])
        .alias(mentor_key=F("mentor_id") + 0)
        .filter(mentor_key__in=with_record)
    )


def _filtered(query: BoardQuery) -> QuerySet[Project]:
    projects: QuerySet[Project] = Project.objects.open_for_help()
    matching = text_filter(query.text)
    if matching is not None:
        projects = projects.filter(matching)
    if query.research_type:
        projects = projects.filter(research_type=query.research_type)
    if query.subspecialty:
        projects = projects.filter(subspecialty_id=query.subspecialty)
    if query.modality:
        projects = projects.filter(modality_id=query.modality)
    # IN (subquery) rather than EXISTS: both databases build the set of project ids once.
    through = Project.sites.through.objects
    if query.site:
        at_site = through.filter(site_id=query.site).values("project_id")
        projects = projects.filter(pk__in=at_site)
    if query.region:
        in_region = through.filter(site__region_id=query.region).values("project_id")
        projects = projects.filter(pk__in=in_region)
    if query.max_hours:
        projects = projects.filter(min_open_hours__lte=query.max_hours)
    if query.quick_win:
        projects = quick_win_filter(projects)
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
    return score


def _ordered(projects: QuerySet[Project], query: BoardQuery, trainee: Trainee | None) -> Any:
    """The matches in board order; callers take only ids, so the sort handles narrow rows."""
    ids = projects
    if query.sort == "hours":
        return ids.order_by("min_open_hours", "-created_at", "-pk")
    if query.sort == "fit" and trainee is not None:
        return ids.alias(fit_score=fit_expression(trainee)).order_by(
            F("fit_score").desc(), "-created_at", "-pk"
        )
    return ids.order_by("-created_at", "-pk")


def _shown(ids: list[int]) -> list[Project]:
    """The page's projects with everything a card shows: one query and two prefetches."""
    rows = (
        Project.objects.filter(pk__in=ids)
        .select_related("lead", "mentor__mentor_profile__stats", "subspecialty", "modality")
        .prefetch_related(
            Prefetch("sites", queryset=Site.objects.select_related("region")),
            Prefetch(
                "roles",
                # Only the open roles: a card's `roles.all()` lists the help still wanted.
                queryset=ProjectRole.objects.filter(state=ProjectRole.State.OPEN).order_by("pk"),
            ),
        )
    )
    found = {project.pk: project for project in rows}
    return [found[pk] for pk in ids if pk in found]


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


def board_search(query: BoardQuery, trainee: Trainee | None) -> Page[Any]:
    """One page of projects open for help, each with its fit, quick-win points and effort.

    The page's ids in order with the total (one query on SQLite, a count and the ids
    on PostgreSQL), then the page's rows and two prefetches: the number of queries
    does not depend on the number of matches.
    """
    ordered = _ordered(_filtered(query), query, trainee)
    page = _page_with_count(ordered, query.page) if connection.vendor == "sqlite" else None
    if page is None:
        page = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE).get_page(query.page)
    projects = _shown(list(page.object_list)) if page.paginator.count else []
    hours = trainee.hours_per_week if trainee is not None else None
    page.object_list = [
        BoardItem(
            project=project,
            fit=fit(project, trainee),
            quick_win=quick_win(project),
            effort=effort_estimate(project, hours or project.min_open_hours or 1),
        )
        for project in projects
    ]
    return page
