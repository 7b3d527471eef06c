"""Every upload and import has a size limit (a setting), refused by name before reading."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture.models import DataImport
from capture.tests.test_imports import study  # noqa: F401 - the fixture
from core.uploads import KINDS, MB, size_problem
from training.services import check_upload

pytestmark = pytest.mark.django_db

ONE_MB = dict.fromkeys(KINDS, 1)


def big(name: str, mb: float = 1.2) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"a" * int(mb * MB))


def test_the_message_names_the_file_its_size_and_the_limit(settings):
    settings.RADCOLLAB_UPLOAD_LIMITS_MB = ONE_MB
    assert size_problem(big("r.csv", 0.5), "records") is None
    assert size_problem(big("r.csv"), "records") == (
        "“r.csv” is 1.2 MB; a records file may be at most 1 MB."
    )


def test_the_defaults_are_stated(settings):
    assert settings.RADCOLLAB_UPLOAD_LIMITS_MB == {
        "document": 20,
        "certificate": 10,
        "dictionary": 2,
        "records": 20,
        "bibliography": 10,
    }
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 20 * MB


def test_a_records_import_too_large_is_refused_and_nothing_kept(client, personas, study, settings):  # noqa: F811
    settings.RADCOLLAB_UPLOAD_LIMITS_MB = ONE_MB
    client.force_login(personas.trainee)
    response = client.post(reverse("capture:import", args=[study.pk]), {"file": big("r.csv")})
    assert response.status_code == 400
    assert "a records file may be at most 1 MB" in response.content.decode()
    assert not DataImport.objects.exists()


def test_a_publications_file_too_large_is_refused(client, personas, settings):
    settings.RADCOLLAB_UPLOAD_LIMITS_MB = ONE_MB
    client.force_login(personas.trainee)
    response = client.post(reverse("outputs:import"), {"file": big("refs.bib")})
    assert "a file of publications may be at most 1 MB" in response.content.decode()


def test_a_dictionary_too_large_is_refused(client, two_factor, settings):
    settings.RADCOLLAB_UPLOAD_LIMITS_MB = ONE_MB
    client.force_login(two_factor.committee)
    response = client.post(
        reverse("capture:study_create"), {"title": "T", "dictionary": big("dd.csv")}
    )
    assert "a data dictionary may be at most 1 MB" in response.content.decode()


def test_a_certificate_too_large_is_refused(settings):
    settings.RADCOLLAB_UPLOAD_LIMITS_MB = ONE_MB
    with pytest.raises(ValidationError, match="may be at most 1 MB"):
        check_upload("certificate", big("gcp.pdf"))
