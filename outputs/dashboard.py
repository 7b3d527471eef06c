from __future__ import annotations

from typing import TYPE_CHECKING

from core.extensions import Panel
from outputs.access import own_outputs
from outputs.models import Output

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel | None:
    """How many outputs the person has, with the ways to add more."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = own_outputs(user)
    context = {
        "count": mine.count(),
        "published": mine.filter(status=Output.Status.PUBLISHED).count(),
    }
    return Panel("outputs/panel.html", context)
