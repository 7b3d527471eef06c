"""Research projects: the board's adverts and each team's workspace.

A project carries its pipeline status (with a timeline of changes), the roles it
wants filled, the applications to them, its team and authorship agreement, its
milestones and tasks, its meetings and its documents with every version kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Status(models.TextChoices):
    IDEA = "idea", "Idea"
    PLANNING = "planning", "Planning"
    APPROVALS = "approvals", "Approvals"
    DATA_COLLECTION = "data_collection", "Data collection"
    ANALYSIS = "analysis", "Analysis"
    WRITING = "writing", "Writing"
    SUBMITTED = "submitted", "Submitted"
    PUBLISHED = "published", "Published / presented"
    STALLED = "stalled", "Stalled"
    CLOSED = "closed", "Closed"


# A project in these states takes no more help and no longer counts as current work.
FINISHED = (Status.PUBLISHED, Status.CLOSED)


class ResearchType(models.TextChoices):
    CLINICAL = "clinical", "Clinical / outcomes"
    DIAGNOSTIC = "diagnostic", "Diagnostic accuracy"
    AI = "ai", "AI / informatics"
    QI = "qi", "Quality improvement / audit"
    EDUCATION = "education", "Education"
    BASIC = "basic", "Basic / translational"
    REVIEW = "review", "Systematic review / meta-analysis"


class Approval(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    TO_APPLY = "to_apply", "Not yet applied for"
    SUBMITTED = "submitted", "Submitted, waiting"
    GRANTED = "granted", "Granted"


READY_APPROVALS = (Approval.NOT_NEEDED, Approval.GRANTED)


# What the board's filters and fit sort read beyond the leading columns of its indexes.
BOARD_COLUMNS = [
    "research_type",
    "subspecialty",
    "modality",
    "own_quick_facts",
    "mentor",
    "created_at",
]


def _board_index(name: str, *leading: str) -> models.Index:
    rest = [column for column in BOARD_COLUMNS if column not in leading]
    return models.Index(fields=[*leading, *rest], name=name)


class ProjectQuerySet(models.QuerySet["Project"]):
    def open_for_help(self) -> ProjectQuerySet:
        """On the board: at least one role open and the project not finished.

        `min_open_hours` is kept empty for finished projects, so one indexed
        condition says both.
        """
        return self.filter(min_open_hours__isnull=False)

    def current(self) -> ProjectQuerySet:
        return self.exclude(status__in=FINISHED)


class Project(TimeStampedModel):
    class Timing(models.TextChoices):
        RETROSPECTIVE = "retrospective", "Retrospective"
        PROSPECTIVE = "prospective", "Prospective"

    class Centres(models.TextChoices):
        SINGLE = "single", "Single-centre"
        MULTI = "multi", "Multi-centre"

    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=4000)
    research_type = models.CharField(max_length=12, choices=ResearchType.choices)
    subspecialty = models.ForeignKey(
        "people.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "subspecialty"},
    )
    modality = models.ForeignKey(
        "people.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "modality"},
    )
    timing = models.CharField(
        "design", max_length=14, choices=Timing.choices, default=Timing.RETROSPECTIVE
    )
    centres = models.CharField(max_length=6, choices=Centres.choices, default=Centres.SINGLE)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects_led"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects_supervised",
        verbose_name="supervising mentor",
        help_text="Confirmed by the mentor (or the lead supervising their own project).",
    )
    # The mentor the lead named, until they confirm (then `mentor`) or decline (then
    # nobody): a project credits no one as its supervisor without their consent.
    pending_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects_asking_to_supervise",
        verbose_name="supervising mentor asked",
    )
    sites = models.ManyToManyField("network.Site", blank=True, related_name="projects")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IDEA)
    primary_outcome = models.CharField(max_length=300, blank=True)
    ethics = models.CharField(
        "ethics / IRB", max_length=10, choices=Approval.choices, default=Approval.TO_APPLY
    )
    audit_registration = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    data_protection = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.TO_APPLY
    )
    cases = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(1_000_000)], help_text="Cases to collect."
    )
    minutes_collection = models.PositiveSmallIntegerField(
        "minutes per case to collect",
        default=0,
        validators=[MaxValueValidator(600)],
    )
    minutes_reading = models.PositiveSmallIntegerField(
        "minutes per case to read", default=0, validators=[MaxValueValidator(600)]
    )
    # Kept by the role and status services: the fewest hours a week any open role asks,
    # or None when no role is open or the project is finished (then it is off the board).
    # The board filters on it without a join.
    min_open_hours = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Kept by the project services: retrospective, approvals in place and a primary
    # outcome, the quick-win facts that belong to the row itself (the fourth, the
    # mentor's record, lives in mentors). Lets the board find quick wins by index.
    own_quick_facts = models.BooleanField(default=False, editable=False)
    # Kept by the project services: the board's categories as search words (research
    # type, subspecialty, modality, every site and region; `board.facets_of`), indexed
    # with the full text (migration 0005) so that two filters and the words meet in one
    # index lookup instead of each listing thousands of projects.
    facets = models.CharField(max_length=1000, blank=True, editable=False)
    agreement_version = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    # Set by `selectors.projects_of` for the pages that list a person's projects.
    next_milestone: Milestone | None = None

    class Meta:
        ordering = ["-created_at"]
        # One index per way into the board (no filter, quick wins, a category), each
        # followed by every column the filters and the fit sort read: the database sorts
        # thousands of matches from the index alone, without reading their rows.
        indexes = [
            _board_index("project_board", "min_open_hours"),
            _board_index("project_quick", "own_quick_facts", "min_open_hours"),
            _board_index("project_type", "research_type", "min_open_hours"),
            _board_index("project_subspecialty", "subspecialty", "min_open_hours"),
            _board_index("project_modality", "modality", "min_open_hours"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def design_summary(self) -> str:
        """Design and centres, for the types they describe: a systematic review has
        neither cases of its own nor centres, so it shows none."""
        if self.research_type == ResearchType.REVIEW:
            return ""
        return f"{self.get_timing_display()}, {self.get_centres_display().lower()}"


class StatusChange(models.Model):
    """One step on the project's timeline (the audit trail holds the same change)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="timeline")
    before = models.CharField(max_length=16, choices=Status.choices, blank=True)
    after = models.CharField(max_length=16, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.before or 'new'} → {self.after}"


class RoleKind(models.TextChoices):
    DESIGN = "design", "Project design"
    RECRUITMENT = "recruitment", "Patient recruitment"
    PROTOCOL = "protocol", "Protocol and sequence development"
    COLLECTION = "collection", "Data collection"
    READING = "reading", "Image assessment / reading"
    POST_PROCESSING = "post_processing", "Image post-processing"
    STATISTICS = "statistics", "Statistics"
    SEARCHING = "searching", "Systematic searching"
    WRITING = "writing", "Writing"


class ProjectRole(TimeStampedModel):
    """Help a project asks for: what, how many hours a week, for how long."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        WITHDRAWN = "withdrawn", "No longer needed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=16, choices=RoleKind.choices)
    hours_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    duration_weeks = models.PositiveSmallIntegerField(
        "duration in weeks", validators=[MinValueValidator(1), MaxValueValidator(260)]
    )
    description = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.project}"


class Application(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the lead"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    role = models.ForeignKey(ProjectRole, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_applications"
    )
    note = models.TextField(max_length=1000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reply = models.CharField(max_length=1000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "applicant"],
                condition=models.Q(state="pending"),
                name="application_one_pending_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.role}"


class Member(TimeStampedModel):
    """A person on the team, with what they do and their place in the author order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    responsibility = models.CharField(max_length=300)
    author_position = models.PositiveSmallIntegerField(null=True, blank=True)
    # The agreement version this member confirmed; confirmation reopens when it moves on.
    confirmed_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = [models.F("author_position").asc(nulls_last=True), "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="member_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.project}"


class CreditRole(models.TextChoices):
    """The 14 contributor roles of CRediT (ANSI/NISO Z39.104-2022)."""

    CONCEPTUALIZATION = "conceptualization", "Conceptualization"
    DATA_CURATION = "data_curation", "Data curation"
    FORMAL_ANALYSIS = "formal_analysis", "Formal analysis"
    FUNDING = "funding_acquisition", "Funding acquisition"
    INVESTIGATION = "investigation", "Investigation"
    METHODOLOGY = "methodology", "Methodology"
    ADMINISTRATION = "project_administration", "Project administration"
    RESOURCES = "resources", "Resources"
    SOFTWARE = "software", "Software"
    SUPERVISION = "supervision", "Supervision"
    VALIDATION = "validation", "Validation"
    VISUALIZATION = "visualization", "Visualization"
    WRITING_ORIGINAL = "writing_original", "Writing – original draft"  # noqa: RUF001
    WRITING_REVIEW = "writing_review", "Writing – review & editing"  # noqa: RUF001


class Degree(models.TextChoices):
    LEAD = "lead", "Lead"
    EQUAL = "equal", "Equal"
    SUPPORTING = "supporting", "Supporting"


class Contribution(models.Model):
    """One CRediT role of one member: as they declared it, and as the lead agreed it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contributions")
    role = models.CharField(max_length=24, choices=CreditRole.choices)
    declared = models.CharField(max_length=10, choices=Degree.choices, blank=True)
    agreed = models.CharField(max_length=10, choices=Degree.choices, blank=True)

    class Meta:
        ordering = ["member", "role"]
        constraints = [
            models.UniqueConstraint(fields=["member", "role"], name="contribution_once_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.member.person}: {self.get_role_display()}"


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Meeting(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(max_length=10_000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"


class Task(TimeStampedModel):
    """A piece of work with an owner and a due date; meetings' action items are tasks too."""

    class State(models.TextChoices):
        TODO = "todo", "To do"
        DOING = "doing", "In progress"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_tasks",
    )
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.TODO)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="task_overdue")]

    def __str__(self) -> str:
        return self.title


class Folder(models.TextChoices):
    APPROVALS = "approvals", "Approvals"
    DATA = "data", "Data"
    ANALYSIS = "analysis", "Analysis"
    MANUSCRIPT = "manuscript", "Manuscript"
    FIGURES = "figures", "Figures"


class Document(TimeStampedModel):
    """A named file in one of the standard folders; its content lives in its versions."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    folder = models.CharField(max_length=12, choices=Folder.choices)
    name = models.CharField(max_length=200)
    # Documents are archived, never deleted: every version stays downloadable by the team.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["folder", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "folder", "name"], name="document_unique_name_in_folder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_folder_display()}/{self.name}"


class DocumentVersion(models.Model):
    """One upload, never replaced: who, when, why, and where the storage keeps it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(max_length=500)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("projects:download", args=[self.pk])
