from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.extensions import nav_links
from network import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs to draw the navigation for the signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signup_open": settings.RADCOLLAB_SIGNUP_MODE == "open"}
    return {
        "nav_can_audit": access.can(user, access.Action.VIEW_AUDIT),
        "nav_can_manage": access.can(user, access.Action.MANAGE_MEMBERSHIPS),
        "nav_needs_two_factor": access.needs_two_factor(user),
        "nav_app_links": nav_links(),
    }
