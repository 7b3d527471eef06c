from __future__ import annotations

from django.contrib import admin

from matching.models import Round, Scheme


class ReadOnly(admin.ModelAdmin):
    """Read here; schemes, rounds and matches change on the site, where the rules are
    checked and the audit trail is written."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnly):
    list_display = ("name", "exclusion", "objective", "max_preferences")


@admin.register(Round)
class RoundAdmin(ReadOnly):
    list_display = ("name", "scheme", "state", "ran_at", "published_at")
    list_filter = ("state",)
