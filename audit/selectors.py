from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from audit.models import AuditEvent
from core.extensions import required

if TYPE_CHECKING:
    from core.types import User


def network_events() -> QuerySet[AuditEvent]:
    """The network's audit rows: never a study's, which has its own log behind the
    study's roles (capture.selectors), and which neither this page nor the admin shows."""
    return AuditEvent.objects.filter(scope="")


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Audit rows the person may read: all for the network-wide roles, own sites for site leads.

    Reading them is a privileged action, so it needs two-factor. The network's rules say
    who reads which (`network.provided.audit_sites`): audit sits below the network app.
    """
    sites = required("audit_sites")(user)
    network_rows = network_events()
    if sites is None:
        return network_rows
    return network_rows.filter(site_id__in=sites.values("pk"))
