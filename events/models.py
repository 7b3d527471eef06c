"""Conferences with their editions and deadlines, local events, plans and reminders.

Every deadline is an aware instant in UTC plus the time zone its source states it in
(default "anywhere on Earth", a fixed UTC-12, `Etc/GMT+12`). A deadline that has not
been published yet is an estimate computed from past editions (`is_estimate`), shown
as such until a curator confirms it by entering the published value on the same row,
so the feeds' UIDs and the plans that point at it stay the same.
"""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel

AOE = "Etc/GMT+12"  # "anywhere on Earth": UTC-12 all year (the POSIX sign is inverted).


class Conference(TimeStampedModel):
    """A meeting series that repeats yearly, such as the RSNA annual meeting."""

    society = models.CharField(max_length=40, help_text="Short name, such as RSNA.")
    society_name = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    url = models.URLField(blank=True)
    subspecialties = models.ManyToManyField(
        "people.Term",
        blank=True,
        related_name="conferences",
        limit_choices_to={"kind": "subspecialty"},
    )
    notes = models.TextField(blank=True, help_text="Conventions and caveats from the sources.")
    sources = models.TextField(blank=True, help_text="The numbered sources, one a line.")

    class Meta:
        ordering = ["society", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:conference", args=[self.slug])


class Edition(TimeStampedModel):
    """One year's meeting. Unknown values stay empty: empty means unknown, never none."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="editions")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    name = models.CharField(max_length=300, help_text="The name as the source states it.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    city = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    abstract_limit = models.CharField(
        max_length=200, blank=True, help_text="The abstract limit as stated (words or characters)."
    )
    # The source tag of each value, by field name: {"starts_on": "[RSNA-1]"}.
    sources = models.JSONField(default=dict, blank=True)
    is_estimate = models.BooleanField(default=False)
    basis = models.CharField(max_length=300, blank=True, help_text="How an estimate was made.")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["conference", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "year"], name="edition_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="edition_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference.society} {self.year}"

    def get_absolute_url(self) -> str:
        return self.conference.get_absolute_url()

    def source_of(self, field: str) -> str:
        return str(self.sources.get(field, ""))


class DeadlineKind(models.TextChoices):
    ABSTRACT = "abstract", "Abstract submission"
    LATE_BREAKING = "late_breaking", "Late-breaking abstracts"
    FULL_PAPER = "full_paper", "Full paper"
    EARLY_REGISTRATION = "early_registration", "Early registration"


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def with_conference(self) -> DeadlineQuerySet:
        return self.select_related("edition__conference")


class Deadline(TimeStampedModel):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices, default="abstract")
    due_at = models.DateTimeField(help_text="The instant it closes, stored in UTC.")
    time_zone = models.CharField(
        max_length=64, default=AOE, help_text="The zone the source states the deadline in."
    )
    time_stated = models.BooleanField(
        default=True, help_text="False when the source gives a day only (then 23:59 is used)."
    )
    opens_on = models.DateField(null=True, blank=True)
    stated_as = models.CharField(max_length=300, blank=True, help_text="As the source states it.")
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    limit_note = models.CharField(
        max_length=200, blank=True, help_text="A limit in another unit, as stated."
    )
    categories = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Source tag, such as [RSNA-1].")
    is_estimate = models.BooleanField(default=False)
    basis = models.CharField(max_length=300, blank=True, help_text="How an estimate was made.")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind"], name="deadline_one_kind_per_edition"
            )
        ]
        indexes = [models.Index(fields=["due_at"], name="deadline_due")]

    def __str__(self) -> str:
        return f"{self.edition} — {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return self.edition.conference.get_absolute_url() + f"#deadline-{self.pk}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def uid(self) -> str:
        return f"deadline-{self.pk}@radcollab"


class Follow(models.Model):
    """A person follows a conference: its deadlines go to their calendar and reminders."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conference_follows"
    )
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "conference"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.person} follows {self.conference}"


class PlanStep(models.TextChoices):
    COLLECTION = "collection", "Data collection complete"
    ANALYSIS = "analysis", "Analysis complete"
    DRAFT = "draft", "First draft written"
    REVIEW = "review", "Draft reviewed by the supervising mentor"
    SUBMISSION = "submission", "Abstract submitted"


class ProjectTarget(TimeStampedModel):
    """A project's target conference deadline and the plan accepted against it."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="conference_target"
    )
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="targets")
    buffer_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(90)],
        help_text="Days kept spare before the deadline.",
    )
    hours_per_week = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    # The deadline and zone the accepted plan was made against: a difference means it moved.
    planned_due_at = models.DateTimeField(null=True, blank=True)
    planned_time_zone = models.CharField(max_length=64, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.project} → {self.deadline}"


class PlannedMilestone(models.Model):
    """Which workspace milestone a plan step made, so a re-plan moves it, never copies it."""

    target = models.ForeignKey(ProjectTarget, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=12, choices=PlanStep.choices)
    milestone = models.OneToOneField(
        "projects.Milestone", on_delete=models.CASCADE, related_name="plan_step"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "step"], name="plan_step_once")]

    def __str__(self) -> str:
        return f"{self.target}: {self.get_step_display()}"


class Event(TimeStampedModel):
    """A local research meeting, journal club, research day or course."""

    class Kind(models.TextChoices):
        RESEARCH_MEETING = "research_meeting", "Research meeting"
        JOURNAL_CLUB = "journal_club", "Journal club"
        RESEARCH_DAY = "research_day", "Research day"
        COURSE = "course", "Course"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="Europe/London")
    location = models.CharField(max_length=200, blank=True)
    site = models.ForeignKey(
        "network.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    subspecialties = models.ManyToManyField("people.Term", blank=True, related_name="events")
    url = models.URLField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="event_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    @property
    def uid(self) -> str:
        return f"event-{self.pk}@radcollab"


class Attendance(models.Model):
    """A person attended an event; it may back a piece of certificate evidence."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    marked_at = models.DateTimeField()
    evidence = models.ForeignKey(
        "training.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-marked_at"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} at {self.event}"


class ReminderPreference(TimeStampedModel):
    """Which reminders a person wants; no row means all of them."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    deadlines = models.BooleanField("reminders of followed deadlines", default=True)
    milestones = models.BooleanField("reminders of my project milestones", default=True)
    digest = models.BooleanField("the weekly digest", default=True)

    def __str__(self) -> str:
        return f"Reminder preferences of {self.person}"


class ReminderSent(models.Model):
    """One reminder sent; the unique key makes sending it twice impossible.

    `due` is part of the key, so a deadline that moves is reminded of again.
    """

    class Kind(models.TextChoices):
        DEADLINE = "deadline", "Deadline"
        MILESTONE = "milestone", "Milestone"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    due = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "object_id", "due", "days_before"],
                name="event_reminder_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.days_before} days before"


class DigestSent(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField(help_text="The Monday of the week the digest covers.")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "week_of"], name="digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.person}, week of {self.week_of}"


class FeedToken(TimeStampedModel):
    """The secret in a person's private calendar URL. Only its SHA-256 digest is stored."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(revoked_at__isnull=True),
                name="feed_token_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.person} ({self.hint}…)"

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
