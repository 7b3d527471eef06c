"""Research outputs: what a person published, presented or won, with its ordered authors.

Track records are measured from these rows. Authors are linked to people where they
match, so that co-authorship with trainees and collaboration can be counted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class Output(TimeStampedModel):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Journal article"
        ABSTRACT = "abstract", "Conference abstract"
        POSTER = "poster", "Poster"
        ORAL = "oral", "Oral presentation"
        CHAPTER = "chapter", "Book chapter"
        GRANT = "grant", "Grant"

    class Status(models.TextChoices):
        IN_PREPARATION = "in_preparation", "In preparation"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=500)
    venue = models.CharField(max_length=300, blank=True, help_text="Journal, meeting or funder.")
    date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    ends_on = models.DateField(null=True, blank=True, help_text="When a grant's funding ends.")
    themes = models.ManyToManyField(
        "people.Term",
        blank=True,
        related_name="outputs",
        help_text="Research themes (subspecialties, methods) that group the output on a CV.",
    )

    class Meta:
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return self.title


class Author(models.Model):
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    orcid = models.CharField("ORCID", max_length=19, blank=True)

    class Meta:
        ordering = ["output", "position"]
        constraints = [
            models.UniqueConstraint(fields=["output", "position"], name="author_unique_position")
        ]
        indexes = [models.Index(fields=["person", "output"])]

    def __str__(self) -> str:
        return self.name
