"""How django-allauth fits RadCollab: signup mode, invitations, and email through tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from accounts.models import Invitation
from core.email import email_site
from core.tasks import deliver_email

if TYPE_CHECKING:
    from accounts.models import User

INVITATION_SESSION_KEY = "radcollab_invitation"
# The links allauth puts in its emails, built from the request's host: each is sent with
# SITE_URL's scheme and host instead, the address the email itself names.
LINKS = ("activate_url", "password_reset_url", "signup_url")


def on_site(url: str) -> str:
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def invitation_in_session(request: HttpRequest) -> Invitation | None:
    from accounts.services import invitation_find

    token = request.session.get(INVITATION_SESSION_KEY)
    return invitation_find(token) if token else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        if settings.RADCOLLAB_SIGNUP_MODE == "open":
            return True
        return invitation_in_session(request) is not None

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the message here, then let the task worker deliver it."""
        request = allauth_context.request
        # allauth's templates name `current_site`; without the Sites framework Django
        # would make it from the request's host ("Hello from 127.0.0.1"). The product's
        # name and SITE_URL say who writes, whatever host the request came through.
        context = {"request": request, "email": email, **context, "current_site": email_site()}
        for key in LINKS:
            if isinstance(context.get(key), str):
                context[key] = on_site(context[key])
        message = self.render_mail(template_prefix, email, context)
        html_body = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = str(content)
        deliver_email.enqueue(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html_body=html_body,
        )

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        user = super().save_user(request, user, form, commit=commit)
        if not commit:
            return user
        from accounts.services import invitation_accept, newcomer_settle

        invitation = invitation_in_session(request)
        if invitation is not None and invitation.email != user.email.lower():
            invitation = None
        if invitation is not None:
            invitation_accept(invitation=invitation, user=user)
            del request.session[INVITATION_SESSION_KEY]
        data = form.cleaned_data
        newcomer_settle(
            user=user,
            site=data.get("hospital"),
            hospital_not_listed=data.get("hospital_not_listed", ""),
            scheme=data.get("scheme"),
            grade=data.get("grade", ""),
            invitation=invitation,
        )
        return user
