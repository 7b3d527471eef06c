from __future__ import annotations

from django.contrib import admin

from opportunities.models import Opportunity, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    """Read here; programmes are added and corrected on the site (Opportunities →
    Fellowship programmes), where the rules are checked and the audit trail is written."""

    list_display = ("name", "institution", "subspecialty", "positions_per_year", "research")
    list_filter = ("research", "subspecialty")
    search_fields = ("name", "institution", "visa_sponsorship")
    readonly_fields = ("version",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin[Opportunity]):
    """Read here; suggestions are reviewed on the site, where the audit trail is written."""

    list_display = ("title", "kind", "funder", "state", "deadline_at")
    list_filter = ("state", "kind")
    search_fields = ("title", "funder")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
