"""The research glossary: the jargon a newcomer meets, in plain words."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Entry(TimeStampedModel):
    term = models.CharField(max_length=60, unique=True, help_text="As written: GCP, pilot study.")
    expansion = models.CharField(
        max_length=200, blank=True, help_text="What an acronym stands for."
    )
    definition = models.TextField(max_length=1500, help_text="Plain words, two or three sentences.")
    aliases = models.CharField(
        max_length=300, blank=True, help_text="Other ways to write it, separated by semicolons."
    )
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["term"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("glossary:index") + f"#{self.slug}"

    @property
    def spellings(self) -> list[str]:
        return [self.term, *(a.strip() for a in self.aliases.split(";") if a.strip())]

    @property
    def tooltip(self) -> str:
        head = f"{self.term} ({self.expansion})" if self.expansion else self.term
        return f"{head}: {self.definition}"
