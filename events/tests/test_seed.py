"""The sourced conferences load as stated, keep their source tags, and estimates are labelled."""

from __future__ import annotations

import datetime as dt

import pytest

from events.estimates import estimates_refresh
from events.models import Conference, Deadline, Edition
from events.seed import conferences_load
from events.times import stated

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def test_rsna_2026_is_loaded_as_its_source_states_it():
    conferences_load(now=NOW)
    deadline = Deadline.objects.get(edition__conference__slug="rsna", edition__year=2026)
    assert deadline.due_at == dt.datetime(2026, 5, 6, 17, 0, tzinfo=dt.UTC)  # noon CDT
    assert deadline.time_zone == "America/Chicago"
    assert deadline.source == "[RSNA-1]"
    assert not deadline.is_estimate
    assert stated(deadline.due_at, deadline.time_zone).startswith("6 May 2026, 12:00 CDT")
    edition = deadline.edition
    assert (edition.starts_on, edition.ends_on) == (dt.date(2026, 11, 29), dt.date(2026, 12, 3))
    assert edition.source_of("starts_on") == "[RSNA-1]"


def test_empty_cells_stay_unknown():
    conferences_load(now=NOW)
    ecr_2025 = Edition.objects.get(conference__slug="ecr", year=2025)
    assert ecr_2025.starts_on is None
    assert ecr_2025.ends_on is None
    assert not Deadline.objects.filter(edition=ecr_2025).exists()
    assert not Edition.objects.filter(conference__slug="arrs").exists()


def test_a_deadline_without_a_stated_time_is_end_of_day_anywhere_on_earth():
    conferences_load(now=NOW)
    ecr = Deadline.objects.get(edition__conference__slug="ecr", edition__year=2023)
    assert ecr.time_zone == "Etc/GMT+12"
    assert not ecr.time_stated
    assert ecr.due_at == dt.datetime(2022, 10, 26, 11, 59, tzinfo=dt.UTC)


def test_the_next_rsna_deadline_is_an_estimate_with_its_basis():
    conferences_load(now=NOW)
    estimate = Deadline.objects.get(edition__conference__slug="rsna", is_estimate=True)
    assert estimate.edition.year == 2027
    assert estimate.edition.is_estimate
    assert estimate.due_at == dt.datetime(2027, 5, 6, 17, 0, tzinfo=dt.UTC)
    assert "6 May 2026" in estimate.basis
    # Dates moved on by whole weeks keep the weekday: Sunday 29 Nov 2026 -> Sunday 28 Nov 2027.
    assert estimate.edition.starts_on == dt.date(2027, 11, 28)


def test_ecr_is_estimated_on_the_earliest_day_seen():
    conferences_load(now=NOW)
    estimate = Deadline.objects.get(edition__conference__slug="ecr", is_estimate=True)
    assert estimate.due_at.astimezone(estimate.zone).date() == dt.date(2027, 10, 17)


def test_loading_twice_adds_nothing():
    conferences_load(now=NOW)
    counts = (Conference.objects.count(), Edition.objects.count(), Deadline.objects.count())
    conferences_load(now=NOW)
    assert estimates_refresh(now=NOW) == []
    assert counts == (Conference.objects.count(), Edition.objects.count(), Deadline.objects.count())
    assert counts[0] >= 13
