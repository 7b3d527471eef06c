from __future__ import annotations

from django.contrib import admin

from outputs.models import Author, Output


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "venue", "date", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "venue", "doi", "pmid")
    inlines = [AuthorInline]
