"""Exports and imports in the background: they never stick, and their owner can retry them."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from capture import exports, imports, services
from capture.imports import background
from capture.models import DataImport, Entry, Export, Record
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp


@pytest.fixture
def study(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    study, site_a, _ = make_study(personas)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    for person in (personas.trainee, personas.committee):
        enable_totp(person)
    return study


def _queued_import(personas, study, text="record_id,age\nAAA-1,40\n"):
    upload, check = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text=text
    )
    assert check.ok, check.errors
    return imports.import_start(actor=personas.trainee, study=study, pk=upload.pk)


def _stalled(model, pk, minutes):
    model.objects.filter(pk=pk).update(
        state="running", heartbeat_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.mark.django_db
def test_an_import_whose_worker_died_becomes_failed_and_its_owner_retries_it(
    client, personas, study, settings, django_capture_on_commit_callbacks
):
    settings.RADCOLLAB_TASK_STALE_MINUTES = 15
    upload = _queued_import(personas, study)
    _stalled(DataImport, upload.pk, minutes=14)  # the worker was killed mid-import
    client.force_login(personas.trainee)
    page = reverse("capture:import", args=[study.pk])
    assert client.get(page).status_code == 200
    upload.refresh_from_db()
    assert upload.state == DataImport.State.RUNNING  # still within the stated time
    _stalled(DataImport, upload.pk, minutes=16)
    shown = client.get(page).content.decode()
    upload.refresh_from_db()
    assert upload.state == DataImport.State.FAILED
    assert "No progress for over 15 minutes" in upload.error
    assert reverse("capture:import_retry", args=[study.pk, upload.pk]) in shown
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("capture:import_retry", args=[study.pk, upload.pk]))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert (upload.state, upload.attempt, upload.error) == (DataImport.State.DONE, 2, "")
    assert Entry.objects.get().data["age"] == "40"


@pytest.mark.django_db
def test_only_a_failed_import_can_be_retried(client, personas, study):
    upload = _queued_import(personas, study)
    client.force_login(personas.trainee)
    response = client.post(reverse("capture:import_retry", args=[study.pk, upload.pk]))
    assert response.status_code == 409
    assert "Only a failed one" in response.content.decode()


@pytest.mark.django_db
def test_an_attempt_that_was_superseded_writes_nothing(personas, study):
    upload = _queued_import(personas, study)
    DataImport.objects.filter(pk=upload.pk).update(state="failed")
    imports.import_retry(actor=personas.trainee, study=study, pk=upload.pk)
    assert imports.import_run(upload.pk, attempt=1).state == DataImport.State.QUEUED
    assert not Record.objects.exists()
    assert imports.import_run(upload.pk, attempt=2).state == DataImport.State.DONE


@pytest.mark.django_db
def test_an_import_that_breaks_is_failed_with_its_traceback_logged_never_stuck(
    personas, study, monkeypatch, caplog
):
    upload = _queued_import(personas, study)

    def broken(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: capture_record.label")

    monkeypatch.setattr(background, "import_commit", broken)  # as import_run finds it
    with caplog.at_level(logging.ERROR, logger="capture.imports"):
        done = imports.import_run(upload.pk)
    assert done.state == DataImport.State.FAILED
    assert "unexpected error" in done.error
    assert "UNIQUE" not in done.error  # no database message for the person
    assert caplog.records[-1].exc_info is not None
    # The person's message names the reference that the log line with the traceback has.
    logged = caplog.records[-1].__dict__  # the fields the log call passed in `extra`
    assert (logged["import_id"], logged["attempt"]) == (upload.pk, 1)
    assert f"reference {logged['ref']}." in done.error


@pytest.mark.django_db
def test_a_refused_import_says_why_by_row(personas, study):
    upload = _queued_import(personas, study)
    site_a = study.study_sites.get(code="AAA")
    record = services.record_create(actor=personas.committee, study=study, study_site=site_a)
    services.record_lock(actor=personas.committee, record=record)
    done = imports.import_run(upload.pk)
    assert done.state == DataImport.State.FAILED
    assert (
        done.error == "row 2, record AAA-1 is locked and the file would change age ((empty) → 40)"
    )


# --- Exports ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stalled_export_becomes_failed_and_only_its_owner_retries_it(
    client, personas, study, django_capture_on_commit_callbacks
):
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    _stalled(Export, export.pk, minutes=60)
    client.force_login(personas.committee)
    page = client.get(reverse("capture:exports", args=[study.pk])).content.decode()
    export.refresh_from_db()
    assert export.state == Export.State.FAILED
    retry = reverse("capture:export_retry", args=[study.pk, export.pk])
    assert retry in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    export.refresh_from_db()
    assert (export.state, export.attempt) == (Export.State.DONE, 2)


@pytest.mark.django_db
def test_an_export_whose_worker_was_killed_reads_failed_through_the_api_once_stale(
    personas, study, settings, django_capture_on_commit_callbacks
):
    """deploy/two_nodes.py step 6 in small: a worker dies mid-export (no more heartbeats);
    the owner's next poll of the API marks it failed, never leaving it running."""
    from django.test import Client

    from accounts.services import api_token_create

    settings.RADCOLLAB_TASK_STALE_MINUTES = 1
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    secret = api_token_create(user=personas.committee, name="poll").secret
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/studies/{study.pk}/exports/{export.pk}"
    Export.objects.filter(pk=export.pk).update(
        state="running", done=1000, heartbeat_at=timezone.now() - timedelta(seconds=50)
    )
    assert api.get(url).json()["state"] == "running"  # a beat 50 s ago: still alive
    Export.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=70))
    polled = api.get(url).json()
    assert polled["state"] == "failed"
    assert polled["error"].startswith("No progress for over a minute ")
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_retry(actor=personas.committee, study=study, pk=export.pk)
    assert api.get(url).json()["state"] == "done"


@pytest.mark.django_db
def test_an_export_that_breaks_is_failed_and_logged(personas, study, monkeypatch, caplog):
    export = exports.export_request(actor=personas.committee, study=study, format="csv")

    def broken(export, attempt):
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "_write", broken)
    with caplog.at_level(logging.ERROR, logger="capture.exports"):
        done = exports.export_run(export.pk)
    assert done.state == Export.State.FAILED
    assert "unexpected error" in done.error
    assert "No space left" not in done.error
    assert caplog.records[-1].exc_info is not None
    logged = caplog.records[-1].__dict__  # the fields the log call passed in `extra`
    assert logged["export_id"] == export.pk
    assert f"reference {logged['ref']}." in done.error


@pytest.mark.django_db(transaction=True)
def test_entries_saved_while_an_export_reports_progress_stop_neither(personas, study, monkeypatch):
    """The export holds no read open while it writes progress, so neither side is locked.

    On SQLite a connection that keeps a read open and then writes, after another
    connection saved something, is refused at once ("database is locked"); the export
    reads a page at a time instead of through one long cursor.
    """
    site_a = study.study_sites.get(code="AAA")
    records = Record.objects.bulk_create(
        Record(study=study, study_site=site_a, number=n, label=f"AAA-{n}", created_by=None)
        for n in range(1, 2_501)
    )
    Entry.objects.bulk_create(
        Entry(record=r, instrument="baseline", instance=1, data={"age": "40"}) for r in records
    )
    monkeypatch.setattr(exports, "_enqueue", lambda *args: None)  # run below, watched
    export = exports.export_request(actor=personas.committee, study=study, format="csv")
    saved = []

    def someone_saves_an_entry(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "capture_export" in sql and "done" in sql:
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "UPDATE capture_entry SET version = version + 1 WHERE id = %s",
                        [Entry.objects.values_list("pk", flat=True).first()],
                    )
                saved.append(True)
            finally:
                other.close()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(someone_saves_an_entry):
        done = exports.export_run(export.pk)
    assert done.state == Export.State.DONE, done.error
    assert len(saved) >= 2  # at 1,000 and 2,000 records, while rows were still to come
    assert done.done == 2_500


@pytest.mark.django_db
def test_an_import_queued_before_attempts_existed_still_runs(personas, study):
    upload, _ = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text="record_id,age\nAAA-1,40\n"
    )
    DataImport.objects.filter(pk=upload.pk).update(state="running")  # as import_start did
    assert imports.import_run(upload.pk).state == DataImport.State.DONE


@pytest.mark.django_db(transaction=True)
def test_import_progress_is_seen_while_its_transaction_runs(personas, study):
    """On PostgreSQL progress goes through a connection of its own, so others see it."""
    if connection.vendor == "sqlite":
        pytest.skip("on SQLite the import holds the only write lock until it ends")
    from capture import jobs

    upload, _ = imports.import_upload(
        actor=personas.trainee, study=study, name="r.csv", text="record_id,age\nAAA-1,40\n"
    )
    DataImport.objects.filter(pk=upload.pk).update(state="running", heartbeat_at=timezone.now())
    progress = jobs.OutsideProgress(DataImport, upload.pk, 1)
    try:
        with transaction.atomic():
            Record.objects.filter(study=study).update(locked=False)  # the import's own work
            progress.beat(done=7)
            seen = connections.create_connection("default")
            try:
                with seen.cursor() as cursor:
                    cursor.execute("SELECT done FROM capture_dataimport WHERE id = %s", [upload.pk])
                    assert cursor.fetchone()[0] == 7
            finally:
                seen.close()
    finally:
        progress.close()
