from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from network.models import Membership, Region, Site, TrainingScheme


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "country")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "region", "latitude", "longitude")
    list_filter = ("region",)
    search_fields = ("name", "city")


@admin.register(TrainingScheme)
class TrainingSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "lead_site")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Roles change through the network pages or `grant_role`, so that each change is audited."""

    list_display = ("person", "role", "site", "scheme", "created_at", "ended_at")
    list_filter = ("role", "site__region")
