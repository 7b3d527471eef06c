from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.db.utils import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import health
from core.extensions import pending_links, required
from core.logging_tools import new_reference
from core.types import AuthedRequest

if TYPE_CHECKING:
    from core.types import User


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")


def dashboard_for(user: User) -> object:
    """What the dashboard shows: the network app builds it (network/dashboard.py's
    `Dashboard`); core only hands it to its template, so it needs no more of its type."""
    build: Callable[[User], object] = required("dashboard")
    return build(user)


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"dash": dashboard_for(request.user)})


@login_required
def confirm_links(request: AuthedRequest) -> HttpResponse:
    """Where someone else named this person on a record: each link counts only once they
    confirm it. The buttons post to the record's own app, which decides."""
    return render(request, "core/confirm_links.html", {"links": pending_links(request.user)})


# The database did not answer (restarting, failing over, or SQLite's writer busy past its
# timeout): the request can simply be tried again in a moment. Django checks a persistent
# connection before each request (CONN_HEALTH_CHECKS), so the next one reconnects.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """Every unexpected error: 503 "briefly unavailable" when the database did not answer,
    else the 500 page with an error reference. Drawn without the database, which may be
    what failed.

    The reference is kept on the request: Django logs the failure with its traceback
    right after this answer is made, and `core.logging_tools.RequestReference` writes
    the same reference on that line. The page never shows the error's own text.
    """
    failure = sys.exc_info()[1]
    if isinstance(failure, UNAVAILABLE):
        page = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    reference = new_reference()
    request.error_reference = reference  # type: ignore[attr-defined]
    page = loader.render_to_string(defaults.ERROR_500_TEMPLATE_NAME, {"reference": reference})
    return HttpResponseServerError(page)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every 403 page: why, in words, and the one thing that helps (the network's rules
    say which: `network.provided.refusal`)."""
    context = required("refusal")(request.user, exception)
    return render(request, "403.html", context, status=403)


def too_many_sign_ins(request: HttpRequest) -> HttpResponse:
    """allauth's answer when sign-in, sign-up or a reset is tried too often (429)."""
    from django.conf import settings

    from core.middleware import too_many_requests

    wait = settings.LOGIN_LOCKOUT_SECONDS
    message = (
        "Too many sign-in attempts from here or for this email address. "
        f"Wait {wait // 60} minutes, then try again, or reset your password."
    )
    return too_many_requests(request, message, wait)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether this node's database, Redis (when configured) and file storage answer."""
    return _report(health.health())


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this node may take traffic: healthz's checks and a migrated schema.

    A node started with storage credentials the bucket refuses stays unready, and the
    body says which check failed and why.
    """
    return _report(health.readiness())


def _report(found: dict[str, str]) -> JsonResponse:
    ok = all(state == "ok" for state in found.values())
    return JsonResponse({"status": "ok" if ok else "error", **found}, status=200 if ok else 503)


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static one."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
