"""Who people are as researchers: trainee and mentor profiles, and the shared taxonomy."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Term(TimeStampedModel):
    """One entry of the research taxonomy: a subspecialty, modality, method or skill."""

    class Kind(models.TextChoices):
        SUBSPECIALTY = "subspecialty", "Subspecialty"
        MODALITY = "modality", "Modality"
        METHOD = "method", "Method"
        SKILL = "skill", "Skill"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="term_unique_slug_per_kind"),
            models.UniqueConstraint(fields=["kind", "name"], name="term_unique_name_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name


INTEREST_KINDS = (Term.Kind.SUBSPECIALTY, Term.Kind.MODALITY, Term.Kind.METHOD)


class TraineeProfile(TimeStampedModel):
    class Grade(models.TextChoices):
        ST1 = "st1", "ST1"
        ST2 = "st2", "ST2"
        ST3 = "st3", "ST3"
        ST4 = "st4", "ST4"
        ST5 = "st5", "ST5"
        ST6 = "st6", "ST6"
        PGY1 = "pgy1", "PGY-1"
        PGY2 = "pgy2", "PGY-2"
        PGY3 = "pgy3", "PGY-3"
        PGY4 = "pgy4", "PGY-4"
        PGY5 = "pgy5", "PGY-5"
        FELLOW = "fellow", "Fellow"
        STUDENT = "student", "Medical student"
        OTHER = "other", "Other"

    class AcademicTrack(models.TextChoices):
        NONE = "none", "None"
        ACF = "acf", "Academic clinical fellow"
        MD = "md", "MD"
        PHD = "phd", "PhD"

    class ResearchTime(models.TextChoices):
        WEEKLY_DAY = "weekly_day", "A weekly research day"
        BLOCKS = "blocks", "Blocks of research time"
        OWN_TIME = "own_time", "Own time"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainee_profile"
    )
    grade = models.CharField(max_length=10, choices=Grade.choices)
    scheme = models.ForeignKey(
        "network.TrainingScheme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expected_completion = models.DateField(null=True, blank=True)
    international_graduate = models.BooleanField("international medical graduate", default=False)
    academic_track = models.CharField(
        max_length=10, choices=AcademicTrack.choices, default=AcademicTrack.NONE
    )
    research_time = models.CharField(
        max_length=12, choices=ResearchTime.choices, default=ResearchTime.OWN_TIME
    )
    interests = models.ManyToManyField(Term, blank=True, related_name="interested_trainees")
    skills = models.ManyToManyField(Term, blank=True, related_name="skilled_trainees")
    hours_per_week = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(60)], help_text="Hours a week for research."
    )
    career_goals = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.person} ({self.get_grade_display()})"

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.person_id])


class MentorProfile(TimeStampedModel):
    class Title(models.TextChoices):
        CONSULTANT = "consultant", "Consultant / attending"
        PROFESSOR = "professor", "Professor"
        PI = "pi", "Principal investigator"

    class Meetings(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Every three months"
        AS_NEEDED = "as_needed", "As needed"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    title = models.CharField(max_length=12, choices=Title.choices)
    site = models.ForeignKey(
        "network.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentors"
    )
    expertise = models.ManyToManyField(Term, blank=True, related_name="expert_mentors")
    statement = models.TextField(blank=True)
    accepting_trainees = models.BooleanField(default=True)
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(30)], help_text="Trainees at once."
    )
    meeting_frequency = models.CharField(
        max_length=12, choices=Meetings.choices, default=Meetings.MONTHLY
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.person} ({self.get_title_display()})"

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.person_id])
