from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEvent
from network import access


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Audit rows the person may read: all for the network-wide roles, own sites for site leads."""
    access.require(user, access.Action.VIEW_AUDIT)
    # Study data has its own log behind the study's roles (capture.selectors).
    network_rows = AuditEvent.objects.filter(scope="")
    # Rows about nothing site-bound (tokens, sign-ups) need a network-wide role.
    if access.can(user, access.Action.VIEW_AUDIT, None):
        return network_rows
    sites = access.sites_for(user, access.Action.VIEW_AUDIT)
    return network_rows.filter(site_id__in=sites.values("pk"))
