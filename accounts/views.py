from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import data_rights, services
from accounts.adapters import INVITATION_SESSION_KEY
from accounts.forms import AccountDeleteForm, ApiTokenForm, InvitationForm, ProfileForm
from accounts.models import ApiToken, Invitation
from core import ratelimit
from core.conflicts import form_save, page_status
from core.forms import copy_errors
from core.types import AuthedRequest
from network import access
from network import services as network_services
from network.forms import RoleRequestForm
from network.models import Membership, Role


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in"],
            )
        except ValidationError as error:
            copy_errors(form, error)
        else:
            form = ApiTokenForm()
    listed = ApiToken.objects.filter(user=request.user)
    status = 400 if form.errors else 200
    context = {"form": form, "tokens": listed, "issued": issued}
    return render(request, "accounts/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked: scripts using it now get 401.")
    return redirect("accounts:tokens")


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "time_zone": user.time_zone, "version": user.version}
    form = ProfileForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        outcome = form_save(form, lambda: services.profile_update(user=user, **form.cleaned_data))
        if outcome.saved:
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
        conflict = outcome.conflict
    context = {"form": form, "conflict": conflict}
    return render(request, "accounts/profile.html", context, status=page_status(form, conflict))


@login_required
def invitations(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, access.Action.MANAGE_MEMBERSHIPS)
    sites = access.sites_for(request.user, access.Action.MANAGE_MEMBERSHIPS)
    roles = {role for site in sites for role in access.grantable_roles(request.user, site)}
    roles |= set(access.grantable_roles(request.user, None))
    choices = [(role.value, role.label) for role in Role if role in roles]
    form = InvitationForm(request.POST or None, roles=choices, sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:invitations")
    sent = Invitation.objects.filter(invited_by=request.user).select_related("site", "accepted_by")
    context = {"form": form, "invitations": sent}
    return render(request, "accounts/invitations.html", context, status=400 if form.errors else 200)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: remember it, then go to sign-up."""
    found = services.invitation_find(token)
    if found is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in; sign out to accept for another account.")
        return redirect("dashboard")
    request.session[INVITATION_SESSION_KEY] = token
    # The link reached the invited mailbox, so that address needs no second verification.
    get_adapter(request).stash_verified_email(request, found.email)
    return redirect("account_signup")


@login_required
def roles(request: AuthedRequest) -> HttpResponse:
    """My roles and requests, and a request for another role (the committee decides)."""
    initial: dict[str, object] = {"role": request.GET.get("role", "")}
    home = next((m.site for m in access.memberships_of(request.user) if m.site), None)
    if home is None:
        home = next((m.site for m in access.pending_memberships_of(request.user) if m.site), None)
    initial["site"] = home
    form = RoleRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            network_services.role_request(person=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Request sent: the committee decides and emails you.")
            return redirect("accounts:roles")
    mine = Membership.objects.filter(person=request.user).select_related("site", "scheme")
    context = {
        "form": form,
        "memberships": mine.order_by("-created_at"),
        "help": access.help_for(request.user) if not access.memberships_of(request.user) else None,
    }
    return render(request, "accounts/roles.html", context, status=400 if form.errors else 200)


@login_required
def my_data(request: AuthedRequest) -> HttpResponse:
    """What RadCollab holds about me: a page that explains, and the download (POST)."""
    if request.method == "POST":
        ratelimit.hit("export", ratelimit.client_key(request))
        body = data_rights.person_archive(request.user)
        response = HttpResponse(body, content_type="application/zip")
        stamp = timezone.now().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="radcollab-my-data-{stamp}.zip"'
        return response
    kinds = sorted(data_rights.person_data(request.user))
    return render(request, "accounts/my_data.html", {"kinds": kinds})


@login_required
def account_delete(request: AuthedRequest) -> HttpResponse:
    """Delete my account after my password; what stays, and why, is said first."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_rights.account_delete(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            copy_errors(form, error)
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for taking part.")
            return redirect("home")
    context = {"form": form, "pseudonym": data_rights.pseudonym(request.user.pk)}
    status = 400 if form.errors else 200
    return render(request, "accounts/delete.html", context, status=status)
