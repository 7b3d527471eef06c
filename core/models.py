from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Base for RadCollab's models: when a row was made and last changed, in UTC."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ContentGeneration(models.Model):
    """How many times an app's rows have changed: part of cached page content's key.

    Raised by core.fragments after each commit that saved or deleted one of the app's
    rows, so that every web process draws the page afresh."""

    app_label = models.CharField(max_length=100, primary_key=True)
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.app_label} #{self.generation}"
