"""One archive holds the whole deployment: the database and the uploaded files.

`backup_create` writes a .tar.gz with
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the site runs)
  or `database.dump` (`pg_dump --format=custom` for PostgreSQL);
- `media/…`: every file under MEDIA_ROOT (certificates, documents, exports);
- `manifest.json`: when, which engine, each table's row count and content digest, and
  the SHA-256 of every file in the archive.

`backup_restore` checks every file of the archive against the manifest before it
touches anything, replaces the database (SQLite backup API back, or `pg_restore
--clean`) and MEDIA_ROOT, then counts and digests each table again and reports any
difference. `manage.py backup` and `manage.py restore` are the commands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class TableCensus(TypedDict):
    rows: int
    sha256: str


class Manifest(TypedDict):
    """What `manifest.json` in an archive says: the archive's tables and files."""

    format: int
    created_at: str
    engine: str
    database: str
    tables: dict[str, TableCensus]
    files: dict[str, str]  # path in the archive -> SHA-256


class BackupError(Exception):
    """The archive is unusable or the database tools failed; the message says which."""


@dataclass
class Verification:
    tables: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_census() -> dict[str, TableCensus]:
    """Each table's row count and a digest of its rows in primary-key order."""
    census: dict[str, TableCensus] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608 # nosec B608
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            census[table] = {"rows": count, "sha256": digest.hexdigest()}
    return census


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed; PostgreSQL backups need it.") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _dump_database(folder: Path) -> str:
    if _engine() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            connection.connection.backup(target)
        target.close()
        return "database.sqlite3"
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    out = folder / "database.dump"
    _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(out), name], env)
    return "database.dump"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup_create(*, output: Path) -> Manifest:
    """Write the archive to `output` and return its manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = _dump_database(folder)
        media = _media_root()
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        files = {database: _sha256(folder / database)}
        files |= {f"media/{p.relative_to(media).as_posix()}": _sha256(p) for p in media_files}
        manifest: Manifest = {
            "format": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": _engine(),
            "database": database,
            "tables": table_census(),
            "files": files,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            archive.add(folder / database, arcname=database)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        partial.replace(output)  # a half-written archive never has the final name
    return manifest


def _unpack(archive_path: Path, folder: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive: {error}") from error
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive_path} has no readable {MANIFEST}.") from error
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{archive_path} lacks {name}, which its manifest lists.")
        if _sha256(path) != expected:
            raise BackupError(f"{name} in {archive_path} does not match its checksum.")
    return manifest


def _restore_database(folder: Path, manifest: dict[str, Any]) -> None:
    engine = _engine()
    if manifest.get("engine") != engine:
        raise BackupError(
            f"The archive holds a {manifest.get('engine')} database; this site runs {engine}."
        )
    source = folder / manifest["database"]
    if engine == "sqlite":
        connection.ensure_connection()
        archived = sqlite3.connect(source)
        with archived:
            archived.backup(connection.connection)
        archived.close()
        return
    connection.close()
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    restore = ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*restore, "--dbname", name, str(source)], env)


def _restore_media(folder: Path) -> None:
    media = _media_root()
    if media.exists():
        shutil.rmtree(media)
    archived = folder / "media"
    if archived.exists():
        shutil.copytree(archived, media)
    else:
        media.mkdir(parents=True)


def backup_verify(manifest: dict[str, Any]) -> Verification:
    """Compare the live database and MEDIA_ROOT with what the manifest recorded."""
    result = Verification()
    live = table_census()
    for table, expected in manifest["tables"].items():
        found = live.get(table)
        result.tables += 1
        if found is None:
            result.problems.append(f"table {table} is missing")
        elif found != expected:
            result.problems.append(
                f"table {table}: {found['rows']} rows (expected {expected['rows']})"
                + ("" if found["rows"] != expected["rows"] else ", different content")
            )
    media = _media_root()
    for name, expected in manifest["files"].items():
        if not name.startswith("media/"):
            continue
        result.files += 1
        path = media / name.removeprefix("media/")
        if not path.is_file() or _sha256(path) != expected:
            result.problems.append(f"file {name} is missing or differs")
    return result


def backup_restore(*, archive: Path) -> Verification:
    """Replace the database and MEDIA_ROOT with the archive's, then verify them."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = _unpack(archive, folder)
        _restore_database(folder, manifest)
        _restore_media(folder)
        return backup_verify(manifest)
