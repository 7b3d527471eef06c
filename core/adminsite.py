"""Django's admin, reached only through the site's own sign-in and with two-factor.

The stock admin has a password form of its own: it skips allauth's login lockout and
its two-factor step. Here the admin's login page only sends people on: to the site's
sign-in (then back), to two-factor set-up (staff without it), or refuses (not staff).
Who may use the admin is `network.access.require_admin`, asked through
`core.extensions.required` (core never imports the network app).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from core.extensions import required


class AdminSite(admin.AdminSite):
    site_header = "RadCollab administration"
    site_title = "RadCollab administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(required("may_use_admin")(request.user))

    @method_decorator(never_cache)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """No password form here: a POST of one signs nobody in."""
        target = self._target(request)
        if not request.user.is_authenticated:
            return redirect_to_login(target, reverse("account_login"))
        required("require_admin")(request.user)  # 403, or the two-factor set-up and back
        return HttpResponseRedirect(target)

    def _target(self, request: HttpRequest) -> str:
        """Where to go after signing in: the admin page asked for, never another host."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if not safe or target.startswith(reverse("admin:login", current_app=self.name)):
            return reverse("admin:index", current_app=self.name)
        return target
