"""Mentoring schemes matched in rounds: the calls, the committee's decisions, the pairs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel
from matching.core.fit import DEFAULT_WEIGHTS
from people.models import TraineeProfile


def default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Every three months"


class Mode(models.TextChoices):
    REMOTE = "remote", "Remote (video calls)"
    IN_PERSON = "in_person", "In person"
    EITHER = "either", "Either"


class Goal(models.TextChoices):
    FIRST_PAPER = "first_paper", "Publish a first paper"
    AUDIT = "audit", "Lead an audit or quality project"
    GRANT = "grant", "Win a grant or fellowship"
    ACADEMIC_CAREER = "academic_career", "Plan an academic career"
    PHD = "phd", "Start an MD or PhD"
    PRESENTING = "presenting", "Present at a conference"


class Scheme(TimeStampedModel):
    """A mentoring scheme: who may take part, what is excluded, how pairs are scored."""

    class Exclusion(models.TextChoices):
        NONE = "none", "No rule (any pair may be matched)"
        SITE = "site", "Not at the same site or institution"
        REGION = "region", "Not in the same region"

    class Objective(models.TextChoices):
        FIT = "fit", "Largest total fit"
        MATCHED_FIRST = "matched_first", "Match the most mentees, then the largest total fit"
        PROTECT_WORST_OFF = (
            "protect_worst_off",
            "Match the most, then lift the lowest fit, then the total",
        )
        STABLE = "stable", "Stable: no mentee and mentor would both rather swap"

    name = models.CharField(max_length=200, unique=True)
    summary = models.TextField(max_length=2000, blank=True)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matching_schemes",
        limit_choices_to={"kind": "mentoring"},
        help_text="The scheme's entry in the opportunities directory, if it has one.",
    )
    exclusion = models.CharField(max_length=10, choices=Exclusion.choices, default=Exclusion.SITE)
    objective = models.CharField(max_length=20, choices=Objective.choices, default=Objective.FIT)
    weights = models.JSONField(default=default_weights)
    max_preferences = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    min_grade = models.CharField(max_length=10, choices=TraineeProfile.Grade.choices, blank=True)
    max_grade = models.CharField(max_length=10, choices=TraineeProfile.Grade.choices, blank=True)
    mentor_min_years = models.PositiveSmallIntegerField(
        "mentor's years since completing training", default=0
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RunState(models.TextChoices):
    QUEUED = "queued", "Waiting for the task worker"
    RUNNING = "running", "Running"
    FAILED = "failed", "Failed"


class Round(TimeStampedModel):
    class State(models.TextChoices):
        OPEN = "open", "Open for sign-up"
        DRAFTED = "drafted", "Draft match"
        PUBLISHED = "published", "Published"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=200)
    closes_on = models.DateField("sign-up closes", null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The last run's unmatched mentees: [{"request": id, "name": str, "reason": str}].
    unmatched = models.JSONField(default=list, blank=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A large round's run goes to the task worker; the page shows how far it got.
    run_state = models.CharField(max_length=10, choices=RunState.choices, default="", blank=True)
    run_progress = models.CharField(max_length=200, blank=True)
    run_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("matching:round", args=[self.pk])


class Interests(models.Model):
    """What both calls ask: interests, how often and how to meet, languages."""

    interests = models.ManyToManyField("people.Term", blank=True, related_name="+")
    meeting_frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)
    languages = models.CharField(
        max_length=200, default="English", help_text="Separate languages with commas."
    )

    class Meta:
        abstract = True

    def language_set(self) -> frozenset[str]:
        return frozenset(w.strip().title() for w in self.languages.split(",") if w.strip())


class MentorOffer(TimeStampedModel, Interests):
    """A mentor's answer to the round's call for mentors."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="offers")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offers"
    )
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    helped_with = models.JSONField("goals you have helped mentees reach", default=list)
    completed_year = models.PositiveSmallIntegerField(
        "year you completed training", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "mentor"], name="matching_one_offer_per_round")
        ]

    def __str__(self) -> str:
        return str(self.mentor)


class MenteeRequest(TimeStampedModel, Interests):
    """A mentee's answer to the round's call for mentees; only they and the committee see it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_requests"
    )
    goals = models.JSONField(default=list)
    goals_text = models.TextField("what you hope to get from a mentor", max_length=2000)
    avoid = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee"], name="matching_one_request_per_round"
            )
        ]

    def __str__(self) -> str:
        return str(self.mentee)


class Preference(models.Model):
    """A mentee's ranked choice of a mentor who answered the call."""

    request = models.ForeignKey(MenteeRequest, on_delete=models.CASCADE, related_name="ranked")
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="matching_rank_once"),
            models.UniqueConstraint(fields=["request", "rank"], name="matching_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"choice {self.rank}"


class Decision(TimeStampedModel):
    """The committee pins a pair (kept in every rerun) or forbids it (never matched)."""

    class Kind(models.TextChoices):
        PIN = "pin", "Pinned"
        FORBID = "forbid", "Forbidden"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="decisions")
    request = models.ForeignKey(MenteeRequest, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="matching_one_decision")
        ]


class Match(TimeStampedModel):
    """A pair the solver chose, with its score and explanation."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Waiting for the mentee"
        ACCEPTED = "accepted", "Accepted"
        COMPLETED = "completed", "Completed"

    LIVE = (State.PUBLISHED, State.ACCEPTED, State.COMPLETED)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="matches")
    request = models.OneToOneField(MenteeRequest, on_delete=models.CASCADE, related_name="match")
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    # [{"criterion", "label", "weight", "points", "reason"}], in the order shown.
    parts = models.JSONField(default=list)
    pinned = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.request} with {self.offer}"

    def get_absolute_url(self) -> str:
        return reverse("matching:my_match", args=[self.pk])


class Reassignment(TimeStampedModel):
    """A mentee asked for another mentor after a first meeting that did not work out.

    The mentor they leave is never proposed to them again in this round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reassignments")
    request = models.ForeignKey(
        MenteeRequest, on_delete=models.CASCADE, related_name="reassignments"
    )
    from_offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="+")
    to_offer = models.ForeignKey(
        MentorOffer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("what did not work out", max_length=2000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.request} left {self.from_offer}"


class Agreement(TimeStampedModel):
    """What mentee and mentor agreed at their first meeting; both sides confirm it."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="agreement")
    first_met_on = models.DateField("date of the first meeting")
    goals = models.TextField("what you will work on together", max_length=2000)
    meeting_frequency = models.CharField(
        "how often you will meet", max_length=12, choices=Frequency.choices
    )
    mentee_agreed_at = models.DateTimeField(null=True, blank=True)
    mentor_agreed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Agreement of {self.match}"

    @property
    def confirmed(self) -> bool:
        return bool(self.mentee_agreed_at and self.mentor_agreed_at)


class Feedback(TimeStampedModel):
    """Each side's word at the end; both together complete the match."""

    class Side(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(max_length=6, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        "how useful the mentoring was (1 to 5)",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "side"], name="matching_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} feedback on {self.match}"
