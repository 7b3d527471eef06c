from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core.extensions import nav_links_for, required


def initials(name: str) -> str:
    """Up to two letters for the account button.

    "Dr Amara Okafor" -> "AO"; an email's name part, "ada.lovelace@x.org" -> "AL".
    """
    words = [w for w in name.split("@")[0].replace(".", " ").split() if w[:1].isalpha()]
    if len(words) > 1 and words[0].lower() in {"dr", "prof", "mr", "mrs", "ms", "mx", "miss"}:
        words = words[1:]
    letters = "".join(w[0] for w in (words[:1] + words[-1:] if len(words) > 1 else words))
    return letters.upper() or "?"


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the layout needs to draw the navigation for the signed-in person."""
    user = getattr(request, "user", None)
    shared = {"product_name": settings.RADCOLLAB_PRODUCT_NAME}
    if user is None or not user.is_authenticated:
        return {**shared, "signup_open": settings.RADCOLLAB_SIGNUP_MODE == "open"}
    return {
        **shared,
        # What the network's rules show: the audit trail, roles, the two-factor nudge.
        **required("navigation")(user),
        "nav_app_links": nav_links_for(user),
        "nav_initials": initials(user.full_name or user.email),
    }
