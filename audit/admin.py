from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEvent
from core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is never edited, not even by a superuser."""

    list_display = ("at", "actor_label", "action", "object_type", "object_label", "site_label")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_label", "reason")
