from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from network.access import TwoFactorRequired


class TwoFactorRequiredMiddleware:
    """Send a person whose role needs two-factor to set it up, then back where they were."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TwoFactorRequired):
            return None
        messages.warning(request, str(exception))
        response = redirect("mfa_activate_totp")
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response


class PersonTimeZoneMiddleware:
    """Show times in the signed-in person's own zone; everything is stored in UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "time_zone", "") if hasattr(request, "user") else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone)) if zone else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


# Everything under this path answers JSON, also where no API route matched.
API_PATH = "/api/"
# Except REDCap's API, which answers errors in REDCap's shape (JSON, CSV or XML).
REDCAP_API_PATH = "/api/redcap/"
# Headers an error keeps when its body is replaced: they tell a client what to do next.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Vary")
ERROR_DETAILS = {
    400: "The request could not be read.",
    401: "Sign in or send an API token.",
    403: "You may not do this.",
    404: "There is no API route at this address; /api/v1/docs lists them.",
    413: "The request body is too large.",
    500: "Something went wrong on our side; it has been logged. Please try again later.",
    503: "The service is briefly unavailable; try again in a few seconds (see Retry-After).",
}


class ApiErrorsAsJsonMiddleware:
    """Every API error is JSON, `{"detail": ...}`, whoever answered it.

    The API's own handlers answer JSON, but some errors are made before or around
    them: Django's 404 for an address no route matches and its 500 page for an
    unexpected exception (HTML in production, a debug page with DEBUG on), and
    ninja's plain-text 405. A script parsing the answer must never get a web page.
    Sits first in MIDDLEWARE so that it sees every response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PATH)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if request.path_info.startswith(REDCAP_API_PATH):
            # REDCap's API answers its own errors in REDCap's shape; only a fault on our
            # side (500) reaches here as a web page, and becomes REDCap's shape too.
            if response.status_code < 500:
                return response
            return JsonResponse({"error": ERROR_DETAILS[500]}, status=response.status_code)
        return _as_json(request, response)


def _as_json(request: HttpRequest, response: HttpResponse) -> JsonResponse:
    status = response.status_code
    if status == 405:
        allowed = response.get("Allow") or "other methods"
        detail = f"This route does not accept {request.method}; it accepts {allowed}."
    else:
        detail = ERROR_DETAILS.get(status) or _phrase(status)
    replaced = JsonResponse({"detail": detail}, status=status)
    for header in KEPT_HEADERS:
        if header in response:
            replaced[header] = response[header]
    return replaced


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "The request failed."
