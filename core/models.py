from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Base for RadCollab's models: when a row was made and last changed, in UTC."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
