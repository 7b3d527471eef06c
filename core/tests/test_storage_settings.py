"""The storage block of radcollab/settings.py, read from the environment as a node would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, radcollab.settings as s; "
    "print(json.dumps([s.STORAGES['default'], s.RADCOLLAB_DOWNLOADS, "
    "s.RADCOLLAB_DOWNLOAD_URL_SECONDS], default=str))"
)
S3 = {
    "RADCOLLAB_STORAGE": "s3",
    "S3_BUCKET": "radcollab-files",
    "S3_ENDPOINT_URL": "https://s3.example.org",
    "S3_REGION": "eu-west-2",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "secret",
    "S3_KEY_PREFIX": "/radcollab/prod/",
}


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "RADCOLLAB_D"))}
    clean.pop("RADCOLLAB_STORAGE", None)
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_local_disk_is_the_default():
    done = _settings()
    storage, mode, seconds = json.loads(done.stdout)
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert (mode, seconds) == ("stream", 60)


def test_s3_objects_are_private_encrypted_and_under_the_prefix():
    done = _settings(**S3, RADCOLLAB_DOWNLOADS="redirect", RADCOLLAB_DOWNLOAD_URL_SECONDS="30")
    storage, mode, seconds = json.loads(done.stdout)
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "radcollab-files"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-west-2"
    assert options["location"] == "radcollab/prod"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 30
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}
    assert options["file_overwrite"] is False
    assert (mode, seconds) == ("redirect", 30)


def test_kms_encryption_names_its_key():
    done = _settings(**S3, S3_ENCRYPTION="aws:kms", S3_KMS_KEY_ID="alias/radcollab")
    options = json.loads(done.stdout)[0]["OPTIONS"]
    assert options["object_parameters"] == {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": "alias/radcollab",
    }


def test_s3_without_a_bucket_or_with_a_bad_value_refuses_to_start_and_says_which():
    missing = _settings(RADCOLLAB_STORAGE="s3")
    assert missing.returncode != 0
    assert "RADCOLLAB_STORAGE=s3 needs S3_BUCKET" in missing.stderr
    wrong = _settings(**S3, S3_ENCRYPTION="rot13")
    assert "S3_ENCRYPTION must be one of aes256, aws:kms" in wrong.stderr
    typo = _settings(RADCOLLAB_STORAGE="azure")
    assert "RADCOLLAB_STORAGE must be one of local, s3" in typo.stderr
