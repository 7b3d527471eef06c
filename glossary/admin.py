from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from glossary.marking import forget
from glossary.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin[Entry]):
    list_display = ("term", "expansion", "slug")
    search_fields = ("term", "expansion", "definition", "aliases")
    prepopulated_fields = {"slug": ("term",)}

    def save_model(
        self, request: HttpRequest, obj: Entry, form: forms.ModelForm[Entry], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        forget()  # pages mark the new wording at once

    def delete_model(self, request: HttpRequest, obj: Entry) -> None:
        super().delete_model(request, obj)
        forget()
