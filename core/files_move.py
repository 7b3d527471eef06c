"""Copy a single machine's files (MEDIA_ROOT) into the configured storage, idempotently.

Every file keeps its name, so the rows that point at it (documents, certificates,
evidence, imports, exports) need no change. A file already in the target with the same
size is skipped; one with another size is replaced; each copy is checked by its size.
Nothing local is deleted: the operator removes MEDIA_ROOT after checking the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from core.files import storage_errors


@dataclass
class MoveReport:
    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes_copied: int = 0


def local_files(root: Path) -> Iterator[tuple[str, int]]:
    """(storage name, size) of every file under `root`, in a stable order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for filename in sorted(files):
            path = Path(folder) / filename
            yield path.relative_to(root).as_posix(), path.stat().st_size


def same_place(root: Path, target: Storage) -> bool:
    location = getattr(target, "location", None)
    if getattr(target, "bucket_name", None) or location is None:
        return False
    return Path(location).resolve() == root.resolve()


def files_move(
    *,
    root: Path,
    target: Storage | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> MoveReport:
    """Copy each file under `root` to `target` (the default storage) unless already there."""
    target = target or default_storage
    report = MoveReport()
    errors: tuple[type[BaseException], ...] = (*storage_errors(), ValueError)
    for name, size in local_files(root):
        try:
            present = target.exists(name) and target.size(name) == size
            if present:
                report.skipped.append(name)
            elif not dry_run:
                _copy(root / name, name, size, target)
                report.copied.append(name)
                report.bytes_copied += size
            else:
                report.copied.append(name)
                report.bytes_copied += size
        except errors as error:
            report.failed.append((name, f"{error.__class__.__name__}: {error}"[:300]))
        if progress:
            progress(name, size)
    return report


def _copy(path: Path, name: str, size: int, target: Storage) -> None:
    if target.exists(name):
        target.delete(name)  # a partial or stale copy from an earlier run
    with path.open("rb") as handle:
        stored = target.save(name, File(handle, name=name))
    if stored != name:
        target.delete(stored)
        raise ValueError(f"the storage renamed {name} to {stored}")
    if target.size(name) != size:
        raise ValueError(f"{name} arrived with {target.size(name)} bytes, not {size}")
