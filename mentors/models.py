"""Contact between trainees and mentors, timed so that reply speed is measured, not claimed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from mentors.search import SearchDocumentField
from people.models import TraineeProfile


class ContactRequest(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    grade = models.CharField(max_length=10, choices=TraineeProfile.Grade.choices)
    who_i_am = models.TextField("who I am", max_length=2000)
    what_i_read = models.TextField("what I read of your work", max_length=2000)
    what_i_offer = models.TextField("what I can offer", max_length=2000)
    hours_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    sent_at = models.DateTimeField()
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["trainee", "state"]),
            models.Index(fields=["mentor", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(trainee=models.F("mentor")), name="contact_not_to_oneself"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} → {self.mentor} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("mentors:request", args=[self.pk])


class Supervision(TimeStampedModel):
    """A mentor supervising a trainee's research, and what came of it."""

    class State(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped before completion"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisions_given"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisions_received"
    )
    topic = models.CharField(max_length=300)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ONGOING)
    outputs = models.ManyToManyField("outputs.Output", blank=True, related_name="supervisions")

    class Meta:
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.mentor} supervising {self.trainee}: {self.topic}"


class MentorStats(models.Model):
    """A mentor's measured track record, recounted from the source rows whenever they change.

    Kept as one row per mentor so that the directory can filter, sort and search
    20,000 mentors in one indexed query instead of recounting on every request.
    `document` is the text the directory's full-text search reads.
    """

    profile = models.OneToOneField(
        "people.MentorProfile", on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    outputs_5y = models.PositiveIntegerField(default=0)
    outputs_5y_with_trainee = models.PositiveIntegerField(default=0)
    grants_current = models.PositiveIntegerField(default=0)
    supervisions = models.PositiveIntegerField(default=0)
    supervisions_completed = models.PositiveIntegerField(default=0)
    collaborators = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    median_reply_hours = models.FloatField(null=True, blank=True)
    share_replied_14d = models.FloatField(null=True, blank=True)
    last_active = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(default=0, db_index=True)
    document = SearchDocumentField(blank=True)
    refreshed_at = models.DateTimeField()
    # Copies of what the directory filters on, so that a search reads this one table:
    # joining profile, person, site and region cost PostgreSQL more to plan than to run.
    # Profile saves recount at once; a site moved or a person deactivated in the admin
    # is caught by the nightly `refresh_mentor_stats`.
    person_active = models.BooleanField(default=True)
    accepting_trainees = models.BooleanField(default=False)
    site = models.ForeignKey(
        "network.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "network.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["median_reply_hours"]),
            models.Index(fields=["latitude", "longitude"], name="mentorstats_place"),
        ]

    def __str__(self) -> str:
        return f"Track record of {self.profile}"
