"""Funding calls, fellowships, awards, bursaries, courses and mentoring schemes, and the
fellowship programmes directory.

Anyone signed in may suggest an opportunity; it shows to others only once a curator
(committee or administrator) has published it. A deadline, when there is one, is an
aware UTC instant plus the zone it is stated in, as for conference deadlines.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from people.models import TraineeProfile

Grade = TraineeProfile.Grade

# Career stage of each grade, so "ST3 to ST6" also admits a PGY-3 to a fellow.
STAGE: dict[str, int] = {
    "student": 0,
    "st1": 1,
    "pgy1": 1,
    "st2": 2,
    "pgy2": 2,
    "st3": 3,
    "pgy3": 3,
    "st4": 4,
    "pgy4": 4,
    "st5": 5,
    "pgy5": 5,
    "st6": 6,
    "fellow": 7,
}


class OpportunityQuerySet(models.QuerySet["Opportunity"]):
    def published(self) -> OpportunityQuerySet:
        return self.filter(state=Opportunity.State.PUBLISHED)


class Opportunity(TimeStampedModel):
    class Kind(models.TextChoices):
        FUNDING = "funding", "Funding call"
        FELLOWSHIP = "fellowship", "Fellowship"
        AWARD = "award", "Award"
        BURSARY = "bursary", "Bursary"
        COURSE = "course", "Course"
        MENTORING = "mentoring", "Mentoring scheme"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Waiting for review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not published"

    class Track(models.TextChoices):
        ANY = "any", "Any training track"
        ACADEMIC = "academic", "Academic trainees only (ACF, MD, PhD)"
        ACF = "acf", "Academic clinical fellows only"

    class Graduates(models.TextChoices):
        ANY = "any", "Any graduates"
        IMG_ONLY = "img_only", "International medical graduates only"
        HOME_ONLY = "home_only", "Home graduates only"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    funder = models.CharField(max_length=200)
    summary = models.TextField(max_length=4000)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, such as GBP.")
    min_grade = models.CharField(max_length=10, choices=Grade.choices, blank=True)
    max_grade = models.CharField(max_length=10, choices=Grade.choices, blank=True)
    countries = models.CharField(
        max_length=100, blank=True, help_text="ISO country codes, comma-separated; empty: any."
    )
    academic_track = models.CharField(max_length=10, choices=Track.choices, default=Track.ANY)
    graduates = models.CharField(max_length=10, choices=Graduates.choices, default=Graduates.ANY)
    visa_sponsorship = models.BooleanField(default=False)
    deadline_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    subspecialties = models.ManyToManyField("people.Term", blank=True, related_name="opportunities")
    url = models.URLField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = [models.F("deadline_at").asc(nulls_last=True), "title"]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["state", "deadline_at"], name="opportunity_listing")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def country_list(self) -> list[str]:
        return [c.strip().upper() for c in self.countries.split(",") if c.strip()]


class Programme(TimeStampedModel):
    """A fellowship or residency programme: the facts a shortlist needs, each with where
    it comes from and when (`sources`: fact name -> {"source": text or URL, "as_of":
    ISO date}; the fact names are `FACTS`). Empty facts are unknown, not "none"."""

    class Kind(models.TextChoices):
        FELLOWSHIP = "fellowship", "Fellowship"
        RESIDENCY = "residency", "Residency"

    class Specialty(models.TextChoices):
        DIAGNOSTIC = "diagnostic", "Diagnostic radiology"
        INTERVENTIONAL = "interventional", "Interventional radiology (integrated)"

    class Research(models.TextChoices):
        NONE = "none", "None expected"
        ENCOURAGED = "encouraged", "Encouraged"
        REQUIRED = "required", "Required"

    class Visa(models.TextChoices):
        """The visas a programme may sponsor; stored comma-separated in this order.

        "None" (sponsors no visa) stands alone; an empty value means unknown.
        """

        J1 = "J-1", "J-1 (US exchange visitor)"
        H1B = "H-1B", "H-1B (US specialty occupation)"
        O1 = "O-1", "O-1 (US extraordinary ability)"
        SKILLED_WORKER = "Skilled Worker", "Skilled Worker (UK)"
        OTHER = "Other", "Another visa (say which in the notes)"
        NONE = "None", "None: sponsors no visa"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FELLOWSHIP)
    name = models.CharField(max_length=200)
    institution = models.CharField(max_length=200)
    site = models.ForeignKey(
        "network.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="programmes"
    )
    specialty = models.CharField(max_length=16, choices=Specialty.choices, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO code, such as US or GB.")
    region = models.CharField(max_length=60, blank=True, help_text="Such as “Northeast”.")
    subspecialty = models.ForeignKey(
        "people.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="programmes"
    )
    positions_per_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    opens_on = models.DateField("applications open", null=True, blank=True)
    closes_on = models.DateField("applications close", null=True, blank=True)
    research = models.CharField(
        "research expectation", max_length=10, choices=Research.choices, default=Research.ENCOURAGED
    )
    typical_outputs = models.CharField(max_length=300, blank=True)
    visa_sponsorship = models.CharField(
        max_length=100, blank=True, help_text="Visas sponsored, such as “J-1, H-1B”, or “None”."
    )
    graduated_within_years = models.PositiveSmallIntegerField(
        "graduation-year limit (years)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text="Accepts graduates of the last this many years; empty: no limit stated.",
    )
    step2_minimum = models.PositiveSmallIntegerField(
        "Step 2 CK minimum", null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    step2_median = models.PositiveSmallIntegerField(
        "Step 2 CK median of those interviewed",
        null=True,
        blank=True,
        validators=[MaxValueValidator(300)],
    )
    applications_received = models.PositiveIntegerField(null=True, blank=True)
    interviews_offered = models.PositiveIntegerField(null=True, blank=True)
    application_fee = models.DecimalField(
        "programme's own application fee (US$)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    sources = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    url = models.URLField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["kind", "subspecialty__name", "institution", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="programme_unique_name"),
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="programme_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.institution}"

    def get_absolute_url(self) -> str:
        return reverse("opportunities:programme", args=[self.pk])

    def source_of(self, fact: str) -> dict[str, str]:
        """{"source": ..., "as_of": ...} for one of `FACTS`, empty when none is recorded."""
        found = (self.sources or {}).get(fact) or {}
        return {"source": found.get("source", ""), "as_of": found.get("as_of", "")}


# The facts a curator sources, each with the model fields it covers. A fact whose
# value is given needs a source and a date ("as of") for the facts marked True; the
# first three predate the shortlist and may still lack one on older entries.
FACTS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "positions": ("Positions a year", ("positions_per_year",), False),
    "visa": ("Visa sponsorship", ("visa_sponsorship",), False),
    "research": ("Research expectation", ("research", "typical_outputs"), False),
    "graduation": ("Graduation-year limit", ("graduated_within_years",), True),
    "step2": ("Step 2 CK scores", ("step2_minimum", "step2_median"), True),
    "interviews": (
        "Interviews and applications",
        ("applications_received", "interviews_offered"),
        True,
    ),
    "fee": ("Application fee", ("application_fee",), True),
}


class ShortlistProfile(TimeStampedModel):
    """An applicant's own profile and budget for the programme shortlist: private to them.

    `own_estimates` maps a programme id (as text) to the applicant's own interview
    likelihood in percent, replacing the computed one for them alone.
    """

    class Stage(models.TextChoices):
        RESIDENCY = "residency", "Before residency: medical student or international graduate"
        FELLOWSHIP = "fellowship", "In residency: choosing a fellowship"

    class Visa(models.TextChoices):
        NONE = "", "I need no visa"
        J1 = "J-1", "J-1 only"
        H1B = "H-1B", "H-1B only"
        EITHER = "J-1, H-1B", "J-1 or H-1B"
        SKILLED_WORKER = "Skilled Worker", "Skilled Worker (UK)"

    class BudgetKind(models.TextChoices):
        COUNT = "count", "A number of programmes"
        MONEY = "money", "An amount of money (US$)"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist_profile"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.RESIDENCY)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    step2_score = models.PositiveSmallIntegerField(null=True, blank=True)
    visas = models.CharField(max_length=40, choices=Visa.choices, blank=True)
    research_outputs = models.PositiveSmallIntegerField(default=0)
    presentations = models.PositiveSmallIntegerField(default=0)
    regions = models.CharField(max_length=300, blank=True)
    subspecialty = models.ForeignKey(
        "people.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    budget_kind = models.CharField(
        max_length=5, choices=BudgetKind.choices, default=BudgetKind.COUNT
    )
    budget_programmes = models.PositiveSmallIntegerField(null=True, blank=True)
    budget_money = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fee_flat = models.DecimalField(max_digits=7, decimal_places=2, default=99)
    fee_flat_count = models.PositiveSmallIntegerField(default=10)
    fee_tiers = models.CharField(max_length=200, default="17 up to 20, 21 up to 30, 28 after")
    assumed_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    own_estimates = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Shortlist profile of {self.person}"

    @property
    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]
