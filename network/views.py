from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from core.forms import copy_errors
from core.htmx import render_page
from core.types import AuthedRequest
from network import access, selectors, services
from network.forms import MembershipEndForm, MembershipGrantForm, SiteFilterForm, SiteForm
from network.models import Membership, Site


@login_required
def sites(request: AuthedRequest) -> HttpResponse:
    """The directory of sites: every signed-in person may see which hospitals take part."""
    form = SiteFilterForm(request.GET or None)
    listed = form.apply(selectors.sites_with_counts())
    context = {
        "form": form,
        "sites": listed,
        "can_manage_network": access.can(request.user, access.Action.MANAGE_NETWORK, None),
    }
    return render_page(request, "network/sites.html", context, fragment="site-list")


@login_required
def site(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Site.objects.select_related("region"), pk=pk)
    access.require(request.user, access.Action.VIEW_DIRECTORY, found)
    return render_page(request, "network/site.html", _site_context(request, found))


def _site_context(
    request: AuthedRequest, found: Site, grant_form: MembershipGrantForm | None = None
) -> dict[str, Any]:
    roles = access.grantable_roles(request.user, found)
    may_manage = bool(roles) and access.can(request.user, access.Action.MANAGE_MEMBERSHIPS, found)
    memberships = list(selectors.site_memberships(found))
    return {
        "site": found,
        "memberships": memberships,
        "endable": {m.pk for m in memberships if access.may_manage_membership(request.user, m)},
        "may_manage": may_manage,
        "may_edit": access.can(request.user, access.Action.MANAGE_NETWORK, None),
        "grant_form": grant_form or (MembershipGrantForm(roles=roles) if may_manage else None),
    }


@login_required
@require_POST
def membership_grant(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Site, pk=pk)
    access.require(request.user, access.Action.MANAGE_MEMBERSHIPS, found)
    form = MembershipGrantForm(request.POST, roles=access.grantable_roles(request.user, found))
    if form.is_valid():
        try:
            services.membership_grant(
                actor=request.user,
                person=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                site=found,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Role granted.")
            return redirect(found)
    context = _site_context(request, found, grant_form=form)
    return render_page(request, "network/site.html", context, status=400)


@login_required
@require_POST
def membership_end(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("site", "person"), pk=pk)
    access.require_membership_end(request.user, membership)
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the role ends; the audit trail keeps the reason.")
    else:
        try:
            services.membership_end(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                f"{membership.person} is no longer {membership.get_role_display().lower()} here.",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(membership.site or "network:sites")


@login_required
def site_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    access.require(request.user, access.Action.MANAGE_NETWORK, None)
    found = get_object_or_404(Site, pk=pk) if pk else None
    initial = {field: getattr(found, field) for field in services.SITE_FIELDS} if found else None
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                saved = services.site_create(actor=request.user, **form.cleaned_data)
            else:
                saved = services.site_update(actor=request.user, site=found, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"{saved} saved.")
            return redirect(saved)
    context = {"form": form, "site": found}
    return render_page(
        request, "network/site_form.html", context, status=400 if form.errors else 200
    )


# The research map's panels: which countries each shows, in page order. Sites of any
# other country share a last panel fitted to them.
MAP_PANELS = (
    ("uk", "UK and Ireland", ("GB", "IE")),
    ("us", "United States", ("US",)),
)
MAP_OTHER_PANEL = ("other", "Elsewhere")


@login_required
def research_map(request: AuthedRequest) -> HttpResponse:
    """Sites on a map with their mentors counted; every signed-in person may see it."""
    found = selectors.research_map()
    directory = reverse("mentors:directory")  # filtered by ?site= and ?region=
    panels = _map_panels(found)
    data = {
        "panels": [
            {"key": p["key"], "title": p["title"], "region_ids": [r.id for r in p["regions"]]}
            for p in panels
        ],
        "sites": [asdict(site) for site in found.sites],
        "regions": [asdict(region) for region in found.regions],
        "directory_url": directory,
        "tile_url": settings.RADCOLLAB_MAP_TILE_URL,
        "outlines": {
            "world": static("vendor/world-atlas/countries-50m.json"),
            "us_states": static("vendor/us-atlas/states-10m.json"),
        },
    }
    context = {
        "map": found,
        "panels": panels,
        "directory_url": directory,
        "board_url": _board_url(),
        "data": data,
    }
    return render_page(request, "network/map.html", context)


def _board_url() -> str | None:
    """The projects board, filtered by ?site= and ?region=, when the projects app is installed."""
    try:
        return reverse("projects:board")
    except NoReverseMatch:
        return None


def _map_panels(found: selectors.ResearchMap) -> list[dict[str, Any]]:
    """The panels that have sites, each with its regions in the order of the table."""
    placed = {country: key for key, _, countries in MAP_PANELS for country in countries}
    panels = []
    for key, title in [*((key, title) for key, title, _ in MAP_PANELS), MAP_OTHER_PANEL]:
        regions = [r for r in found.regions if placed.get(r.country, "other") == key]
        if regions:
            panels.append({"key": key, "title": title, "regions": regions})
    return panels
