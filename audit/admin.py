from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.selectors import network_events
from core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is never edited, not even by a superuser.

    Only the network's rows: a study's rows (with their entry values) are read through
    the study's own trail and roles, never here.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return network_events()

    list_display = ("at", "actor_label", "action", "object_type", "object_label", "site_label")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_label", "reason")
