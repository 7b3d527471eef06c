"""Multi-centre data capture: studies, their sites and roles, dictionaries, records and queries.

A study's instruments and fields are its data dictionary in REDCap's CSV format, kept
as text per version (`DictionaryVersion`) and read with `formats.datadictionary`; the
live version is the one records are entered against. Values are stored per instrument
instance (`Entry.data`, field name → the value as REDCap exports it; a checkbox holds
the list of checked codes), which keeps a 100,000-record study at a few hundred thousand
rows and lets exports stream one entry after another.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


def _new_secret() -> str:
    return secrets.token_hex(32)


class Study(TimeStampedModel):
    class Status(models.TextChoices):
        DESIGN = "design", "Design"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    protocol_summary = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DESIGN)
    pseudonymisation_rules = models.TextField(
        blank=True,
        default=(
            "Enter no name, NHS number, hospital number, date of birth, address or postcode. "
            "Use the record id RadCollab gives; keep the key to it at your site only."
        ),
        help_text="Shown on every entry form.",
    )
    require_gcp = models.BooleanField(
        "Requires valid GCP", default=False, help_text="People must hold valid GCP to join."
    )
    allow_file_fields = models.BooleanField(
        default=False, help_text="Allow file-upload fields once the study is live."
    )
    repeating_instruments = models.JSONField(
        default=list, blank=True, help_text="Instruments a record may hold more than once."
    )

    class RecordIds(models.TextChoices):
        SITE = "site", "RadCollab's: the site and a number (STH-1, STH-2, …)"
        REDCAP = "redcap", "REDCap's: any id, kept exactly as a REDCap import gives it (1, a-12, …)"

    record_ids = models.CharField(
        "Record ids",
        max_length=8,
        choices=RecordIds.choices,
        default=RecordIds.SITE,
        help_text=(
            "How records are named; fixed once records exist. With REDCap's ids an import "
            "keeps the ids it gives, each record at the site its data access group names, "
            "and a record made here is still named CODE-n."
        ),
    )
    # Closing starts the retention period: `retention_days` after `closed_at` (or the
    # deployment's RADCOLLAB_STUDY_RETENTION_DAYS when empty) the study's records, exports,
    # imports and analysis snapshots are deleted (capture/retention.py), `purged_at` set.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    retention_days = models.PositiveIntegerField(
        "Keep the data after closing (days)",
        null=True,
        blank=True,
        help_text="Empty: the network's default. The records are deleted when it ends.",
    )
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Keys the per-record date shift of de-identified exports; never shown to anyone.
    export_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.title


class StudySite(models.Model):
    """A participating site: one data-access group, with the code its record ids carry."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="study_sites")
    site = models.ForeignKey("network.Site", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(
        max_length=12, help_text="Letters and digits: records are numbered CODE-1, CODE-2, ..."
    )
    next_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["study", "site"], name="studysite_unique_site"),
            models.UniqueConstraint(fields=["study", "code"], name="studysite_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.site})"


class StudyRole(TimeStampedModel):
    """What a person may do in one study; site-bound roles name the study site."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Study admin"
        SITE_LEAD = "site_lead", "Site lead"
        COLLABORATOR = "collaborator", "Collaborator"
        VALIDATOR = "validator", "Validator"
        STATISTICIAN = "statistician", "Statistician"
        VIEWER = "viewer", "Viewer"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    study_site = models.ForeignKey(
        StudySite, null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["study", "person", "role", "study_site"],
                condition=models.Q(ended_at__isnull=True),
                name="studyrole_unique_active",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        where = f" at {self.study_site.code}" if self.study_site is not None else ""
        return f"{self.get_role_display()}{where}"


class DictionaryVersion(models.Model):
    """One version of a study's data dictionary, as the REDCap CSV it was imported from.

    Records are entered against the newest applied version. A change to a study that
    holds data is first a proposed version (at most one per study, numbered after the
    applied one) whose impact on the data is previewed; applying it moves the data
    (`capture.versions`). `archived` names the values it set aside: archive key (the
    key in `Entry.data`) -> the field and the version whose definition describes them.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPLIED = "applied", "Applied"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    csv = models.TextField()
    note = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.APPLIED)
    renames = models.JSONField(default=dict, blank=True, help_text="Old field name -> new name.")
    mappings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Field -> {old code: new code or 'archive'} for recoded choices.",
    )
    archived = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    design = models.JSONField(
        default=dict,
        blank=True,
        help_text="Arms, events, designations and repeating setup this version recorded.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="dictionary_unique_number"),
            models.UniqueConstraint(
                fields=["study"],
                condition=models.Q(state="proposed"),
                name="dictionary_one_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} v{self.number}"


class Arm(models.Model):
    """An arm of a longitudinal study (REDCap's `arm_num` and `name`); events belong to one."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["study", "number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="arm_unique_number")
        ]

    def __str__(self) -> str:
        return f"Arm {self.number}: {self.name}"


class Event(models.Model):
    """One visit of an arm, named as REDCap writes it in `redcap_event_name`: `<event>_arm_<n>`.

    A study is longitudinal when it has events; a classic study has none and its entries
    carry no event. `day_offset` and the window (`offset_min` days before, `offset_max`
    after) say when the visit is due. `repeating` makes the whole event repeatable
    (REDCap's "repeat entire event"); instruments that repeat within one event are marked
    on their designation instead.
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="events")
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="events")
    unique_name = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    custom_label = models.CharField(
        max_length=200, blank=True, help_text="REDCap's custom event label (may pipe values)."
    )
    day_offset = models.FloatField(default=0)
    offset_min = models.FloatField(default=0)
    offset_max = models.FloatField(default=0)
    order = models.PositiveIntegerField(default=0)
    repeating = models.BooleanField(default=False, help_text="The whole event repeats.")

    class Meta:
        ordering = ["arm__number", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "unique_name"], name="event_unique_name")
        ]

    def __str__(self) -> str:
        return self.label


class Designation(models.Model):
    """An instrument designated to an event (REDCap's instrument-event mapping)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="designations")
    instrument = models.CharField(max_length=100)
    repeating = models.BooleanField(
        default=False, help_text="The instrument repeats within its event."
    )
    custom_label = models.CharField(
        max_length=200, blank=True, help_text="REDCap's custom label of a repeating instance."
    )

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "instrument"], name="designation_unique_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} @ {self.event.unique_name}"


class Record(TimeStampedModel):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="records")
    study_site = models.ForeignKey(StudySite, on_delete=models.PROTECT, related_name="records")
    number = models.PositiveIntegerField()
    label = models.CharField(
        max_length=100,
        help_text="The record id: CODE-n, or as imported from REDCap; unique at its site.",
    )
    locked = models.BooleanField(default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    signed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["study_site__code", "number"]
        constraints = [
            # Per site: a REDCap id given at one site must not tell whether another site
            # uses it (capture.access's rule). CODE-n ids are unique in the study anyway.
            models.UniqueConstraint(
                fields=["study_site", "label"], name="record_unique_label_per_site"
            ),
            models.UniqueConstraint(
                fields=["study_site", "number"], name="record_unique_number_per_site"
            ),
        ]
        indexes = [
            # Records are looked up by id across the sites one may see.
            models.Index(fields=["study", "label"], name="record_study_label"),
            # The network dashboard counts records per site and year from this index
            # alone (credit.dashboard.records_by_site_and_year), never reading the rows.
            models.Index(fields=["study_site", "created_at"], name="record_site_created"),
        ]

    def __str__(self) -> str:
        return self.label


class Entry(models.Model):
    """One instrument (one instance of a repeating one) of a record, with its values."""

    class Status(models.IntegerChoices):
        INCOMPLETE = 0, "Incomplete"
        UNVERIFIED = 1, "Unverified"
        COMPLETE = 2, "Complete"

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="entries")
    # Null in a classic study; an event of the record's study in a longitudinal one.
    # RESTRICT: an event that holds data cannot be removed on its own (capture.longitudinal
    # refuses too), but goes with its study, whose records take the entries with them.
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.RESTRICT, related_name="entries"
    )
    instrument = models.CharField(max_length=100)
    instance = models.PositiveIntegerField(default=1)
    data = models.JSONField(default=dict)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.INCOMPLETE)
    version = models.PositiveIntegerField(default=1)
    locked = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record", "instrument", "instance"]
        # Two partial constraints rather than one with nulls_distinct=False, which SQLite
        # ignores: a classic entry is unique without its (null) event.
        constraints = [
            models.UniqueConstraint(
                fields=["record", "instrument", "instance"],
                condition=models.Q(event__isnull=True),
                name="entry_unique_instance",
            ),
            models.UniqueConstraint(
                fields=["record", "event", "instrument", "instance"],
                condition=models.Q(event__isnull=False),
                name="entry_unique_event_instance",
            ),
        ]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        suffix = f" #{self.instance}" if self.instance > 1 else ""
        at = f" ({self.event.label})" if self.event is not None else ""
        return f"{self.record} {self.instrument}{suffix}{at}"


class DataQuery(TimeStampedModel):
    """A validator's question about one value, answered by the site (data resolution)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="queries")
    field = models.CharField(max_length=100)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "data queries"

    def __str__(self) -> str:
        return f"Query on {self.entry} {self.field}"


class QueryMessage(models.Model):
    query = models.ForeignKey(DataQuery, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return self.text[:60]


class Export(models.Model):
    """A file of study data made in the background for the person who asked, and only them."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        SAV = "sav", "SPSS (.sav)"
        DTA = "dta", "Stata (.dta)"
        R = "r", "R script with CSV (zip)"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    options = models.JSONField(default=dict)
    study_sites = models.JSONField(
        default=list, help_text="Study-site ids covered; empty means every site."
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(
        default=1, help_text="Raised by each retry; only the task of this attempt may finish it."
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running task last reported progress."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export of {self.study}"


class DataImport(models.Model):
    """An uploaded records file between its preview and its commit (by its uploader only)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Waiting for the task worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="imports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    records = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempt = models.PositiveIntegerField(
        default=1, help_text="Raised by each retry; only the task of this attempt may finish it."
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running task last reported progress."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import into {self.study} ({self.get_state_display()})"


class SiteCompleteness(models.Model):
    """The completeness dashboard's counts for one study site, kept as data changes.

    Counting entries across 100,000 records on every view is too slow, so the services
    that create records, change an entry's status or a query's state, and the import,
    adjust these counts in their own transaction (`capture.completeness`);
    `manage.py recount_completeness` recounts them from the data.
    """

    study_site = models.OneToOneField(
        StudySite, on_delete=models.CASCADE, primary_key=True, related_name="completeness"
    )
    records = models.IntegerField(default=0)
    complete = models.IntegerField(default=0, help_text="Entries whose status is complete.")
    open_queries = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "site completeness"

    def __str__(self) -> str:
        return f"{self.study_site}: {self.records} records"
