"""Analysis runs on a study's captured data, each kept with the data and settings it used.

A run stores the de-identified values it read (`snapshot`, with their SHA-256) and its
settings, so running it again on the same snapshot reproduces the result exactly, and
its result as plain JSON (`stats.analyses`): tables of raw numbers, sentences, and the
data the figures are drawn from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from stats.titles import TITLES


class AnalysisRun(models.Model):
    class Kind(models.TextChoices):
        ACCURACY = "accuracy", TITLES["accuracy"]
        ROC = "roc", TITLES["roc"]
        AGREEMENT = "agreement", TITLES["agreement"]
        ICC = "icc", TITLES["icc"]
        BLAND_ALTMAN = "bland_altman", TITLES["bland_altman"]
        REPEATABILITY = "repeatability", TITLES["repeatability"]

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Could not run"

    study = models.ForeignKey(
        "capture.Study", on_delete=models.CASCADE, related_name="analysis_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    settings = models.JSONField(default=dict)
    snapshot = models.JSONField(
        null=True, blank=True, help_text="The de-identified values the run read."
    )
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_field = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["study", "-created_at"], name="analysisrun_study_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.study_id}"

    def get_absolute_url(self) -> str:
        return reverse("stats:run", args=[self.study_id, self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
