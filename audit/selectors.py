from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from audit.models import AuditEvent
from network import access

if TYPE_CHECKING:
    from accounts.models import User


def network_events() -> QuerySet[AuditEvent]:
    """The network's audit rows: never a study's, which has its own log behind the
    study's roles (capture.selectors), and which neither this page nor the admin shows."""
    return AuditEvent.objects.filter(scope="")


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Audit rows the person may read: all for the network-wide roles, own sites for site leads.

    Reading them is a privileged action, so it needs two-factor (network.access).
    """
    access.require(user, access.Action.VIEW_AUDIT)
    network_rows = network_events()
    # Rows about nothing site-bound (tokens, sign-ups) need a network-wide role.
    if access.can(user, access.Action.VIEW_AUDIT, None):
        return network_rows
    sites = access.sites_for(user, access.Action.VIEW_AUDIT)
    return network_rows.filter(site_id__in=sites.values("pk"))
