"""Files in S3-compatible object storage, against a real endpoint (moto over HTTP).

Each test gets a fresh bucket (`core.testing.s3.s3_storage`); MEDIA_ROOT is an empty
folder that must stay empty. Downloads are checked in both modes: streamed by the app,
and redirected to a presigned URL issued only after the access check.
"""

from __future__ import annotations

import logging
import urllib.request
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture import services as capture_services
from capture.models import Export
from capture.tests.factories import make_study
from core.files import storage_check
from core.testing.mfa import enable_totp
from projects.models import Document, DocumentVersion
from projects.tests.factories import join, make_project

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _follow_presigned(response) -> bytes:
    """Fetch the presigned URL as a browser would: no cookie, no credentials."""
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert "X-Amz-Signature" in query
    assert int(query["X-Amz-Expires"][0]) <= 60
    with urllib.request.urlopen(location, timeout=10) as answer:  # noqa: S310 - local moto
        assert "attachment" in answer.headers["Content-Disposition"]
        return answer.read()


@pytest.fixture
def project(personas):
    project = make_project(personas.mentor, sites=[personas.site_a])
    join(project, personas.trainee)
    return project


def _upload(client, project, content=b"protocol v1 %PDF", name="protocol.txt"):
    return client.post(
        reverse("projects:documents", args=[project.pk]),
        {
            "folder": "approvals",
            "name": "Protocol",
            "note": "first",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_uploaded_document_lives_encrypted_in_the_bucket_and_streams_to_the_team(
    client, personas, project, s3_storage
):
    client.force_login(personas.trainee)
    assert _upload(client, project).status_code == 302
    version = DocumentVersion.objects.get()
    keys = s3_storage.keys()
    assert keys == [f"radcollab-test/{version.file.name}"]
    head = s3_storage.head(version.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    acl = s3_storage.server.client().get_object_acl(Bucket=s3_storage.name, Key=keys[0])
    assert all(grant["Grantee"].get("URI") is None for grant in acl["Grants"])  # not public
    response = client.get(reverse("projects:download", args=[version.pk]))
    assert response.status_code == 200
    assert _body(response) == b"protocol v1 %PDF"
    assert 'filename="protocol.txt"' in response["Content-Disposition"]
    assert s3_storage.local_files() == []


def test_in_redirect_mode_the_team_gets_a_short_lived_presigned_url(
    client, personas, project, s3_storage, settings
):
    client.force_login(personas.trainee)
    _upload(client, project, content=b"signed bytes")
    settings.RADCOLLAB_DOWNLOADS = "redirect"
    response = client.get(reverse("projects:download", args=[DocumentVersion.objects.get().pk]))
    assert _follow_presigned(response) == b"signed bytes"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("mode", ["stream", "redirect"])
def test_someone_outside_the_team_gets_no_file_and_no_url(
    client, personas, project, s3_storage, settings, mode
):
    client.force_login(personas.trainee)
    _upload(client, project)
    settings.RADCOLLAB_DOWNLOADS = mode
    url = reverse("projects:download", args=[DocumentVersion.objects.get().pk])
    for person in (personas.outsider, personas.site_lead_b):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "Location" not in response
        assert b"X-Amz" not in _body(response)


def test_an_object_missing_behind_its_row_is_a_404_with_a_logged_error(
    client, personas, project, s3_storage, settings, caplog
):
    client.force_login(personas.trainee)
    _upload(client, project)
    version = DocumentVersion.objects.get()
    s3_storage.server.client().delete_object(
        Bucket=s3_storage.name, Key=f"radcollab-test/{version.file.name}"
    )
    url = reverse("projects:download", args=[version.pk])
    for mode in ("stream", "redirect"):
        settings.RADCOLLAB_DOWNLOADS = mode
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="radcollab.files"):
            response = client.get(url)
        assert response.status_code == 404
        assert "missing from storage" in caplog.text


def test_when_the_store_cannot_be_reached_the_upload_is_refused_and_nothing_is_saved(
    client, personas, project, s3_storage, settings
):
    from core.testing.s3 import free_port

    dead = s3_storage.server.options(
        s3_storage.name, endpoint_url=f"http://127.0.0.1:{free_port()}"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": dead},
    }
    client.force_login(personas.trainee)
    response = _upload(client, project)
    assert response.status_code == 400
    assert "file store cannot be reached" in response.content.decode()
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert s3_storage.local_files() == []


@pytest.fixture
def study(personas):
    study, site_a, _ = make_study(personas)
    capture_services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.statistician,
        role="statistician",
        study_site=None,
    )
    enable_totp(personas.statistician)
    capture_services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    enable_totp(personas.trainee)
    record = capture_services.record_create(
        actor=personas.committee, study=study, study_site=site_a
    )
    capture_services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"age": "44", "modality": ["1"], "comment": "fine", "scan_date": "2026-03-04"},
    )
    return study


def test_an_export_written_by_a_task_is_served_from_the_bucket_in_both_modes(
    client, personas, study, s3_storage, settings, django_capture_on_commit_callbacks
):
    client.force_login(personas.statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("capture:exports", args=[study.pk]),
            {"format": "csv", "checkboxes": "wide", "repeats": "long"},
        )
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.state == Export.State.DONE
    assert s3_storage.keys() == [f"radcollab-test/{export.file.name}"]
    assert s3_storage.head(export.file.name)["ServerSideEncryption"] == "AES256"
    url = reverse("capture:export_download", args=[study.pk, export.pk])
    streamed = _body(client.get(url))
    assert b"AAA-1" in streamed
    settings.RADCOLLAB_DOWNLOADS = "redirect"
    assert _follow_presigned(client.get(url)) == streamed
    client.force_login(personas.committee)  # not the person who asked
    refused = client.get(url)
    assert refused.status_code == 404
    assert "Location" not in refused
    assert s3_storage.local_files() == []


def test_deleting_evidence_deletes_its_object(
    personas, s3_storage, django_capture_on_commit_callbacks
):
    from training import services as training
    from training.models import Evidence

    tracker, category = _tracker(personas.trainee)
    upload = SimpleUploadedFile("talk.pdf", b"%PDF-1.4 certificate")
    evidence = training.evidence_add(
        actor=personas.trainee,
        tracker=tracker,
        category=category,
        kind=Evidence.Kind.FILE,
        title="Talk",
        occurred_on=date(2026, 1, 5),
        file=upload,
    )
    assert s3_storage.keys() == [f"radcollab-test/{evidence.file.name}"]
    with django_capture_on_commit_callbacks(execute=True):
        training.evidence_delete(actor=personas.trainee, evidence=evidence)
    assert s3_storage.keys() == []
    assert s3_storage.local_files() == []


def _tracker(person):
    from training import services as training
    from training.models import RequirementSet

    requirement_set = RequirementSet.objects.filter(active=True).first()
    assert requirement_set is not None
    tracker = training.tracker_start(person=person, requirement_set=requirement_set)
    return tracker, requirement_set.categories.first()


def test_readiness_names_refused_credentials(s3_server_strict, settings):
    bucket = f"rc-{uuid.uuid4().hex[:16]}"
    s3_server_strict.client().create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": s3_server_strict.region}
    )
    backend = {"BACKEND": "storages.backends.s3.S3Storage"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**backend, "OPTIONS": s3_server_strict.options(bucket)},
    }
    assert storage_check() == "ok"
    wrong = s3_server_strict.options(bucket, secret_key="not-the-secret")
    settings.STORAGES = {**settings.STORAGES, "default": {**backend, "OPTIONS": wrong}}
    assert "credentials were refused" in storage_check()
    missing = s3_server_strict.options("rc-no-such-bucket")
    settings.STORAGES = {**settings.STORAGES, "default": {**backend, "OPTIONS": missing}}
    assert "no such bucket" in storage_check()


def test_a_node_with_a_refused_key_is_not_ready_and_start_up_checks_say_why(
    client, s3_server_strict, settings
):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    bucket = f"rc-{uuid.uuid4().hex[:16]}"
    s3_server_strict.client().create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": s3_server_strict.region}
    )
    good = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_server_strict.options(bucket),
    }
    settings.STORAGES = {**settings.STORAGES, "default": good}
    assert client.get("/readyz").json()["storage"] == "ok"
    assert client.get("/healthz").status_code == 200
    wrong = {**good, "OPTIONS": s3_server_strict.options(bucket, access_key="AKIAWRONGWRONGWRONG0")}
    settings.STORAGES = {**settings.STORAGES, "default": wrong}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "credentials were refused" in response.json()["storage"]
    assert bucket not in response.content.decode()  # the probe names no bucket
    assert client.get("/healthz").status_code == 503
    with pytest.raises(SystemCheckError, match="File storage is not usable"):
        call_command("check", "--deploy", "--tag", "radcollab_storage")


def test_moving_local_files_into_the_bucket_is_idempotent_and_has_a_dry_run(s3_storage, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    old = tmp_path / "old-media"
    (old / "projects/1/approvals/3").mkdir(parents=True)
    (old / "projects/1/approvals/3/v1.pdf").write_bytes(b"%PDF protocol")
    (old / "exports/2026/03").mkdir(parents=True)
    (old / "exports/2026/03/study-1.csv").write_bytes(b"record_id\nAAA-1\n")
    out = StringIO()
    call_command("move_files_to_storage", "--from", str(old), "--dry-run", stdout=out)
    assert "Would copy 2 files" in out.getvalue()
    assert s3_storage.keys() == []
    out = StringIO()
    call_command("move_files_to_storage", "--from", str(old), stdout=out)
    assert "Copied 2 files (29 bytes); 0 already in storage; 0 failed." in out.getvalue()
    assert s3_storage.keys() == [
        "radcollab-test/exports/2026/03/study-1.csv",
        "radcollab-test/projects/1/approvals/3/v1.pdf",
    ]
    assert s3_storage.head("exports/2026/03/study-1.csv")["ServerSideEncryption"] == "AES256"
    (old / "exports/2026/03/study-1.csv").write_bytes(b"record_id\nAAA-1\nAAA-2\n")
    out = StringIO()
    call_command("move_files_to_storage", "--from", str(old), stdout=out)
    assert "Copied 1 files" in out.getvalue()
    assert "1 already in storage" in out.getvalue()
    from django.core.files.storage import default_storage

    with default_storage.open("exports/2026/03/study-1.csv") as handle:
        assert handle.read() == b"record_id\nAAA-1\nAAA-2\n"
    assert s3_storage.local_files() == []


def test_moving_files_refuses_when_the_storage_is_still_the_local_folder(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError, match="RADCOLLAB_STORAGE=s3"):
        call_command("move_files_to_storage")


@pytest.fixture
def unreachable(s3_storage, settings):
    """The default storage points at a port where nothing listens."""
    from core.testing.s3 import free_port

    dead = s3_storage.server.options(
        s3_storage.name, endpoint_url=f"http://127.0.0.1:{free_port()}"
    )
    backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": dead}
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    return s3_storage


def test_a_certificate_upload_is_refused_when_the_store_is_down(personas, unreachable):
    from django.core.exceptions import ValidationError

    from training import services as training
    from training.models import Credential

    with pytest.raises(ValidationError, match="file store cannot be reached"):
        training.credential_create(
            person=personas.trainee,
            kind="gcp_intro",
            completed_on=date(2025, 5, 1),
            provider="NIHR",
            certificate=SimpleUploadedFile("gcp.pdf", b"%PDF-1.4 gcp"),
        )
    assert not Credential.objects.exists()
    assert unreachable.local_files() == []


def test_a_records_import_is_refused_when_the_store_is_down(client, personas, study, unreachable):
    from capture.models import DataImport

    client.force_login(personas.trainee)
    response = client.post(
        reverse("capture:import", args=[study.pk]),
        {"file": SimpleUploadedFile("r.csv", b"record_id,age\nAAA-9,40\n")},
    )
    assert response.status_code == 400
    assert "file store cannot be reached" in response.content.decode()
    assert not DataImport.objects.exists()


def test_an_evidence_pack_names_a_file_missing_from_the_bucket_instead_of_failing(
    client, personas, s3_storage, caplog
):
    from training import services as training
    from training.models import Evidence

    tracker, category = _tracker(personas.trainee)
    evidence = training.evidence_add(
        actor=personas.trainee,
        tracker=tracker,
        category=category,
        kind=Evidence.Kind.FILE,
        title="Talk",
        occurred_on=date(2026, 1, 5),
        file=SimpleUploadedFile("talk.pdf", b"%PDF-1.4 talk"),
    )
    s3_storage.server.client().delete_object(
        Bucket=s3_storage.name, Key=f"radcollab-test/{evidence.file.name}"
    )
    client.force_login(personas.trainee)
    response = client.get(reverse("training:tracker_pack", args=[tracker.pk]))
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF")
    assert "could not be read" in caplog.text
