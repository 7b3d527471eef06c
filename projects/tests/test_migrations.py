"""The board's data migrations give the rows what the services would have kept."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from network.tests.factories import RegionFactory, SiteFactory
from people.models import Term
from projects.board import facets_of
from projects.models import Project
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db
facets_migration = import_module("projects.migrations.0005_board_facets")


def test_the_facets_backfill_writes_what_facets_of_writes_across_chunks(personas, monkeypatch):
    monkeypatch.setattr(facets_migration, "BACKFILL_CHUNK", 2)  # several chunks from five rows
    north, south = RegionFactory.create(name="North"), RegionFactory.create(name="South")
    sites = [
        SiteFactory.create(region=north),
        SiteFactory.create(region=north),
        SiteFactory.create(region=south),
    ]
    mri = Term.objects.get(name="MRI", kind="modality")
    projects = [
        make_project(personas.mentor, title="No site, no terms"),
        make_project(personas.mentor, title="Two sites, one region", sites=sites[:2]),
        make_project(personas.mentor, title="Three sites", sites=sites, modality=mri),
        make_project(personas.mentor, title="Education", research_type="education"),
        make_project(personas.mentor, title="One site", sites=sites[2:]),
    ]
    expected = {p.pk: facets_of(p, p.sites.all()) for p in projects}
    Project.objects.update(facets="")

    facets_migration.backfill(apps, None)

    assert dict(Project.objects.values_list("pk", "facets")) == expected
    assert expected[projects[1].pk].count("reg") == 1
