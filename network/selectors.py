"""Reads across the network, shaped for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from core.extensions import provided
from network.models import Membership, Site


def sites_with_counts() -> QuerySet[Site]:
    active = Q(memberships__ended_at__isnull=True, memberships__status="active")
    return Site.objects.select_related("region").annotate(
        member_count=Count("memberships__person", filter=active, distinct=True)
    )


def site_memberships(site: Site, *, include_ended: bool = False) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(site=site).select_related("person", "site")
    if not include_ended:
        memberships = memberships.active()
    return memberships.order_by("role", "person__full_name")


@dataclass(frozen=True)
class MapSite:
    id: int
    name: str
    short_name: str
    city: str
    region_id: int
    region: str
    country: str
    latitude: float
    longitude: float
    mentor_count: int
    accepting_count: int
    open_projects: int | None = None  # None: no projects app counts them


@dataclass(frozen=True)
class MapRegion:
    id: int
    name: str
    country: str
    site_count: int
    mentor_count: int
    accepting_count: int
    open_projects: int | None = None


@dataclass(frozen=True)
class ResearchMap:
    sites: list[MapSite]
    regions: list[MapRegion]


def research_map() -> ResearchMap:
    """Every site with its mentors (and open projects) counted, and each region's totals.

    One query for the sites and mentors, and one for open projects when an app provides
    `open_projects_by_site`.

    A mentor counts at the site on their mentor profile while their account is
    active; a region's totals are the sums over its sites (a mentor has one site).
    """
    active = Q(mentors__person__is_active=True)
    rows = (
        Site.objects.annotate(
            mentor_count=Count("mentors", filter=active, distinct=True),
            accepting_count=Count(
                "mentors", filter=active & Q(mentors__accepting_trainees=True), distinct=True
            ),
        )
        .order_by("region__country", "region__name", "name")
        .values(
            *("id", "name", "short_name", "city", "region_id", "latitude", "longitude"),
            *("mentor_count", "accepting_count"),
            region_name=F("region__name"),
            country=F("region__country"),
        )
    )
    count_projects = provided("open_projects_by_site")
    projects = count_projects() if count_projects else None
    sites = [_map_site(row, projects) for row in rows]
    return ResearchMap(sites=sites, regions=_map_regions(sites))


def _map_site(row: dict[str, Any], projects: dict[int, int] | None) -> MapSite:
    latitude, longitude = float(row.pop("latitude")), float(row.pop("longitude"))
    open_projects = None if projects is None else projects.get(row["id"], 0)
    return MapSite(
        region=row.pop("region_name"),
        latitude=latitude,
        longitude=longitude,
        open_projects=open_projects,
        **row,
    )


def _map_regions(sites: list[MapSite]) -> list[MapRegion]:
    """Sum the sites of each region; `sites` come ordered by region."""
    regions = []
    for region_id, grouped in groupby(sites, key=attrgetter("region_id")):
        group = list(grouped)
        regions.append(
            MapRegion(
                id=region_id,
                name=group[0].region,
                country=group[0].country,
                site_count=len(group),
                mentor_count=sum(site.mentor_count for site in group),
                accepting_count=sum(site.accepting_count for site in group),
                open_projects=None
                if group[0].open_projects is None
                else sum(site.open_projects or 0 for site in group),
            )
        )
    return regions
