"""Completeness by site: records, complete instruments and open queries, counted as data changes.

The study page shows, for each site the person may see, how many records, complete
instruments (entries whose status is complete) and open queries it holds; someone who
sees several sites (the study admin: all of them) also sees the totals. Counting
entries across a 100,000-record study on every view is too slow, so the counts live in
`SiteCompleteness`: every service that creates a record, changes an entry's status or
a query's state, and the import, calls `adjust` in its own transaction, and `recount`
(`manage.py recount_completeness`) counts everything again from the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import transaction
from django.db.models import Count, F, Model, QuerySet

from capture import access
from capture.access import Can
from capture.models import DataQuery, Entry, Record, SiteCompleteness, Study, StudySite

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class SiteRow:
    site: StudySite | None  # None for the totals row
    records: int
    complete: int
    open_queries: int


@dataclass(frozen=True)
class Completeness:
    """The rows a person may see, one per site, and their total."""

    rows: list[SiteRow]
    every_site: bool  # the person sees the whole study

    def __iter__(self) -> Iterator[SiteRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> SiteRow:
        return SiteRow(
            None,
            sum(row.records for row in self.rows),
            sum(row.complete for row in self.rows),
            sum(row.open_queries for row in self.rows),
        )


def site_rows(user: User, study: Study) -> Completeness:
    """The counts of the sites where the person may see the study; never another site's."""
    allowed = access.sites(user, study, Can.SEE_STUDY)
    sites = StudySite.objects.filter(study=study).select_related("site", "completeness")
    if allowed is not access.EVERY_SITE:
        sites = sites.filter(pk__in=allowed)
    rows = []
    for study_site in sites:
        counts = _counts_of(study_site)
        rows.append(SiteRow(study_site, counts.records, counts.complete, counts.open_queries))
    return Completeness(rows, every_site=allowed is access.EVERY_SITE)


def _counts_of(study_site: StudySite) -> SiteCompleteness:
    try:
        return study_site.completeness
    except SiteCompleteness.DoesNotExist:
        # No row yet: nothing was written at this site since counting began.
        return SiteCompleteness(study_site=study_site)


def start(study_site: StudySite) -> None:
    """The counts of a site just added to a study: nothing yet."""
    SiteCompleteness.objects.create(study_site=study_site)


def adjust(
    study_site_id: int, *, records: int = 0, complete: int = 0, open_queries: int = 0
) -> None:
    """Add to a site's counts, after the change itself, inside the change's transaction."""
    if not (records or complete or open_queries):
        return
    changed = SiteCompleteness.objects.filter(pk=study_site_id).update(
        records=F("records") + records,
        complete=F("complete") + complete,
        open_queries=F("open_queries") + open_queries,
    )
    if changed:
        return
    # The first count at this site: counting now already includes the change.
    _, created = SiteCompleteness.objects.get_or_create(
        pk=study_site_id, defaults=_count(study_site_id)
    )
    if not created:  # made meanwhile by a transaction that could not see this change
        adjust(study_site_id, records=records, complete=complete, open_queries=open_queries)


def complete_change(old_status: int | None, new_status: int) -> int:
    """How an entry's status change moves its site's count of complete instruments."""
    was = old_status == Entry.Status.COMPLETE
    return int(new_status == Entry.Status.COMPLETE) - int(was)


def open_change(old_state: str | None, new_state: str) -> int:
    """How a query's state change moves its site's count of open queries."""
    was = old_state == DataQuery.State.OPEN
    return int(new_state == DataQuery.State.OPEN) - int(was)


def _count(study_site_id: int) -> dict[str, int]:
    return {
        "records": Record.objects.filter(study_site_id=study_site_id).count(),
        "complete": Entry.objects.filter(
            record__study_site_id=study_site_id, status=Entry.Status.COMPLETE
        ).count(),
        "open_queries": DataQuery.objects.filter(
            entry__record__study_site_id=study_site_id, state=DataQuery.State.OPEN
        ).count(),
    }


@transaction.atomic
def recount(study: Study) -> list[SiteCompleteness]:
    """Count every site of a study again from its records, entries and queries.

    The study's count rows are locked first, so a change committing meanwhile either
    waits and then adds to the recount, or committed before and is counted.
    """
    list(SiteCompleteness.objects.select_for_update().filter(study_site__study=study))
    records = _grouped(Record.objects.filter(study=study), "study_site")
    complete = _grouped(
        Entry.objects.filter(record__study=study, status=Entry.Status.COMPLETE),
        "record__study_site",
    )
    open_queries = _grouped(
        DataQuery.objects.filter(entry__record__study=study, state=DataQuery.State.OPEN),
        "entry__record__study_site",
    )
    counted = [
        SiteCompleteness(
            study_site_id=site_id,
            records=records.get(site_id, 0),
            complete=complete.get(site_id, 0),
            open_queries=open_queries.get(site_id, 0),
        )
        for site_id in StudySite.objects.filter(study=study).values_list("pk", flat=True)
    ]
    SiteCompleteness.objects.bulk_create(
        counted,
        update_conflicts=True,
        unique_fields=["study_site"],
        update_fields=["records", "complete", "open_queries"],
    )
    return counted


M = TypeVar("M", bound=Model)


def _grouped(queryset: QuerySet[M], site: str) -> dict[int, int]:
    rows = queryset.order_by().values(site).annotate(n=Count("pk")).values_list(site, "n")
    return dict(rows)
