"""Closing a study starts its retention period; after it the study's data is deleted
with an audit row (tested by moving the clock, not by waiting)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from capture import retention, services
from capture.models import Record, Study
from capture.tests.factories import make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(two_factor):
    study, site_a, _ = make_study(two_factor)
    for _ in range(3):
        record = services.record_create(actor=two_factor.committee, study=study, study_site=site_a)
        services.entry_save(
            actor=two_factor.committee, record=record, instrument="baseline", values={"age": "50"}
        )
    return study


def test_closing_starts_the_retention_period_with_an_audit_row(two_factor, study, settings):
    settings.RADCOLLAB_STUDY_RETENTION_DAYS = 365
    retention.study_close(actor=two_factor.committee, study=study)
    study.refresh_from_db()
    assert study.status == Study.Status.CLOSED
    assert retention.purge_due(study) == study.closed_at + dt.timedelta(days=365)
    event = AuditEvent.objects.get(action="study.close")
    due = retention.purge_due(study)
    assert due is not None
    assert event.changes["data_deleted_on"][1] == due.date().isoformat()
    assert event.scope == f"study:{study.pk}"
    with pytest.raises(ValidationError, match="Only a live study"):
        retention.study_close(actor=two_factor.committee, study=study)


def test_the_data_goes_only_when_the_period_ends(two_factor, study, settings):
    settings.RADCOLLAB_STUDY_RETENTION_DAYS = 365
    retention.study_close(actor=two_factor.committee, study=study)
    study.refresh_from_db()
    day_before = study.closed_at + dt.timedelta(days=364)
    assert retention.purge_expired_studies(now=day_before) == []
    assert Record.objects.filter(study=study).count() == 3

    purged = retention.purge_expired_studies(now=study.closed_at + dt.timedelta(days=366))
    assert [(p.study.pk, p.records) for p in purged] == [(study.pk, 3)]
    assert not Record.objects.filter(study=study).exists()
    study.refresh_from_db()
    assert study.purged_at is not None
    assert study.title == "CT head audit"  # the study itself stays, for credit and outputs
    event = AuditEvent.objects.get(action="study.purge")
    assert event.changes["records"] == [3, 0]
    assert "365 days" in event.reason
    assert retention.purge_expired_studies(now=study.closed_at + dt.timedelta(days=999)) == []


def test_a_study_may_keep_its_data_for_its_own_period(two_factor, study, settings):
    settings.RADCOLLAB_STUDY_RETENTION_DAYS = 3650
    Study.objects.filter(pk=study.pk).update(retention_days=30)
    study.refresh_from_db()
    retention.study_close(actor=two_factor.committee, study=study)
    study.refresh_from_db()
    assert retention.expired_studies(now=study.closed_at + dt.timedelta(days=31)) == [study]


def test_an_open_study_is_never_purged(study):
    far = timezone.now() + dt.timedelta(days=100_000)
    assert retention.purge_expired_studies(now=far) == []
    assert Record.objects.filter(study=study).count() == 3


def test_the_command_lists_then_purges_what_is_due(two_factor, study):
    retention.study_close(actor=two_factor.committee, study=study)
    long_ago = timezone.now() - dt.timedelta(days=4000)
    Study.objects.filter(pk=study.pk).update(closed_at=long_ago)
    out = io.StringIO()
    call_command("purge_expired_studies", dry_run=True, stdout=out)
    assert "1 studies are past their retention period" in out.getvalue()
    assert Record.objects.filter(study=study).count() == 3
    out = io.StringIO()
    call_command("purge_expired_studies", stdout=out)
    assert "Deleted the data of “CT head audit”: 3 records" in out.getvalue()
    assert not Record.objects.filter(study=study).exists()


def test_the_admin_closes_the_study_from_its_manage_page(client, two_factor, study):
    client.force_login(two_factor.committee)
    page = client.get(reverse("capture:study_admin", args=[study.pk])).content.decode()
    assert "Close the study" in page
    response = client.post(reverse("capture:study_manage", args=[study.pk, "close"]))
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.status == Study.Status.CLOSED
    page = client.get(reverse("capture:study_admin", args=[study.pk])).content.decode()
    assert "Its records will be deleted on" in page
