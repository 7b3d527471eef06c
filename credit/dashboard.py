"""The network dashboard: the four aims of a trainee research network, each measured.

Every figure is a small table (`Figure`: a title, column headings, labelled rows of
counts) computed in a handful of grouped queries, drawn as a bar chart in inline SVG by
`bar_svg` (readable without JavaScript; the table is the fallback and the CSV export).

People are placed in a region by their active memberships: a site's region, else a
training scheme's region (the first such membership, trainee roles first); people of no
region are counted under "No region".

Small cells: a figure made from study records (patients) shows any count from 1 to 4 as
"<5", so no cell lets one infer a single patient record. The public summary suppresses
every small count that way, so it never points at one person either.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from html import escape

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from capture.models import DataQuery, Record, StudySite
from network.models import Membership, Region, Role, Site
from outputs.models import Author, Output
from people.models import TraineeProfile
from projects.models import FINISHED, Member, Project, ResearchType, Status
from training.models import GCP_TYPES, Credential, Tracker

SMALL = 5
SUPPRESSED = "<5"
NO_REGION = "No region"
YEARS = 5  # the "over time" figures show this many calendar years, this one last
MEETING_KINDS = (Output.Kind.ABSTRACT, Output.Kind.POSTER, Output.Kind.ORAL)
PUBLICATION_KINDS = (Output.Kind.ARTICLE, Output.Kind.BOOK, Output.Kind.CHAPTER)

Cell = int | str


def suppress(count: int) -> Cell:
    """A count as it may be shown: 1 to 4 become "<5" (0 stays 0: nothing to infer)."""
    return SUPPRESSED if 0 < count < SMALL else count


def _suppressed(
    rows: list[tuple[str, list[Cell]]], *, share_last: bool = False
) -> list[tuple[str, list[Cell]]]:
    """Rows with small counts as "<5"; a share (last column) is left, or hidden when the
    count it is a share of is small."""
    out: list[tuple[str, list[Cell]]] = []
    for label, cells in rows:
        counts = cells[:-1] if share_last else cells
        shown = [suppress(c) if isinstance(c, int) else c for c in counts]
        if share_last:
            shown.append("not shown" if shown and shown[0] == SUPPRESSED else cells[-1])
        out.append((label, shown))
    return out


@dataclass
class Figure:
    key: str
    title: str
    explanation: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    suppressed: bool = False  # small cells shown as "<5"
    percent: bool = False  # the last column is a share in per cent

    def csv_rows(self) -> list[list[str]]:
        return [["", *self.columns], *([label, *map(str, cells)] for label, cells in self.rows)]

    @property
    def total(self) -> int:
        """The sum of the first column's shown numbers (suppressed cells count as 0)."""
        return sum(cells[0] for _, cells in self.rows if cells and isinstance(cells[0], int))


@dataclass
class Aim:
    key: str
    title: str
    summary: str
    figures: list[Figure]


def years(today: dt.date | None = None) -> list[int]:
    this = (today or timezone.localdate()).year
    return list(range(this - YEARS + 1, this + 1))


def person_regions() -> dict[int, str]:
    """Each member's region name, from their active memberships (trainee roles first)."""
    rows = (
        Membership.objects.active()
        .filter(Q(site__isnull=False) | Q(scheme__isnull=False))
        .values_list("person_id", "role", "site__region__name", "scheme__region__name")
    )
    placed: dict[int, tuple[bool, str]] = {}
    for person_id, role, site_region, scheme_region in rows:
        name = site_region or scheme_region
        trainee = role == Role.TRAINEE
        if person_id not in placed or (trainee and not placed[person_id][0]):
            placed[person_id] = (trainee, name)
    return {person: name for person, (_, name) in placed.items()}


def region_names(*extra: Iterable[str]) -> list[str]:
    names = list(Region.objects.order_by("name").values_list("name", flat=True))
    seen = set(names)
    for group in extra:
        for name in group:
            if name not in seen:
                names.append(name)
                seen.add(name)
    return names


def _trainees() -> set[int]:
    return set(
        Membership.objects.active().filter(role=Role.TRAINEE).values_list("person_id", flat=True)
    )


# --- Aim 1: engagement in audit and research -------------------------------------------


def members_by_region(regions: dict[int, str]) -> Figure:
    roles = (Role.TRAINEE, Role.MENTOR, Role.SITE_LEAD)
    by: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    active = Membership.objects.active().values_list("person_id", "role")
    for person_id, role in active:
        region = regions.get(person_id, NO_REGION)
        by[region]["all"].add(person_id)
        if role in roles:
            by[region][role].add(person_id)
    fig = Figure(
        "members-region",
        "Members by region",
        "People with an active role, placed in the region of their site or scheme.",
        [*(Role(r).label + "s" for r in roles), "All members"],
    )
    for name in region_names(by):
        if name in by:
            cells: list[Cell] = [len(by[name][r]) for r in roles]
            fig.rows.append((name, [*cells, len(by[name]["all"])]))
    return fig


def members_by_scheme() -> Figure:
    on_scheme: dict[tuple[str, str], set[int]] = defaultdict(set)
    for person_id, scheme, region in (
        Membership.objects.active()
        .filter(scheme__isnull=False)
        .values_list("person_id", "scheme__name", "scheme__region__name")
    ):
        on_scheme[(scheme, region)].add(person_id)
    members = set(Membership.objects.active().values_list("person_id", flat=True))
    for person_id, scheme, region in TraineeProfile.objects.filter(
        scheme__isnull=False
    ).values_list("person_id", "scheme__name", "scheme__region__name"):
        if person_id in members:
            on_scheme[(scheme, region)].add(person_id)
    fig = Figure(
        "members-scheme",
        "Members by training scheme",
        "Members on each scheme: a scheme role, or the scheme in their trainee profile.",
        ["Members", "Region"],
    )
    for (scheme, region), people in sorted(on_scheme.items()):
        fig.rows.append((scheme, [len(people), region]))
    return fig


def members_by_grade(regions: dict[int, str]) -> Figure:
    # A subquery, not the trainees' ids: a list of thousands of parameters costs more to
    # send and plan than the query itself.
    trainees = Membership.objects.active().filter(role=Role.TRAINEE).values("person_id")
    grades = TraineeProfile.objects.filter(person_id__in=trainees).values_list("person_id", "grade")
    counts: Counter[tuple[str, str]] = Counter()
    used: set[str] = set()
    for person_id, grade in grades:
        counts[(regions.get(person_id, NO_REGION), grade)] += 1
        used.add(grade)
    columns = [g for g in TraineeProfile.Grade.values if g in used]
    fig = Figure(
        "members-grade",
        "Trainees by grade and region",
        "Trainees with an active role, by the grade in their profile.",
        [TraineeProfile.Grade(g).label for g in columns],
    )
    for name in region_names({r for r, _ in counts}):
        cells: list[Cell] = [counts[(name, g)] for g in columns]
        if any(cells):
            fig.rows.append((name, cells))
    return fig


def members_over_time(regions: dict[int, str], span: list[int]) -> Figure:
    """New members per year: the year of each person's first membership.

    The database finds each person's first and names its year as a number (a bucket of
    `span`), so no timestamp is read back for thousands of people."""
    starts = _year_starts(span)
    first = Min("created_at")
    bucket = Case(
        *(When(first__gte=starts[i], then=Value(i)) for i in reversed(range(len(span)))),
        default=Value(-1),
        output_field=IntegerField(),
    )
    joined = (
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .order_by()
        .values("person_id")
        .annotate(first=first)
        .filter(first__gte=starts[0], first__lt=starts[-1])
        .annotate(bucket=bucket)
        .values_list("person_id", "bucket")
    )
    counts: Counter[tuple[str, int]] = Counter(
        (regions.get(p, NO_REGION), span[i]) for p, i in joined if i >= 0
    )
    return _region_by_year(
        "members-year",
        "New members per year",
        "People by the year they first joined, by region.",
        counts,
        span,
    )


def _active_projects() -> dict[int, set[int]]:
    """Each person's current projects (not published, closed or stalled): led or a member."""
    live = Project.objects.exclude(status__in=[*FINISHED, Status.STALLED])
    people: dict[int, set[int]] = defaultdict(set)
    for pk, lead in live.values_list("pk", "lead_id"):
        people[lead].add(pk)
    for project_id, person_id in Member.objects.filter(project__in=live).values_list(
        "project_id", "person_id"
    ):
        people[person_id].add(project_id)
    return people


def active_share(regions: dict[int, str]) -> Figure:
    trainees = _trainees()
    engaged = _active_projects()
    total: Counter[str] = Counter()
    active: Counter[str] = Counter()
    for person_id in trainees:
        region = regions.get(person_id, NO_REGION)
        total[region] += 1
        if engaged.get(person_id):
            active[region] += 1
    fig = Figure(
        "active-share",
        "Trainees with at least one active project",
        "Active: a project not yet published, closed or stalled, as its lead or a member.",
        ["Trainees", "With an active project", "Share (%)"],
        percent=True,
    )
    for name in region_names(total):
        if total[name]:
            share = round(100 * active[name] / total[name])
            fig.rows.append((name, [total[name], active[name], share]))
    all_, with_ = sum(total.values()), sum(active.values())
    if all_:
        fig.rows.append(("All regions", [all_, with_, round(100 * with_ / all_)]))
    return fig


def projects_by_type_and_status() -> Figure:
    raw = {
        (row["research_type"], row["status"]): row["n"]
        for row in Project.objects.values("research_type", "status").annotate(n=Count("pk"))
    }
    statuses = [s for s in Status.values if any(k[1] == s for k in raw)]
    fig = Figure(
        "projects",
        "Projects by type and status",
        "Every project on the network's board, by its type of research and where it is.",
        [Status(s).label for s in statuses] + ["All"],
    )
    for kind in ResearchType.values:
        cells: list[Cell] = [raw.get((kind, s), 0) for s in statuses]
        if any(cells):
            fig.rows.append((ResearchType(kind).label, [*cells, sum(int(c) for c in cells)]))
    return fig


def _year_starts(span: list[int], *, dates: bool = False) -> list[dt.datetime] | list[dt.date]:
    if dates:
        return [dt.date(y, 1, 1) for y in [*span, span[-1] + 1]]
    zone = timezone.get_current_timezone()
    return [dt.datetime(y, 1, 1, tzinfo=zone) for y in [*span, span[-1] + 1]]


def per_year(
    field: str,
    span: list[int],
    *,
    dates: bool = False,
    total: str | None = None,
    extra: Q | None = None,
) -> dict[str, Count | Sum]:
    """An aggregate per year of `span` (`y0`, `y1`, ...), each filtered on a range of
    `field`: databases compare a range natively (and through an index), where extracting
    the year runs a function per row (on SQLite a Python one, 16,000 calls a dashboard).

    `total` is the aggregate to take (a count of rows by default), `extra` a further
    condition every year's filter adds."""
    starts = _year_starts(span, dates=dates)
    out: dict[str, Count | Sum] = {}
    for i in range(len(span)):
        within = Q(**{f"{field}__gte": starts[i], f"{field}__lt": starts[i + 1]})
        if extra is not None:
            within &= extra
        out[f"y{i}"] = Count("pk", filter=within) if total is None else Sum(total, filter=within)
    return out


def within_span(field: str, span: list[int], *, dates: bool = False) -> Q:
    starts = _year_starts(span, dates=dates)
    return Q(**{f"{field}__gte": starts[0], f"{field}__lt": starts[-1]})


def records_by_site_and_year(span: list[int]) -> dict[int, tuple[int, list[int]]]:
    """Per network site: how many studies have records there, and records per year.

    One row per study site, each year a count of the site's records in that year's range
    of `created_at`, read by a seek into the index on (study site, created)
    (`capture.Record`'s `record_site_created`): the database walks only the index
    entries it counts, comparing each once, where one grouped pass over every record
    compares each with every year's bounds (43 against 14 ms at 100,000 on SQLite)."""
    starts = _year_starts(span)
    records = Record.objects.order_by().filter(study_site=OuterRef("pk"))

    def in_year(i: int) -> Coalesce:
        counted = records.filter(created_at__gte=starts[i], created_at__lt=starts[i + 1])
        n = counted.values("study_site").annotate(n=Count("*")).values("n")
        return Coalesce(Subquery(n), 0)

    years_ = [f"y{i}" for i in range(len(span))]
    rows = (
        StudySite.objects.order_by()
        .filter(Exists(records))
        .annotate(**{y: in_year(i) for i, y in enumerate(years_)})
        .values_list("site_id", *years_)
    )
    by_site: dict[int, tuple[int, list[int]]] = {}
    for site, *per_year_ in rows:
        studies, counts = by_site.get(site, (0, [0] * len(span)))
        by_site[site] = (studies + 1, [c + n for c, n in zip(counts, per_year_, strict=True)])
    return by_site


def _site_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (name, region)
        for pk, name, region in Site.objects.filter(pk__in=list(ids)).values_list(
            "pk", "name", "region__name"
        )
    }


def records_per_site(span: list[int], data: dict[int, tuple[int, list[int]]]) -> Figure:
    """Records entered per site and year, and how many studies have records there.

    Patient records: every cell from 1 to 4 is shown as "<5"."""
    names = _site_names(data)
    fig = Figure(
        "records-site",
        "Study records per site, by year",
        "Records entered at each site (counts only; 1 to 4 shown as “<5”), and the "
        "number of studies with records there.",
        ["Studies with records", *map(str, span)],
        suppressed=True,
    )
    for site, (studies, counts) in sorted(data.items(), key=lambda item: names[item[0]][::-1]):
        name, region = names[site]
        fig.rows.append((f"{name} ({region})", [studies, *map(suppress, counts)]))
    return fig


def records_by_region(span: list[int], data: dict[int, tuple[int, list[int]]]) -> Figure:
    names = _site_names(data)
    counts: Counter[tuple[str, int]] = Counter()
    for site, (_, by_year) in data.items():
        for year, n in zip(span, by_year, strict=True):
            counts[(names[site][1], year)] += n
    fig = _region_by_year(
        "records-region",
        "Study records per region, by year",
        "Records entered at the region's sites (1 to 4 shown as “<5”).",
        counts,
        span,
    )
    fig.suppressed = True
    fig.rows = _suppressed(fig.rows)
    return fig


def open_queries() -> Figure:
    counts: Counter[str] = Counter()
    for row in (
        DataQuery.objects.filter(state=DataQuery.State.OPEN)
        .values("entry__record__study_site__site__region__name")
        .annotate(n=Count("pk"))
    ):
        counts[row["entry__record__study_site__site__region__name"]] += row["n"]
    fig = Figure(
        "open-queries",
        "Open data queries",
        "Validators' questions about study data still waiting for the site, by region.",
        ["Open queries"],
    )
    for name in region_names(counts):
        if counts[name]:
            fig.rows.append((name, [counts[name]]))
    return fig


# --- Aims 2 and 3: meetings and publications ------------------------------------------


def _outputs_by_region(kinds: tuple[str, ...], regions: dict[int, str]) -> Counter[str]:
    """Each output once per region of the members among its authors."""
    seen: set[tuple[int, str]] = set()
    for output_id, person_id in Author.objects.filter(
        output__kind__in=kinds, person__isnull=False
    ).values_list("output_id", "person_id"):
        if person_id in regions:
            seen.add((output_id, regions[person_id]))
    return Counter(region for _, region in seen)


def outputs_per_year(kinds: tuple[str, ...], span: list[int], key: str, title: str) -> Figure:
    raw = {
        (row["kind"], year): row[f"y{i}"]
        for row in Output.objects.filter(within_span("date", span, dates=True), kind__in=kinds)
        .values("kind")
        .annotate(**per_year("date", span, dates=True))
        .order_by()
        for i, year in enumerate(span)
    }
    fig = Figure(
        key,
        title,
        "Outputs recorded in RadCollab, by the year of their date.",
        [*(Output.Kind(k).label for k in kinds), "All"],
    )
    for year in span:
        cells: list[Cell] = [raw.get((k, year), 0) for k in kinds]
        fig.rows.append((str(year), [*cells, sum(int(c) for c in cells)]))
    return fig


def outputs_by_region(
    kinds: tuple[str, ...], regions: dict[int, str], key: str, title: str
) -> Figure:
    counts = _outputs_by_region(kinds, regions)
    fig = Figure(
        key,
        title,
        "Outputs with at least one member of the region among their confirmed authors.",
        ["Outputs"],
    )
    for name in region_names(counts):
        if counts[name]:
            fig.rows.append((name, [counts[name]]))
    return fig


# --- Aim 4: research training ----------------------------------------------------------


def training_by_region(regions: dict[int, str]) -> Figure:
    members = set(Membership.objects.active().values_list("person_id", flat=True))
    gcp, any_credential = set(), set()
    for person_id, kind in Credential.objects.values_list("person_id", "kind").distinct():
        if person_id in members:
            any_credential.add(person_id)
            if kind in GCP_TYPES:
                gcp.add(person_id)
    trackers = members & set(Tracker.objects.values_list("person_id", flat=True))

    def by_region(people: set[int]) -> Counter[str]:
        return Counter(regions.get(p, NO_REGION) for p in people)

    total, with_gcp = by_region(members), by_region(gcp)
    with_any, with_tracker = by_region(any_credential), by_region(trackers)
    fig = Figure(
        "training-region",
        "Research training by region",
        "Members with a Good Clinical Practice certificate, any training credential, "
        "and a research certificate tracker.",
        ["Members", "With GCP", "With any credential", "With a certificate tracker"],
    )
    for name in region_names(total):
        if total[name]:
            cells: list[Cell] = [total[name], with_gcp[name], with_any[name], with_tracker[name]]
            fig.rows.append((name, cells))
    return fig


def training_per_year(span: list[int]) -> Figure:
    credentials = Credential.objects.filter(within_span("completed_on", span, dates=True))
    gcp = credentials.aggregate(
        **per_year("completed_on", span, dates=True, extra=Q(kind__in=GCP_TYPES))
    )
    other = credentials.aggregate(
        **per_year("completed_on", span, dates=True, extra=~Q(kind__in=GCP_TYPES))
    )
    started = Tracker.objects.filter(within_span("started_on", span, dates=True)).aggregate(
        **per_year("started_on", span, dates=True)
    )
    fig = Figure(
        "training-year",
        "Research training per year",
        "Training credentials completed (GCP and other) and certificate trackers started.",
        ["GCP certificates", "Other credentials", "Trackers started"],
    )
    for i, year in enumerate(span):
        key = f"y{i}"
        fig.rows.append((str(year), [gcp[key] or 0, other[key] or 0, started[key] or 0]))
    return fig


def _region_by_year(
    key: str, title: str, explanation: str, counts: Counter[tuple[str, int]], span: list[int]
) -> Figure:
    fig = Figure(key, title, explanation, [*map(str, span), "All"])
    for name in region_names({r for r, _ in counts}):
        cells: list[Cell] = [counts[(name, y)] for y in span]
        if any(cells):
            fig.rows.append((name, [*cells, sum(int(c) for c in cells)]))
    return fig


# --- The whole dashboard ---------------------------------------------------------------


def aims(today: dt.date | None = None) -> list[Aim]:
    """The four aims, each with its figures (about twenty grouped queries in all)."""
    span = years(today)
    regions = person_regions()
    records = records_by_site_and_year(span)
    from credit import portfolio  # the portfolio studies' totals (issue 19 item 5)

    research = [
        members_by_region(regions),
        members_by_scheme(),
        members_by_grade(regions),
        members_over_time(regions, span),
        active_share(regions),
        projects_by_type_and_status(),
        *portfolio.figures(),
        records_by_region(span, records),
        records_per_site(span, records),
        open_queries(),
    ]
    return [
        Aim(
            "research",
            "Engagement in audit and research",
            "Who takes part, where, and in what: members, projects, study records and "
            "recruitment to portfolio studies.",
            research,
        ),
        Aim(
            "meetings",
            "Engagement in national and international meetings",
            "Conference abstracts, posters and oral presentations.",
            [
                outputs_per_year(MEETING_KINDS, span, "meetings-year", "Presentations per year"),
                outputs_by_region(
                    MEETING_KINDS, regions, "meetings-region", "Presentations by region"
                ),
            ],
        ),
        Aim(
            "publications",
            "Engagement in publications",
            "Journal articles, books and chapters.",
            [
                outputs_per_year(
                    PUBLICATION_KINDS, span, "publications-year", "Publications per year"
                ),
                outputs_by_region(
                    PUBLICATION_KINDS, regions, "publications-region", "Publications by region"
                ),
            ],
        ),
        Aim(
            "training",
            "Engagement in research training",
            "Good Clinical Practice and other credentials, and research certificate trackers.",
            [training_by_region(regions), training_per_year(span)],
        ),
    ]


def find(figures: list[Aim], key: str) -> Figure | None:
    return next((f for aim in figures for f in aim.figures if f.key == key), None)


PUBLIC_FIGURES = (
    "members-region",
    "active-share",
    "projects",
    "records-region",
    "meetings-year",
    "publications-year",
    "training-region",
)


def public_summary(source: list[Aim] | None = None) -> list[Figure]:
    """Counts only, for anyone: no site-level rows, and every small count shown as "<5"."""
    return [
        replace(fig, rows=_suppressed(fig.rows, share_last=fig.percent), suppressed=True)
        for aim in (source if source is not None else aims())
        for fig in aim.figures
        if fig.key in PUBLIC_FIGURES
    ]


CACHE_KEY = "credit:dashboard:v1"
CACHE_SECONDS = 60


def cached_aims() -> tuple[dt.datetime, list[Aim]]:
    """The aims as computed at most a minute ago, and when: the pages and their CSVs
    read this, so a committee member moving between figures does not count again."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = (timezone.now(), aims())
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


# --- Drawing ---------------------------------------------------------------------------

MAX_BARS = 40
BAR = "#1f4e79"
INK = "#1a1a1a"


def bar_svg(fig: Figure, column: int = 0) -> str:
    """A horizontal bar chart of one column, as inline SVG that scales to its box.

    Suppressed cells ("<5") are drawn as a hatched stub labelled "<5", never a length.
    """
    rows = [(label, cells[column]) for label, cells in fig.rows if len(cells) > column]
    rows = [(label, v) for label, v in rows if isinstance(v, int) or v == SUPPRESSED]
    if not rows or len(rows) > MAX_BARS:  # a long table (every site) is read as a table
        return ""
    top = max([v for _, v in rows if isinstance(v, int)] or [1]) or 1
    line, label_w, width = 22, 190, 320
    height = line * len(rows) + 8
    title = escape(f"{fig.title}: {fig.columns[column]}")
    parts = [
        f'<svg class="chart" viewBox="0 0 {label_w + width + 50} {height}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{title}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * line
        text = escape(label if len(label) <= 26 else label[:25] + "…")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{text}</text>'
        )
        if isinstance(value, int):
            w = round(width * value / top) if value else 0
            shown = f"{value}%" if fig.percent and column == len(fig.columns) - 1 else value
        else:
            w, shown = 8, value
        fill = BAR if isinstance(value, int) else "none"
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="15" fill="{fill}" '
            f'stroke="{BAR}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 4}" y="{y + 15}" font-size="12" fill="{INK}">'
            f"{escape(str(shown))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def chart_column(fig: Figure) -> int:
    """The column a figure's chart draws: the share, the total, or the first."""
    if fig.percent:
        return len(fig.columns) - 1
    if fig.columns and fig.columns[-1] == "All":
        return len(fig.columns) - 1
    if fig.key == "records-site":
        return len(fig.columns) - 1  # this year's records
    return 0


def table_html(fig: Figure) -> str:
    """The figure's table, built here rather than in a template: the per-site figure has a
    row per site (500 in a large network), which the template engine renders slowly."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in fig.columns)
    body = (
        "".join(
            f'<tr><th scope="row">{escape(label)}</th>'
            + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
            + "</tr>"
            for label, cells in fig.rows
        )
        or f'<tr><td colspan="{len(fig.columns) + 1}">Nothing recorded yet.</td></tr>'
    )
    return (
        '<div class="table-scroll"><table><thead><tr><th scope="col">'
        f'<span class="visually-hidden">Group</span></th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )
