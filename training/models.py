"""Training records: credentials with expiry, certificate trackers, supervised checklists, goals.

Credentials, evidence and checklists are private (see `training/access.py`). A signed
checklist item is a record of someone else's word: nothing in the app may change or
delete it, so the model and its queryset refuse that as well as the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.base import ModelBase
from django.urls import reverse

from core.models import TimeStampedModel
from outputs.models import Output


def _upload_to(folder: str, instance: models.Model, filename: str) -> str:
    """A random name under the owner's folder: the original name is kept in a field."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"training/{folder}/{uuid.uuid4().hex}{suffix}"


def certificate_path(instance: Credential, filename: str) -> str:
    return _upload_to("certificates", instance, filename)


def evidence_path(instance: Evidence, filename: str) -> str:
    return _upload_to("evidence", instance, filename)


class CredentialType(models.TextChoices):
    GCP_INTRODUCTION = "gcp_intro", "Good Clinical Practice — introduction"
    GCP_REFRESHER = "gcp_refresher", "Good Clinical Practice — refresher"
    INFORMED_CONSENT = "informed_consent", "Informed consent"
    DATA_PROTECTION = "data_protection", "Data protection"
    OTHER = "other", "Other"


GCP_TYPES = frozenset({CredentialType.GCP_INTRODUCTION, CredentialType.GCP_REFRESHER})


class RefreshInterval(TimeStampedModel):
    """An administrator's override of the organisation's refresher interval for one type."""

    credential_type = models.CharField(max_length=20, choices=CredentialType.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(20)], help_text="Years until a refresher is due; 0 = never."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["credential_type"]

    def __str__(self) -> str:
        return f"{self.get_credential_type_display()}: {self.years} years"


class Credential(TimeStampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    kind = models.CharField("type", max_length=20, choices=CredentialType.choices)
    title = models.CharField(
        max_length=200, blank=True, help_text="What the course was, when the type is “Other”."
    )
    completed_on = models.DateField("completion date")
    provider = models.CharField(max_length=200)
    certificate = models.FileField(upload_to=certificate_path, blank=True, max_length=200)
    certificate_name = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["person", "kind", "-completed_on"]
        indexes = [models.Index(fields=["person", "kind", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.completed_on:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("training:credential_edit", args=[self.pk])

    @property
    def label(self) -> str:
        if self.kind == CredentialType.OTHER and self.title:
            return self.title
        return self.get_kind_display()


class CredentialReminder(models.Model):
    """One reminder sent: the unique key makes sending twice impossible."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "days_before", "expires_on"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential}: {self.days_before} days before {self.expires_on}"


# Certificate trackers ----------------------------------------------------------------


class RequirementSet(TimeStampedModel):
    """A certificate's requirements: categories, each needing some pieces of evidence."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Offered to people starting a tracker.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RequirementCategory(models.Model):
    requirement_set = models.ForeignKey(
        RequirementSet, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    required_count = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["requirement_set", "position", "name"]
        verbose_name_plural = "requirement categories"
        constraints = [
            models.UniqueConstraint(
                fields=["requirement_set", "name"], name="category_unique_name_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.required_count})"


class Tracker(TimeStampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trackers"
    )
    requirement_set = models.ForeignKey(
        RequirementSet, on_delete=models.PROTECT, related_name="trackers"
    )
    started_on = models.DateField()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "requirement_set"], name="tracker_one_per_person_and_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_set} — {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("training:tracker", args=[self.pk])


class Evidence(TimeStampedModel):
    """One piece of evidence for a category.

    An event attended is recorded by its name and date today; when the events app
    arrives it adds a foreign key here and `kind=event` rows gain a link.
    """

    class Kind(models.TextChoices):
        OUTPUT = "output", "An output of mine"
        EVENT = "event", "An event attended"
        FILE = "file", "A file"
        NOTE = "note", "A note"
        CONTRIBUTION = "study", "A confirmed study contribution"

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="evidence")
    category = models.ForeignKey(
        RequirementCategory, on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    occurred_on = models.DateField("date")
    note = models.TextField(blank=True, max_length=4000)
    output = models.ForeignKey(
        "outputs.Output",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_evidence",
    )
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    # A record another app keeps and confirmed (core.extensions.Citable): its key and
    # page, e.g. a study contribution the person's site lead confirmed in credit.
    cites = models.CharField(max_length=60, blank=True)
    cites_url = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["category__position", "occurred_on", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


# Supervised checklists -------------------------------------------------------------


class ChecklistTemplate(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    minimum_months = models.PositiveSmallIntegerField(
        default=0, help_text="The shortest time from the start to completion; 0 = no minimum."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]

    def __str__(self) -> str:
        return self.text


class Checklist(TimeStampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklists"
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checklists_supervised"
    )
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person=models.F("supervisor")),
                name="checklist_not_self_supervised",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} — {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("training:checklist", args=[self.pk])


class SignedItemError(Exception):
    """Raised when code tries to change or delete a signed checklist item."""


class ChecklistItemQuerySet(models.QuerySet["ChecklistItem"]):
    def update(self, **kwargs: object) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise SignedItemError("Signed checklist items cannot be changed.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(signed_at__isnull=False).exists():
            raise SignedItemError("Signed checklist items cannot be deleted.")
        return super().delete()


class ChecklistItem(models.Model):
    # PROTECT: deleting a checklist must never take signed items with it.
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="items")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist_items_signed",
    )
    signed_on = models.DateField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=2000)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ["checklist", "position"]

    def __str__(self) -> str:
        return self.text

    def save(
        self,
        *,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        # The sign-off itself is the one allowed save of an existing item: from unsigned.
        if (
            not self._state.adding
            and type(self).objects.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise SignedItemError(f"“{self.text}” is signed and cannot be changed.")
        super().save(
            force_insert=force_insert,
            force_update=force_update,
            using=using,
            update_fields=update_fields,
        )

    def delete(
        self, using: str | None = None, keep_parents: bool = False
    ) -> tuple[int, dict[str, int]]:
        if self.signed_at is not None:
            raise SignedItemError(f"“{self.text}” is signed and cannot be deleted.")
        return super().delete(using=using, keep_parents=keep_parents)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


# Goals -------------------------------------------------------------------------------


class Goal(TimeStampedModel):
    """“N outputs of kind K [status ≥ S] [in theme T] [first-author] by date D”."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    target = models.PositiveSmallIntegerField(
        "how many", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    kind = models.CharField(
        "of kind",
        max_length=10,
        choices=Output.Kind.choices,
        blank=True,
        help_text="Leave empty for any kind of output.",
    )
    min_status = models.CharField(
        "with status at least",
        max_length=16,
        choices=Output.Status.choices,
        blank=True,
        help_text="Leave empty for any status.",
    )
    theme = models.ForeignKey(
        "people.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_author = models.BooleanField("as first author", default=False)
    due_on = models.DateField("by")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Goal of {self.person}: {self.target} by {self.due_on}"
