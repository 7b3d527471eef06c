"""The test helper that builds the demo network once per process and restores it after."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import UserFactory
from capture.models import Study
from core.testing import demo
from core.testing.demo import demo_network
from projects.models import DocumentVersion

pytestmark = pytest.mark.django_db


def test_a_restored_demo_network_is_the_seeded_one_row_for_row_with_its_files(monkeypatch):
    # A real `seed_demo` here, whichever test of the process called demo_network() first:
    # the restored network is compared with the one the command has just built, not with
    # an earlier restore. (The process's own copy comes back after the test.)
    monkeypatch.setattr(demo, "_snapshots", {})
    demo_network()
    first = connection.creation.serialize_db_to_string()
    assert Study.objects.exists(), "the demo network is there"

    # Whatever a test changes or adds, the next one starts from the same network again.
    Study.objects.update(title="Changed by a test")
    UserFactory.create(email="made-by-a-test@example.org")
    demo_network()
    assert connection.creation.serialize_db_to_string() == first

    stored = DocumentVersion.objects.exclude(file="")
    assert stored.exists(), "the demo project stores its documents"
    for version in stored:
        assert (Path(settings.MEDIA_ROOT) / version.file.name).is_file(), version.file.name
