from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.exceptions import TwoFactorRequired
from core.extensions import provided, required
from core.ratelimit import RateLimited


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
KEPT_HEADERS = (
    "Allow",
    "WWW-Authenticate",
    "Retry-After",
    "Vary",
    # The security headers the middleware below this one set on the original answer.
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
)
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
            return JsonResponse(
                {"error": _with_reference(request, ERROR_DETAILS[500])},
                status=response.status_code,
            )
        return _as_json(request, response)


def _with_reference(request: HttpRequest, detail: str) -> str:
    """A 500's detail with the error reference its log line carries (core.views)."""
    reference = getattr(request, "error_reference", "")
    return f"{detail} Reference {reference}." if reference else detail


def _as_json(request: HttpRequest, response: HttpResponse) -> JsonResponse:
    status = response.status_code
    if status == 405:
        allowed = response.get("Allow") or "other methods"
        detail = f"This route does not accept {request.method}; it accepts {allowed}."
    else:
        detail = ERROR_DETAILS.get(status) or _phrase(status)
    body = {"detail": detail}
    reference = getattr(request, "error_reference", "")
    if status == 500 and reference:
        body = {"detail": _with_reference(request, detail), "reference": reference}
    replaced = JsonResponse(body, status=status)
    for header in KEPT_HEADERS:
        if header in response:
            replaced[header] = response[header]
    return replaced


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "The request failed."


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY): features no page uses are
    refused to every script, ours or injected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


# The session keys of the idle timeout: when the person was last seen, and whether
# their roles see study data (asked again every few minutes, as roles change).
LAST_SEEN_KEY = "_radcollab_last_seen"
SEES_DATA_KEY = "_radcollab_sees_study_data"
# Writing the session on every request would turn each read into a write.
LAST_SEEN_PRECISION = 30
ROLE_RECHECK_SECONDS = 300


def sees_study_data(user: object) -> bool:
    """Site leads, statisticians, the committee (the network's rules) and anyone with a
    role in a study (capture's)."""
    if required("sees_study_data")(user):
        return True
    study_roles = provided("study_roles_of")
    return bool(study_roles is not None and study_roles(user))


class IdleSessionTimeoutMiddleware:
    """Sign out a person who sees study data after RADCOLLAB_IDLE_TIMEOUT_MINUTES idle.

    An unattended browser on a ward computer must not stay open on study data. Others
    keep Django's ordinary session lifetime.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.RADCOLLAB_IDLE_TIMEOUT_MINUTES * 60
        user = getattr(request, "user", None)
        if not limit or user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        last_seen = session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > limit and self._applies(request, now):
            return self._sign_out(request)
        if last_seen is None or now - last_seen > LAST_SEEN_PRECISION:
            session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _applies(request: HttpRequest, now: float) -> bool:
        cached = request.session.get(SEES_DATA_KEY)
        if cached is None or now - cached[1] > ROLE_RECHECK_SECONDS:
            cached = (sees_study_data(request.user), now)
            request.session[SEES_DATA_KEY] = cached
        return bool(cached[0])

    @staticmethod
    def _sign_out(request: HttpRequest) -> HttpResponse:
        minutes = settings.RADCOLLAB_IDLE_TIMEOUT_MINUTES
        logout(request)
        note = (
            f"You were signed out after {minutes} minutes without activity, "
            "as for everyone who sees study data. Sign in again to go on."
        )
        if request.path_info.startswith(API_PATH):
            response: HttpResponse = JsonResponse({"detail": note}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="RadCollab API"'
            return response
        messages.info(request, note)
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            # htmx would swap the sign-in page into a fragment; send the whole page there.
            response = HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response


class RateLimitMiddleware:
    """Answer a `core.ratelimit.RateLimited` with 429, `Retry-After` and what to wait for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        return too_many_requests(request, str(exception), exception.retry_after)


def too_many_requests(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    if request.path_info.startswith(API_PATH):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"reason": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
