from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedRequest(HttpRequest):
    """The request a `login_required` view or an authenticated API handler receives."""

    user: User


# JSON as `json.loads` returns it and `json.dumps` accepts it: a value read from a JSON
# field or a request body is one of these, and code narrows it (isinstance) before use.
# The pure cores (formats, stats.core, capture.logic, matching.core) import nothing from
# here and spell their own where they need it.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = dict[str, JSONValue]
