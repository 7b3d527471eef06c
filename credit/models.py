"""Collaborative credit: a study's authorship rules, its writing committee, the names
each collaborator confirmed, and the list as it was locked at submission.

Contributions themselves are not stored: they are counted from what people did in
capture, network and projects (and the audit trail) every time the list is computed
(`credit.selectors`), so nothing is typed twice and nothing drifts out of date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class AuthorList(TimeStampedModel):
    """The committee's authorship rules for one study, and the list once locked."""

    class Grouping(models.TextChoices):
        SITE = "site", "By site"
        REGION = "region", "By region"
        COUNTRY = "country", "By country"
        NONE = "none", "One alphabetical list"

    study = models.OneToOneField(
        "capture.Study", on_delete=models.CASCADE, related_name="author_list"
    )
    consortium_name = models.CharField(
        max_length=200, help_text="The group author, e.g. “RadCollab CT Head Collaborative”."
    )
    min_complete_records = models.PositiveIntegerField(
        "at least this many complete records",
        null=True,
        blank=True,
        help_text="Records whose every instrument is marked complete. Empty: not a route.",
    )
    min_validations = models.PositiveIntegerField(
        "at least this many validation checks",
        null=True,
        blank=True,
        help_text="Data queries raised or closed, records locked or signed. Empty: not a route.",
    )
    site_leads_qualify = models.BooleanField("site leads qualify", default=True)
    writing_committee_qualify = models.BooleanField(
        "writing committee members qualify", default=True
    )
    credit_roles_qualify = models.BooleanField(
        "agreed CRediT roles on the study's project qualify", default=False
    )
    grouping = models.CharField(max_length=8, choices=Grouping.choices, default=Grouping.SITE)
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The project whose authorship agreement gives CRediT roles.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publication = models.ForeignKey(
        "outputs.Output",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The paper the list was published with: its title, journal and DOI are "
        "what each collaborator's ORCID record and bibliography exports cite.",
    )
    # The list as it was when locked (credit.core.to_json): what exports and the
    # published page show until the committee unlocks it.
    locked_list = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"Author list of {self.study}"

    def get_absolute_url(self) -> str:
        return reverse("credit:study", args=[self.study_id])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class WritingCommitteeMember(TimeStampedModel):
    """A person on the study's writing committee (a study role the list credits)."""

    author_list = models.ForeignKey(
        AuthorList, on_delete=models.CASCADE, related_name="writing_committee"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=60, default="Member", help_text="e.g. Chair, Member.")

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["author_list", "person"], name="writing_committee_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class NameConfirmation(TimeStampedModel):
    """How one collaborator is named on the list, as they confirmed it themselves."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for them"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Asked not to be listed"

    author_list = models.ForeignKey(
        AuthorList, on_delete=models.CASCADE, related_name="confirmations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_names"
    )
    given_names = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    affiliation = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_names"]
        constraints = [
            models.UniqueConstraint(fields=["author_list", "person"], name="credit_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class DashboardSetting(models.Model):
    """The committee's switches for the network dashboard: one row (pk 1)."""

    public_summary = models.BooleanField(
        "show the public summary",
        default=False,
        help_text="Counts only, no names, for anyone at /credit/summary/.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "Dashboard settings"

    @classmethod
    def current(cls) -> DashboardSetting:
        found, _ = cls.objects.get_or_create(pk=1)
        return found


class PortfolioStudy(TimeStampedModel):
    """An external (e.g. NIHR portfolio) study a site takes part in, kept by its site lead."""

    site = models.ForeignKey(
        "network.Site", on_delete=models.PROTECT, related_name="portfolio_studies"
    )
    title = models.CharField(max_length=300)
    reference = models.CharField(
        max_length=40, blank=True, help_text="The portfolio number, e.g. the CPMS ID."
    )
    target = models.PositiveIntegerField(
        "recruitment target", help_text="Participants this site aims to recruit."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["site__name", "title"]
        verbose_name_plural = "portfolio studies"
        constraints = [
            models.UniqueConstraint(fields=["site", "title"], name="portfolio_study_once_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("credit:portfolio_study", args=[self.pk])


class PortfolioRecruitment(models.Model):
    """Participants the site recruited to a portfolio study in one month."""

    study = models.ForeignKey(PortfolioStudy, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(help_text="The first day of the month.")
    recruited = models.PositiveIntegerField()

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["study", "month"], name="portfolio_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.recruited} in {self.month:%b %Y}"


class PortfolioTrainee(models.Model):
    """A trainee involved in a portfolio study at the site, e.g. as associate PI."""

    class Part(models.TextChoices):
        ASSOCIATE_PI = "associate_pi", "Associate principal investigator"
        SUB_INVESTIGATOR = "sub_investigator", "Sub-investigator"
        RECRUITER = "recruiter", "Recruiting or reporting"

    study = models.ForeignKey(PortfolioStudy, on_delete=models.CASCADE, related_name="trainees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=20, choices=Part.choices, default=Part.ASSOCIATE_PI)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "person"], name="portfolio_trainee_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_part_display()})"


class ContributionRecord(TimeStampedModel):
    """What one collaborator did for one study, as the site lead of their site (or the
    committee) confirmed it: a snapshot of the counts at that moment, which the person's
    training records may cite as evidence. Confirming again replaces the snapshot (the
    audit trail keeps the old counts)."""

    study = models.ForeignKey(
        "capture.Study", on_delete=models.CASCADE, related_name="contribution_records"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contribution_records"
    )
    site = models.ForeignKey(
        "network.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The site the person is credited under (None: the steering committee).",
    )
    records_entered = models.PositiveIntegerField(default=0)
    records_complete = models.PositiveIntegerField(default=0)
    queries_answered = models.PositiveIntegerField(default=0)
    validations = models.PositiveIntegerField(default=0)
    site_lead = models.BooleanField(default=False)
    writing_committee = models.CharField(max_length=60, blank=True)
    credit_roles = models.JSONField(default=list, blank=True)
    study_roles = models.JSONField(default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(fields=["study", "person"], name="contribution_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.person}'s contribution to {self.study}"

    def get_absolute_url(self) -> str:
        return reverse("credit:contribution", args=[self.study_id, self.person_id])
