"""`manage.py check --deploy` refuses a node whose file storage cannot be used.

The deploy script and the container run it before starting gunicorn or a worker, so a
node with wrong storage credentials stops at start-up with the reason, rather than
failing its first upload.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register


@register("radcollab_storage", deploy=True)
def storage_is_usable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[CheckMessage]:
    from core.files import storage_check

    state = storage_check()
    if state == "ok":
        return []
    return [
        Error(
            f"File storage is not usable: {state}.",
            hint="Check RADCOLLAB_STORAGE and the S3_* variables (docs/deployment.md).",
            id="radcollab.E001",
        )
    ]
