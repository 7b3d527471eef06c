from __future__ import annotations

from django.contrib import admin

from events.models import Conference, Deadline, Edition, Event


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin[Conference]):
    list_display = ("society", "name", "slug")
    search_fields = ("society", "name")


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin[Edition]):
    list_display = ("conference", "year", "starts_on", "is_estimate")
    list_filter = ("is_estimate",)
    readonly_fields = ("version",)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin[Deadline]):
    """Read-only here: deadlines change through the calendar's form, which checks zones."""

    list_display = ("edition", "kind", "due_at", "time_zone", "is_estimate")
    list_filter = ("kind", "is_estimate")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "kind", "starts_at", "site")
