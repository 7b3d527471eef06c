from __future__ import annotations

from dataclasses import asdict
from typing import TypedDict

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
from network.forms import (
    JoinForm,
    MembershipEndForm,
    MembershipGrantForm,
    RequestDecisionForm,
    SiteFilterForm,
    SiteForm,
)
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
) -> dict[str, object]:
    roles = access.grantable_roles(request.user, found)
    may_manage = bool(roles) and access.can(request.user, access.Action.MANAGE_MEMBERSHIPS, found)
    # Everyone who may see the site sees who leads it; the full list waits for a role.
    sees_members = access.can(request.user, access.Action.SEE_MEMBERS, found)
    memberships = list(selectors.site_memberships(found)) if sees_members else []
    return {
        "site": found,
        "leads": access.site_leads(found),
        "sees_members": sees_members,
        "waiting": [
            m for m in access.pending_memberships_of(request.user) if m.site_id == found.pk
        ],
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


class MapPanel(TypedDict):
    key: str
    title: str
    regions: list[selectors.MapRegion]


def _map_panels(found: selectors.ResearchMap) -> list[MapPanel]:
    """The panels that have sites, each with its regions in the order of the table."""
    placed = {country: key for key, _, countries in MAP_PANELS for country in countries}
    panels: list[MapPanel] = []
    for key, title in [*((key, title) for key, title, _ in MAP_PANELS), MAP_OTHER_PANEL]:
        regions = [r for r in found.regions if placed.get(r.country, "other") == key]
        if regions:
            panels.append({"key": key, "title": title, "regions": regions})
    return panels


@login_required
def join(request: AuthedRequest) -> HttpResponse:
    """Ask to join the network at one's hospital (or name one not listed yet)."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.join_request(
                person=request.user,
                site=form.cleaned_data["hospital"],
                hospital_not_listed=form.cleaned_data["hospital_not_listed"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            where = asked.site or "the network"
            messages.success(
                request, f"Asked to join {where}: it is for {access.waiting_for(asked)} to approve."
            )
            return redirect(asked.site or "dashboard")
    context = {
        "form": form,
        "memberships": access.memberships_of(request.user),
        "pending": access.pending_memberships_of(request.user),
    }
    return render_page(request, "network/join.html", context, status=400 if form.errors else 200)


@login_required
def requests(request: AuthedRequest) -> HttpResponse:
    """Requests to join one's sites (a site lead) or for a role (the committee)."""
    access.require(request.user, access.Action.MANAGE_MEMBERSHIPS)
    return render_page(request, "network/requests.html", _requests_context(request))


def _requests_context(
    request: AuthedRequest,
    failed: Membership | None = None,
    form: RequestDecisionForm | None = None,
) -> dict[str, object]:
    waiting = services.requests_decidable_by(request.user)
    return {
        "joins": [m for m in waiting if m.role == "trainee"],
        "roles": [m for m in waiting if m.role != "trainee"],
        "failed": failed.pk if failed else None,
        "failed_form": form,
        "may_add_site": access.can(request.user, access.Action.MANAGE_NETWORK, None),
        "all_sites": Site.objects.only("name") if any(m.site_id is None for m in waiting) else [],
    }


@login_required
@require_POST
def request_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Membership.objects.select_related("person", "site"), pk=pk)
    access.require_request_decision(request.user, found)
    form = RequestDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.request_approve(
                    actor=request.user, membership=found, site=form.cleaned_data["site"]
                )
                messages.success(
                    request, f"{found.person} is now {found.get_role_display().lower()}."
                )
            else:
                services.request_decline(
                    actor=request.user, membership=found, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"Declined; {found.person} is emailed your reason.")
        except ValidationError as error:
            copy_errors(form, error)
        else:
            return redirect("network:requests")
    context = _requests_context(request, failed=found, form=form)
    return render_page(request, "network/requests.html", context, status=400)
