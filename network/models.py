from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Region(TimeStampedModel):
    """A region of the network: a deanery, an NHS region, a US census region."""

    class Country(models.TextChoices):
        UK = "GB", "United Kingdom"
        US = "US", "United States"
        IE = "IE", "Ireland"
        OTHER = "XX", "Other"

    name = models.CharField(max_length=120, unique=True)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.UK)

    class Meta:
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    """A hospital or institution taking part in the network's research."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", "Hospital"
        INSTITUTION = "institution", "University or institute"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOSPITAL)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sites")
    city = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="site_latitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:site", args=[self.pk])


class TrainingScheme(TimeStampedModel):
    """A training programme: a UK specialty training scheme or a US residency."""

    name = models.CharField(max_length=200, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schemes")
    lead_site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="schemes"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    MENTOR = "mentor", "Mentor"
    SITE_LEAD = "site_lead", "Site lead"
    COMMITTEE = "committee", "Committee member"
    STATISTICIAN = "statistician", "Statistician"
    ADMIN = "admin", "Administrator"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """Roles in force: approved and not ended; every rule about roles reads these."""
        return self.filter(ended_at__isnull=True, status=Membership.Status.ACTIVE)

    def pending(self) -> MembershipQuerySet:
        """Requests to join or for a role, waiting for the site lead or the committee."""
        return self.filter(ended_at__isnull=True, status=Membership.Status.PENDING)

    def open(self) -> MembershipQuerySet:
        """Active or pending: what a new request or grant would duplicate."""
        return self.filter(ended_at__isnull=True)


class Membership(TimeStampedModel):
    """A person's role at a site or a training scheme, or network-wide.

    Ending a membership keeps the row (with `ended_at`) so the history of who held
    which role stays visible; the audit trail records who changed it and why.

    A membership may start as a request (`PENDING`): a newcomer's wish to join their
    hospital, which its site lead decides, or a request for another role, which the
    committee decides. Approving makes the same row `ACTIVE`; declining ends it
    (`DECLINED`, with `ended_at` and the reason given). Only active rows confer a role.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PENDING = "pending", "Waiting for approval"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    scheme = models.ForeignKey(
        TrainingScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # What the person wrote when asking: why they want the role, or the hospital that is
    # not listed yet. Empty for a role granted directly.
    request_note = models.TextField(blank=True)
    # Why a request was declined; the person is emailed it and the audit trail keeps it.
    decision_note = models.TextField(blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person__full_name", "role"]
        constraints = [
            # One active membership per person, role and place; a place is a site,
            # a scheme, or neither (network-wide), never both.
            models.UniqueConstraint(
                fields=["person", "role", "site"],
                condition=models.Q(ended_at__isnull=True, site__isnull=False),
                name="membership_unique_at_site",
            ),
            models.UniqueConstraint(
                fields=["person", "role", "scheme"],
                condition=models.Q(ended_at__isnull=True, scheme__isnull=False),
                name="membership_unique_on_scheme",
            ),
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=models.Q(ended_at__isnull=True, site__isnull=True, scheme__isnull=True),
                name="membership_unique_network_wide",
            ),
            models.CheckConstraint(
                condition=models.Q(site__isnull=True) | models.Q(scheme__isnull=True),
                name="membership_one_place",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="site_lead") | models.Q(site__isnull=False),
                name="membership_site_lead_has_site",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | models.Q(ended_at__isnull=False),
                name="membership_declined_has_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} {self.place_label}".strip()

    @property
    def place_label(self) -> str:
        if self.site_id:
            return f"at {self.site}"
        if self.scheme_id:
            return f"on {self.scheme}"
        return "(network-wide)"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.ended_at is None and self.status == self.Status.PENDING
