"""The largest file each kind of upload or import accepts (settings.RADCOLLAB_UPLOAD_LIMITS_MB).

Every form that takes a file asks `size_problem` before reading it, so a file too large
is refused with its name, its size and the limit, and nothing of it is kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

MB = 1024 * 1024

# The kinds, as a person reads them in the message.
KINDS = {
    "document": "A project document",
    "certificate": "A certificate or evidence file",
    "dictionary": "A data dictionary",
    "records": "A records file",
    "bibliography": "A file of publications",
}


def limit_mb(kind: str) -> int:
    return int(settings.RADCOLLAB_UPLOAD_LIMITS_MB[kind])


def size_problem(upload: Any, kind: str) -> str | None:
    """What is wrong with the upload's size, in words, or None when it fits."""
    size = getattr(upload, "size", None)
    limit = limit_mb(kind)
    if size is None or size <= limit * MB:
        return None
    name = getattr(upload, "name", None) or "the file"
    return f"“{name}” is {size / MB:.1f} MB; {KINDS[kind].lower()} may be at most {limit} MB."
