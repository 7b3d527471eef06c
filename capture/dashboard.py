"""The dashboard's studies panel: my studies, with open queries at the sites I can see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from capture import access
from capture.access import Can
from capture.models import DataQuery
from core.extensions import Panel
from network.access import TwoFactorRequired

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel | None:
    studies = list(access.studies_visible_to(user))
    if not studies:
        return None
    rows = []
    for study in studies:
        open_queries: int | None = None
        if access.can(user, study, Can.SEE_RECORDS):
            try:
                open_queries = (
                    access.queries_for(user, study).filter(state=DataQuery.State.OPEN).count()
                )
            except TwoFactorRequired:
                open_queries = None
        rows.append({"study": study, "open_queries": open_queries})
    return Panel("capture/dashboard_panel.html", {"rows": rows})
