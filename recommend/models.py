"""What "for you" keeps: each trainee's ranked list as last computed, and what they
turned down ("not for me"), which no later list shows again."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class StoredList(models.Model):
    """A trainee's ranked items with their reasons, as the background task left them.

    `items` holds `recommend.core.Ranked.as_json()` rows, best first, a few per kind.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations"
    )
    computed_at = models.DateTimeField()
    backend = models.CharField(max_length=20)
    items = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"For {self.person}, computed {self.computed_at:%Y-%m-%d %H:%M}"


class Dismissal(TimeStampedModel):
    """A trainee said an item is not for them: it is left out of every later list."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissals"
    )
    item_key = models.CharField(max_length=40)  # "<kind>:<id>", as recommend.core names items
    title = models.CharField(max_length=300)  # what it was called, to list and undo

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "item_key"], name="dismissal_once")
        ]

    def __str__(self) -> str:
        return f"{self.person}: not for me: {self.title}"
