"""Research outputs: what a person published, presented or won, with its ordered authors.

Track records are measured from these rows. Authors are linked to people where they
match, so that co-authorship with trainees and collaboration can be counted. A link
to someone other than the person making it waits in `Author.pending_person` until
that person confirms it (`outputs.services.authorship_confirm`); only `Author.person`,
the confirmed link, counts anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import TimeStampedModel
from formats.bibliography.text import HONORIFICS


class Output(TimeStampedModel):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Journal article"
        PREPRINT = "preprint", "Preprint"
        ABSTRACT = "abstract", "Conference abstract"
        POSTER = "poster", "Poster"
        ORAL = "oral", "Oral presentation"
        BOOK = "book", "Book"
        CHAPTER = "chapter", "Book chapter"
        THESIS = "thesis", "Thesis"
        REPORT = "report", "Report"
        DATASET = "dataset", "Dataset"
        SOFTWARE = "software", "Software"
        GRANT = "grant", "Grant"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    class Status(models.TextChoices):
        IN_PREPARATION = "in_preparation", "In preparation"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        IN_PRESS = "in_press", "In press"
        PUBLISHED = "published", "Published"

    # Where a conference presentation leads: an abstract, poster or talk "became" the
    # later article, and the two stay separate outputs.
    PRESENTED = ("abstract", "poster", "oral")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=500)
    venue = models.CharField(max_length=300, blank=True, help_text="Journal, meeting or funder.")
    date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How much of the date is known: a PubMed record may give only a year.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    ends_on = models.DateField(null=True, blank=True, help_text="When a grant's funding ends.")
    abstract = models.TextField(blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(
        max_length=50, blank=True, help_text="First and last page: “123-130”, or one page."
    )
    article_number = models.CharField(
        max_length=50, blank=True, help_text="An online journal's article number (e0123)."
    )
    publisher = models.CharField(max_length=300, blank=True)
    issn = models.CharField("ISSN", max_length=60, blank=True)
    more_authors = models.BooleanField(
        default=False,
        help_text="The source ends its author list with “et al.”: there are more authors.",
    )
    affiliations = models.TextField(
        blank=True,
        help_text="Affiliations the source lists for the work as a whole, one per line.",
    )
    became = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="became_from",
        help_text="The later output this one became: an abstract that became an article.",
    )
    # The normalised title (formats.bibliography.title_key) that finds duplicates on import.
    title_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outputs_added",
        help_text="Who recorded it; they may edit it, as may its linked authors.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outputs",
        help_text="The RadCollab project this output came from.",
    )
    themes = models.ManyToManyField(
        "people.Term",
        blank=True,
        related_name="outputs",
        help_text="Research themes (subspecialties, methods) that group the output on a CV.",
    )
    # People who declined to be linked to this output: no later edit or import links
    # them again (by name or ORCID) unless they link themselves.
    declined_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="outputs_declined",
        help_text="People who said they are not an author of this output.",
    )

    class Meta:
        ordering = ["-date", "title"]
        indexes = [
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["doi"], name="output_doi_idx"),
            models.Index(fields=["pmid"], name="output_pmid_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outputs:detail", args=[self.pk])

    @property
    def date_display(self) -> str:
        """The date as precisely as it is known: '2021', 'Mar 2021' or '15 Mar 2021'."""
        if self.date is None:
            return ""
        if self.date_precision == self.Precision.YEAR:
            return str(self.date.year)
        if self.date_precision == self.Precision.MONTH:
            return self.date.strftime("%b %Y")
        return f"{self.date.day} {self.date.strftime('%b %Y')}"


class Author(models.Model):
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    # The name's parts as the source gave them, for citations ("Okafor A"); empty for
    # authors typed before they were kept, which are split from `name` when cited.
    family = models.CharField(max_length=200, blank=True)
    given = models.CharField(max_length=200, blank=True)
    affiliation = models.TextField(blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
        help_text="The person this author is, confirmed by them (or linked by themselves).",
    )
    pending_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pending_authorships",
        help_text="The person someone else linked this author to, until they confirm it.",
    )
    orcid = models.CharField("ORCID", max_length=19, blank=True)

    class Meta:
        ordering = ["output", "position"]
        constraints = [
            models.UniqueConstraint(fields=["output", "position"], name="author_unique_position"),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(pending_person__isnull=True),
                name="author_linked_or_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "output"]),
            models.Index(fields=["pending_person", "output"], name="author_pending_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def parts(self) -> tuple[str, str]:
        """(family, given): as stored, or 'Amara N. Okafor' / 'Okafor, Amara' split."""
        if self.family:
            return self.family, self.given
        return split_name(self.name)


GROUP_WORDS = frozenset(
    {"group", "collaborative", "consortium", "collaboration", "committee", "society", "network"}
)


def split_name(name: str) -> tuple[str, str]:
    """'Okafor, Amara' → ('Okafor', 'Amara'); 'Amara Okafor' → ('Okafor', 'Amara'); a group
    ('UK Radiology Trainee Collaborative', or any name in braces) is all family name."""
    text = name.strip()
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1].strip(), ""
    family, comma, given = text.partition(",")
    if comma:
        return family.strip(), given.strip()
    words = text.split()
    if GROUP_WORDS & {w.casefold() for w in words}:
        return text, ""
    while len(words) > 1 and words[0].casefold().strip(".") in HONORIFICS:
        words = words[1:]  # "Dr Amara Okafor" is cited "Okafor A", not "Okafor DA"
    return (words[-1], " ".join(words[:-1])) if words else ("", "")


class OutputImport(TimeStampedModel):
    """One import of a bibliography file: a short-lived draft until it is committed.

    The web preview stores the uploaded text here, so the confirm button carries only
    this row's id: the text never travels back through the browser, and a second web
    process can commit what the first one previewed. Committing empties `text` (the
    digest stays) so that drafts do not pile up file contents.
    """

    class State(models.TextChoices):
        FETCHING = "fetching", "Looking up"
        FAILED = "failed", "Look-up failed"
        DRAFT = "draft", "Previewed"
        COMMITTED = "committed", "Imported"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="output_imports"
    )
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the imported text.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)
    # An import by identifier: what was asked for, the background look-up's progress,
    # and what it could not add (an identifier not found, a work of a type not kept).
    identifiers = models.TextField(blank=True, help_text="DOIs, PMIDs and ORCID iDs, one a line.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    offline = models.BooleanField(default=False, help_text="The look-up found no network.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} import by {self.person} ({self.get_state_display()})"
