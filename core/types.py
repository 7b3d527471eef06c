from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    # The person model is swappable (settings.AUTH_USER_MODEL = "accounts.User"), and the
    # apps below `accounts` reach it as Django means them to, never by importing it: at run
    # time through `get_user_model()` and `ForeignKey(settings.AUTH_USER_MODEL)`, in
    # annotations through `User` here. It is django-stubs' `_User`, which exists only in the
    # stubs and which the django-stubs mypy plugin resolves to the configured model, so
    # mypy checks every use against accounts.models.User itself, field by field.
    from django.contrib.auth.models import _User as User


class AuthedRequest(HttpRequest):
    """The request a `login_required` view or an authenticated API handler receives."""

    user: User


# JSON as `json.loads` returns it and `json.dumps` accepts it: a value read from a JSON
# field or a request body is one of these, and code narrows it (isinstance) before use.
# The pure cores (formats, stats.core, capture.logic, matching.core) import nothing from
# here and spell their own where they need it.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = dict[str, JSONValue]
