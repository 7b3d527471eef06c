"""Admin: administrators define requirement sets and checklist templates here.

Personal records are read only in the admin: they change through the audited
services, and a signed checklist item cannot change at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from training.models import (
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Credential,
    RefreshInterval,
    RequirementCategory,
    RequirementSet,
    Tracker,
)


class RequirementCategoryInline(admin.TabularInline):
    model = RequirementCategory
    extra = 1
    fields = ("position", "name", "required_count", "description")


@admin.register(RequirementSet)
class RequirementSetAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    inlines = [RequirementCategoryInline]


class ChecklistTemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1
    fields = ("position", "text")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "minimum_months", "active")
    inlines = [ChecklistTemplateItemInline]


@admin.register(RefreshInterval)
class RefreshIntervalAdmin(ReadOnlyAdmin):
    """Changed on the Training → Refresher intervals page, which audits each change."""

    list_display = ("credential_type", "years", "updated_at")


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "completed_on", "provider")
    list_filter = ("kind",)
    search_fields = ("person__email", "person__full_name", "provider")


@admin.register(Tracker)
class TrackerAdmin(ReadOnlyAdmin):
    list_display = ("person", "requirement_set", "started_on")


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("position", "text", "signed_by", "signed_on", "evidence")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Checklist | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Checklist | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Checklist | None = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ("person", "template", "supervisor", "started_on", "completed_on")
    inlines = [ChecklistItemInline]
