from __future__ import annotations

from django.contrib import admin

from people.models import MentorProfile, Term, TraineeProfile


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """Administrators rename, reorder and add terms of the taxonomy here."""

    list_display = ("name", "kind", "position")
    list_filter = ("kind",)
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(TraineeProfile)
class TraineeProfileAdmin(admin.ModelAdmin):
    list_display = ("person", "grade", "scheme", "hours_per_week")
    list_filter = ("grade", "academic_track")
    readonly_fields = ("version",)


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "site", "accepting_trainees", "capacity")
    list_filter = ("title", "accepting_trainees")
    readonly_fields = ("version",)
