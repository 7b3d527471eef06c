from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEvent
from network import access


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Audit rows the person may read: all for the network-wide roles, own sites for site leads."""
    access.require(user, access.Action.VIEW_AUDIT)
    # Rows about nothing site-bound (tokens, sign-ups) need a network-wide role.
    if access.can(user, access.Action.VIEW_AUDIT, None):
        return AuditEvent.objects.all()
    sites = access.sites_for(user, access.Action.VIEW_AUDIT)
    return AuditEvent.objects.filter(site_id__in=sites.values("pk"))
