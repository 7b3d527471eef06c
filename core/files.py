"""Files through Django's storage API, whichever backend settings chose.

Every protected download goes through `serve_file` after its view's access check: the
app streams the object, or (RADCOLLAB_DOWNLOADS=redirect, object storage only) answers
with a presigned URL that expires within a minute. An object missing behind its row is
a 404 with a logged error, never a 500. `save_file` turns a storage that cannot be
reached into `StorageUnavailable`, which views show as a plain refusal.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile
    from storages.backends.s3 import S3Storage

logger = logging.getLogger("radcollab.files")

CHUNK = 256 * 1024
UNAVAILABLE = (
    "The file store cannot be reached just now, so nothing was saved. "
    "Please try again in a few minutes."
)


class StorageUnavailable(Exception):
    """The configured file store refused or could not be reached."""

    def __init__(self, message: str = UNAVAILABLE) -> None:
        super().__init__(message)


def storage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a backend raises when it cannot do its job (not a bad file)."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


def is_object_storage(storage: Storage | None = None) -> bool:
    return hasattr(storage or default_storage, "bucket_name")


def save_file(name: str, content: IO[bytes], *, storage: Storage | None = None) -> str:
    """Store `content` under `name` (or a free name beside it) and return the name used."""
    target = storage or default_storage
    try:
        return target.save(name, content)
    except storage_errors() as error:
        logger.error("Could not store %s: %s", name, error)
        raise StorageUnavailable() from error


def delete_file(name: str, *, storage: Storage | None = None) -> None:
    """Remove `name`; a store that cannot be reached is logged, not raised (clean-up)."""
    if not name:
        return
    try:
        (storage or default_storage).delete(name)
    except storage_errors() as error:
        logger.error("Could not delete %s: %s", name, error)


def serve_file(
    name: str | None,
    *,
    filename: str,
    content_type: str | None = None,
    storage: Storage | None = None,
) -> HttpResponseBase:
    """The stored object `name` as an attachment called `filename`, or a 404.

    Call it only after the access check: a presigned URL is a bearer ticket.
    """
    target = storage or default_storage
    kind = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not name:
        raise Http404("This file is no longer in storage.")
    try:
        if is_object_storage(target):
            if settings.RADCOLLAB_DOWNLOADS == "redirect":
                return _presigned(target, name, filename, kind)
            return _stream_object(target, name, filename, kind)
        handle = target.open(name, "rb")
    except storage_errors() as error:
        if _missing(error):
            logger.error("File %s is missing from storage behind its database row.", name)
            raise Http404("This file is no longer in storage.") from None
        logger.error("Could not read %s from storage: %s", name, error)
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=kind)


def _missing(error: BaseException) -> bool:
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


def _key(storage: S3Storage, name: str) -> str:
    # The backend's own key mapping (prefix, cleaning) so keys match what `save` wrote.
    from storages.utils import clean_name

    key: str = storage._normalize_name(clean_name(name))
    return key


def _presigned(storage: S3Storage, name: str, filename: str, kind: str) -> HttpResponse:
    storage.bucket.Object(_key(storage, name)).load()  # a HEAD: no URL for a missing object
    url = storage.url(
        name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename) or "",
            "ResponseContentType": kind,
        },
        expire=settings.RADCOLLAB_DOWNLOAD_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _stream_object(storage: S3Storage, name: str, filename: str, kind: str) -> HttpResponseBase:
    got = storage.bucket.Object(_key(storage, name)).get()  # raises before any byte is sent
    body = got["Body"]

    def chunks() -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    response = StreamingHttpResponse(chunks(), content_type=kind)
    response["Content-Length"] = str(got["ContentLength"])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


def storage_check() -> str:
    """'ok', or why the file store cannot be used (for /healthz and /readyz)."""
    if not is_object_storage():
        root = settings.MEDIA_ROOT
        return "ok" if _writable(root) else "MEDIA_ROOT is not writable by this process"
    bucket: S3Storage = default_storage
    try:
        bucket.bucket.meta.client.head_bucket(Bucket=bucket.bucket_name)
    except storage_errors() as error:
        return f"bucket unusable: {_reason(error)}"
    return "ok"


def _writable(root: str | os.PathLike[str]) -> bool:
    path = os.fspath(root)
    while path and not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return os.access(path, os.W_OK)


def _reason(error: BaseException) -> str:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    if code in {"403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"}:
        return "the credentials were refused (check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)"
    if code in {"404", "NoSuchBucket"}:
        return "no such bucket (check S3_BUCKET)"
    return f"{error.__class__.__name__}: {error}"[:300]


def save_to_field(field_file: FieldFile, name: str, content: File, *, field: str) -> None:
    """`field_file.save(...)` without saving the row; an unreachable store is a form error."""
    from django.core.exceptions import ValidationError

    try:
        field_file.save(name, content, save=False)
    except storage_errors() as error:
        logger.error("Could not store %s: %s", name, error)
        raise ValidationError({field: UNAVAILABLE}) from error
