"""The mentor directory's one search: text, filters, sorting and distance, on both databases.

Full-text matching goes to SQLite's FTS5 table or PostgreSQL's tsvector column (see
migration 0003); expertise filters are tokens in the same index. Filtering, sorting and
counting read the recounted `MentorStats` table alone; the page's profiles are read
after. The number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, ExpressionWrapper, F, FloatField, QuerySet, Window
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Power

from mentors.models import MentorStats
from mentors.search import TextQuery, fts5_query, tsquery
from mentors.selectors import ENOUGH_REQUESTS, REPLY_WINDOW
from network.models import Site
from people.models import MentorProfile

# Ten compact cards fill about two laptop screens; more pages beat one long column.
PAGE_SIZE = 10
KM_PER_DEGREE = 111.2
# What a result shows; the search text and the rest stay in the database.
SHOWN = (
    "title",
    "accepting_trainees",
    "person__full_name",
    "person__email",
    "site__name",
    "site__latitude",
    "site__longitude",
    "site__region__name",
    "stats__outputs_5y",
    "stats__outputs_5y_with_trainee",
    "stats__grants_current",
    "stats__supervisions",
    "stats__supervisions_completed",
    "stats__collaborators",
    "stats__requests",
    "stats__median_reply_hours",
    "stats__share_replied_14d",
    "stats__score",
)


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    region: int | None = None
    site: int | None = None
    terms: tuple[int, ...] = ()
    accepting: bool = False
    funded: bool = False
    quick_reply: bool = False
    near: Site | None = None
    within_km: float | None = None
    sort: str = "track_record"
    page: int = 1


def text_matches(text: str) -> dict[int, float] | None:
    """Mentor profile ids matching the words of `text`, with a relevance (higher is better)."""
    query = TextQuery(text)
    if not query:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT profile_id, ts_rank(search, query) FROM mentors_mentorstats, "
                "to_tsquery('english', %s) query WHERE search @@ query",
                [tsquery(query)],
            )
        else:
            cursor.execute(
                "SELECT rowid, -bm25(mentors_search) FROM mentors_search "
                "WHERE mentors_search MATCH %s",
                [fts5_query(query)],
            )
        return dict(cursor.fetchall())


def _filtered(query: DirectoryQuery) -> QuerySet[MentorStats]:
    """Every filter reads `MentorStats` alone: words and terms through its full-text index."""
    found = MentorStats.objects.filter(person_active=True)
    text = TextQuery(query.text, query.terms)
    if text:
        found = found.filter(document__matches=text)
    if query.region:
        found = found.filter(region_id=query.region)
    if query.site:
        found = found.filter(site_id=query.site)
    if query.accepting:
        found = found.filter(accepting_trainees=True)
    if query.funded:
        found = found.filter(grants_current__gt=0)
    if query.quick_reply:
        window_hours = REPLY_WINDOW.total_seconds() / 3600
        found = found.filter(requests__gte=ENOUGH_REQUESTS, median_reply_hours__lte=window_hours)
    return found


def _with_distance(
    found: QuerySet[MentorStats], near: Site, within_km: float | None
) -> QuerySet[MentorStats]:
    """Annotate a squared distance in degrees (longitude scaled at `near`'s latitude).

    Plain arithmetic works on every database and is monotonic with distance, which is
    all sorting and a radius need; pages show the great-circle distance computed here.
    A radius also bounds latitude, which the (latitude, longitude) index can use.
    """
    scale = math.cos(math.radians(float(near.latitude)))
    # Beyond the radius of the Earth's half-circumference no site is excluded.
    limit = (within_km if within_km is not None else 20_100) / KM_PER_DEGREE
    latitude, longitude = float(near.latitude), float(near.longitude)
    return (
        found.filter(latitude__gte=latitude - limit, latitude__lte=latitude + limit)
        .alias(
            distance_sq=Power(F("latitude") - latitude, 2)
            + Power((F("longitude") - longitude) * scale, 2)
        )
        .filter(distance_sq__lte=limit**2)
    )


def directory_search(query: DirectoryQuery) -> Page[Any]:
    """One page of mentors; with `near`, each carries `distance_km` (None without a site).

    Two steps: the ids of one page come from `MentorStats` alone (filter, sort, count),
    then those twenty profiles are read with what a result shows.
    """
    found = _filtered(query)
    # Distance enters SQL only for a radius or a distance sort; otherwise it is computed
    # for the page alone, and mentors without a site stay in the results.
    if query.near is not None and (query.within_km is not None or query.sort == "distance"):
        found = _with_distance(found, query.near, query.within_km)
    if connection.vendor == "sqlite":
        ids = _sorted_ids(found, query)
        page = _page(ids, query.page) if isinstance(ids, QuerySet) else None
        if page is None:
            page = Paginator(ids, PAGE_SIZE).get_page(query.page)
    else:
        total = found.count()
        paginator = Paginator(_sorted_ids(found, query, few=total < FEW), PAGE_SIZE)
        paginator.count = total  # known, so the paginator never counts again
        page = paginator.get_page(query.page)
    mentors: list[Any] = _profiles(list(page.object_list))  # each gains `distance_km`
    page.object_list = mentors
    for mentor in mentors:
        near, site = query.near, mentor.site
        mentor.distance_km = kilometres(near, site) if near and site else None
    return page


# Below this many matches, sorting them all beats walking an index of the sort column.
FEW = 1_000


def _page(ids: QuerySet[MentorStats, int], number: int) -> Page[Any] | None:
    """The page and the total in one query: a window count rides along with the rows.

    Measured with benchmarks/bench_directory.py: on SQLite one pass beats two. On
    PostgreSQL the window forces a full ordered scan, while a separate COUNT uses the
    GIN index, so there `directory_search` counts apart (and uses the count to plan).
    Counting separately would scan every match twice. Returns None past the last
    page, where no row carries the total; the caller then paginates the plain way.
    """
    start = (number - 1) * PAGE_SIZE
    counted = ids.annotate(total=Window(Count("pk"))).values_list("profile_id", "total")
    found = list(counted[start : start + PAGE_SIZE])
    if not found:
        return None
    paginator = Paginator(ids, PAGE_SIZE)
    paginator.count = found[0][1]  # known, so the paginator never counts again
    return Page([profile_id for profile_id, _ in found], number, paginator)


def _sorted_ids(
    found: QuerySet[MentorStats], query: DirectoryQuery, few: bool = False
) -> list[int] | QuerySet[MentorStats, int]:
    """Profile ids in the order asked for: a lazy query, or a list for relevance.

    With `few` matches the sort key is wrapped in an expression that no index serves.
    Otherwise PostgreSQL, misjudging how many rows the full-text and place filters
    keep, walks the sort column's index and tests thousands of rows to fill one page
    (40 ms measured) where finding the few matches first and sorting them takes 1 ms.
    """
    matches = text_matches(query.text) if query.sort == "relevance" else None
    if matches:
        ids = found.values_list("profile_id", flat=True)
        return sorted(ids, key=lambda pk: -matches.get(pk, 0.0))

    def key(column: str) -> F | ExpressionWrapper[CombinedExpression]:
        return ExpressionWrapper(F(column) + 0, FloatField()) if few else F(column)

    if query.sort == "distance" and query.near is not None:
        ordered = found.order_by("distance_sq", "profile_id")
    elif query.sort == "reply":
        ordered = found.order_by(key("median_reply_hours").asc(nulls_last=True), "profile_id")
    else:
        ordered = found.order_by(key("score").desc(), "profile_id")
    return ordered.values_list("profile_id", flat=True)


def _profiles(ids: list[int]) -> list[MentorProfile]:
    """The profiles of one page, in the page's order, with what a result shows."""
    if not ids:
        return []
    rows = (
        MentorProfile.objects.filter(pk__in=ids)
        .select_related("person", "site", "site__region", "stats")
        .only(*SHOWN)
        .prefetch_related("expertise")
    )
    found = {mentor.pk: mentor for mentor in rows}
    return [found[pk] for pk in ids if pk in found]


def kilometres(a: Site, b: Site) -> float:
    """Great-circle distance between two sites (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(
        math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude))
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))
