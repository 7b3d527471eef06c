"""The mentor directory's one search: text, filters, sorting and distance, on both databases.

Full-text matching goes to SQLite's FTS5 table or PostgreSQL's tsvector column (see
migration 0003); everything else is one ORM query over `MentorProfile` joined to its
recounted `MentorStats`. The number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, QuerySet, Window
from django.db.models.functions import Cast, Power

from mentors.search import fts5_query, search_words, tsquery
from mentors.selectors import ENOUGH_REQUESTS, REPLY_WINDOW
from network.models import Site
from people.models import MentorProfile

PAGE_SIZE = 20
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
    words = search_words(text)
    if not words:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT profile_id, ts_rank(search, query) FROM mentors_mentorstats, "
                "to_tsquery('english', %s) query WHERE search @@ query",
                [tsquery(words)],
            )
        else:
            cursor.execute(
                "SELECT rowid, -bm25(mentors_search) FROM mentors_search "
                "WHERE mentors_search MATCH %s",
                [fts5_query(words)],
            )
        return dict(cursor.fetchall())


def _filtered(query: DirectoryQuery) -> QuerySet[MentorProfile]:
    mentors = MentorProfile.objects.filter(person__is_active=True)
    if query.text.strip():
        mentors = mentors.filter(stats__document__matches=query.text)
    if query.region:
        mentors = mentors.filter(site__region_id=query.region)
    if query.site:
        mentors = mentors.filter(site_id=query.site)
    for term in query.terms:
        tagged = MentorProfile.expertise.through.objects.filter(
            mentorprofile_id=OuterRef("pk"), term_id=term
        )
        mentors = mentors.filter(Exists(tagged))
    if query.accepting:
        mentors = mentors.filter(accepting_trainees=True)
    if query.funded:
        mentors = mentors.filter(stats__grants_current__gt=0)
    if query.quick_reply:
        window_hours = REPLY_WINDOW.total_seconds() / 3600
        mentors = mentors.filter(
            stats__requests__gte=ENOUGH_REQUESTS, stats__median_reply_hours__lte=window_hours
        )
    return mentors


def _with_distance(
    mentors: QuerySet[MentorProfile], near: Site, within_km: float | None
) -> QuerySet[MentorProfile]:
    """Annotate a squared distance in degrees (longitude scaled at `near`'s latitude).

    Plain arithmetic works on every database and is monotonic with distance, which is
    all sorting and a radius need; pages show the great-circle distance computed here.
    """
    scale = math.cos(math.radians(float(near.latitude)))
    # Beyond the radius of the Earth's half-circumference no site is excluded.
    limit = (within_km if within_km is not None else 20_100) / KM_PER_DEGREE
    latitude = Cast("site__latitude", FloatField()) - float(near.latitude)
    longitude = (Cast("site__longitude", FloatField()) - float(near.longitude)) * scale
    return (
        mentors.filter(site__isnull=False)
        .alias(distance_sq=Power(latitude, 2) + Power(longitude, 2))
        .filter(distance_sq__lte=limit**2)
    )


def directory_search(query: DirectoryQuery) -> Page[Any]:
    """One page of mentors; with `near`, each carries `distance_km` (None without a site)."""
    mentors = _filtered(query)
    # Distance enters SQL only for a radius or a distance sort; otherwise it is computed
    # for the page alone, and mentors without a site stay in the results.
    if query.near is not None and (query.within_km is not None or query.sort == "distance"):
        mentors = _with_distance(mentors, query.near, query.within_km)
    rows = _sorted(mentors, query)
    page = _page(rows, query.page) if _count_with_window(rows) else None
    if page is None:
        page = Paginator(rows, PAGE_SIZE).get_page(query.page)
        page.object_list = list(page.object_list)
    for mentor in page.object_list:
        near, site = query.near, mentor.site
        mentor.distance_km = kilometres(near, site) if near and site else None
    return page


def _count_with_window(rows: Any) -> bool:
    """Whether to count matches with a window on the page query instead of apart.

    Measured with benchmarks/bench_directory.py: on SQLite one pass beats two. On
    PostgreSQL the window forces a full ordered scan, while a separate COUNT uses the
    GIN index and the LIMIT query stops after twenty rows, so two queries are faster.
    """
    return isinstance(rows, QuerySet) and connection.vendor == "sqlite"


def _page(rows: QuerySet[MentorProfile], number: int) -> Page[Any] | None:
    """The page and the total in one query: a window count rides along with the rows.

    Counting separately would scan every match twice. Returns None past the last
    page, where no row carries the total; the caller then paginates the plain way.
    """
    start = (number - 1) * PAGE_SIZE
    counted = rows.annotate(total=Window(Count("pk")))
    found = list(counted[start : start + PAGE_SIZE])
    if not found:
        return None
    paginator = Paginator(counted, PAGE_SIZE)
    paginator.count = found[0].total  # known, so the paginator never counts again
    return Page(found, number, paginator)


def _sorted(mentors: QuerySet[MentorProfile], query: DirectoryQuery) -> Any:
    rows = (
        mentors.select_related("person", "site", "site__region", "stats")
        .only(*SHOWN)
        .prefetch_related("expertise")
    )
    matches = text_matches(query.text) if query.sort == "relevance" else None
    if matches:
        ids = sorted(mentors.values_list("pk", flat=True), key=lambda pk: -matches[pk])
        return _IdOrderedRows(rows, ids)
    if query.sort == "distance" and query.near is not None:
        return rows.order_by("distance_sq", "pk")
    if query.sort == "reply":
        return rows.order_by(F("stats__median_reply_hours").asc(nulls_last=True), "pk")
    return rows.order_by("-stats__score", "pk")


class _IdOrderedRows:
    """Rows in an order decided outside SQL, fetched one page at a time."""

    def __init__(self, rows: QuerySet[MentorProfile], ids: list[int]) -> None:
        self.rows, self.ids = rows, ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list[MentorProfile]:
        wanted = self.ids[window]
        found = {m.pk: m for m in self.rows.filter(pk__in=wanted)}
        return [found[pk] for pk in wanted if pk in found]


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
