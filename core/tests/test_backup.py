"""Backup and restore round trip, on whichever database the suite runs (SQLite or
PostgreSQL): row counts, table digests and file checksums must all come back."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.backup import BackupError, backup_create, backup_restore, table_census

pytestmark = pytest.mark.django_db(transaction=True)


def media_file(relative: str, body: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_a_backup_restores_every_row_and_file_after_changes(tmp_path):
    kept = UserFactory.create(full_name="Kept Person")
    certificate = media_file("certificates/gcp.pdf", b"%PDF-1.4 certificate")
    archive = tmp_path / "backup.tar.gz"
    manifest = backup_create(output=archive)
    assert manifest["tables"]["accounts_user"]["rows"] == 1
    assert set(manifest["files"]) >= {manifest["database"], "media/certificates/gcp.pdf"}

    # What happens after the backup: new rows, a changed row, a lost and a new file.
    UserFactory.create(full_name="Added Later")
    User.objects.filter(pk=kept.pk).update(full_name="Renamed")
    certificate.unlink()
    media_file("documents/new.txt", b"new")
    assert table_census() != manifest["tables"]

    result = backup_restore(archive=archive)
    assert result.ok, result.problems
    assert result.tables == len(manifest["tables"])
    assert result.files == 1
    assert table_census() == manifest["tables"]
    assert list(User.objects.values_list("full_name", flat=True)) == ["Kept Person"]
    assert certificate.read_bytes() == b"%PDF-1.4 certificate"
    assert not (Path(settings.MEDIA_ROOT) / "documents/new.txt").exists()


def test_a_tampered_archive_is_refused_before_anything_changes(tmp_path):
    UserFactory.create()
    archive = tmp_path / "backup.tar.gz"
    backup_create(output=archive)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None, member.name
            data = extracted.read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                database = manifest["database"]
                manifest["files"][database] = "0" * 64
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    UserFactory.create()
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore(archive=tampered)
    assert User.objects.count() == 2


def test_the_commands_report_and_restore_asks_for_confirmation(tmp_path):
    UserFactory.create()
    archive = tmp_path / "b.tar.gz"
    out = io.StringIO()
    call_command("backup", output=archive, stdout=out)
    assert "Backed up" in out.getvalue()
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="No backup archive"):
        call_command("restore", str(tmp_path / "none.tar.gz"), yes=True)
    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "every row count and checksum matches" in out.getvalue()
