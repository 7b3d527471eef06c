"""Analyses of captured data: ask, run in the background, run again on the same snapshot.

Asking writes the run and its audit row in one transaction and queues the task; the task
reads the data through `capture.analysis_data` as the person who asked (so capture's
access rules apply when the data is read, not only when the run was asked for), stores
the values it used with their SHA-256, computes, and writes the outcome with its own
audit row. Every audit row is scoped to the study.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture.analysis_data import AnalysisField, analysis_fields, analysis_values
from capture.models import Study
from capture.services import audit_scope
from core.logging_tools import failure_message, log_failure
from network.access import TwoFactorRequired
from stats import access
from stats.inputs import Analysis, AnalysisInputError, Column, Dataset, Raw, Settings
from stats.models import AnalysisRun
from stats.results import Result

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def analysis_request(*, actor: User, study: Study, settings: Settings) -> AnalysisRun:
    """Queue an analysis of the study's data; fields the person may not analyse are refused."""
    if not access.may_analyse(actor, study):
        raise PermissionDenied("Only the study's statistician or admin runs analyses.")
    offered = {f.name for f in analysis_fields(actor, study, settings.event)}
    for name, role in _roles(settings):
        if name not in offered:
            raise ValidationError({role: f"{name!r} is not a field you can analyse here."})
    run = AnalysisRun.objects.create(
        study=study, requested_by=actor, kind=settings.analysis.value, settings=settings.to_json()
    )
    audit_record(
        actor=actor,
        action="stats.analysis_request",
        obj=run,
        changes={"analysis": (None, run.kind), "settings": (None, run.settings)},
        scope=audit_scope(study),
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


@transaction.atomic
def analysis_rerun(*, actor: User, run: AnalysisRun) -> AnalysisRun:
    """The same analysis on the same snapshot and settings: the result must come out equal."""
    if not access.may_analyse(actor, run.study):
        raise PermissionDenied("Only the study's statistician or admin runs analyses.")
    if run.snapshot is None:
        raise ValidationError("This run read no data, so there is nothing to run again.")
    again = AnalysisRun.objects.create(
        study=run.study,
        requested_by=actor,
        kind=run.kind,
        settings=run.settings,
        snapshot=run.snapshot,
        snapshot_sha256=run.snapshot_sha256,
        rerun_of=run,
    )
    audit_record(
        actor=actor,
        action="stats.analysis_rerun",
        obj=again,
        changes={"rerun_of": (None, run.pk), "snapshot_sha256": (None, run.snapshot_sha256)},
        scope=audit_scope(run.study),
    )
    transaction.on_commit(lambda: _enqueue(again.pk))
    return again


def _enqueue(run_id: int) -> None:
    from stats.tasks import run_analysis as task

    task.enqueue(run_id=run_id)


def _roles(settings: Settings) -> list[tuple[str, str]]:
    if settings.analysis in (Analysis.ACCURACY, Analysis.ROC):
        pairs = [
            (settings.index, "index"),
            (settings.index_second, "index_second"),
            (settings.reference, "reference"),
        ]
        return [(name, role) for name, role in pairs if name]
    return [(name, "measurements") for name in settings.measurements]


def analysis_execute(run_id: int) -> AnalysisRun:
    """Read (unless a rerun), compute and store one run; bad input is recorded, not raised."""
    # Imported here: numpy and scipy are the worker's, not every web process's first request.
    from stats.analyses import run_analysis

    run = AnalysisRun.objects.select_related("study", "requested_by").get(pk=run_id)
    AnalysisRun.objects.filter(pk=run.pk).update(state=AnalysisRun.State.RUNNING)
    result: Result | None = None
    error, field = "", ""
    try:
        settings = Settings.from_json(run.settings)
        if run.snapshot is None:
            run.snapshot = take_snapshot(actor=run.requested_by, study=run.study, settings=settings)
            run.snapshot_sha256 = snapshot_digest(run.snapshot)
        result = run_analysis(snapshot_dataset(run.snapshot), settings)
    except AnalysisInputError as problem:
        error, field = problem.message, problem.field
    except (PermissionDenied, TwoFactorRequired) as refused:
        error = f"The data could not be read: {refused}"
    except KeyError as unknown:  # a field the person may no longer analyse
        error = f"The data could not be read: {unknown.args[0]}"
    except Exception:
        reference = log_failure(logger, "analysis.failed", run_id=run.pk)
        error = failure_message(reference, "the analysis")
    _finish(run, result, error, field)
    return run


def _finish(run: AnalysisRun, result: Result | None, error: str, field: str) -> None:
    run.result, run.error, run.error_field = result, error, field
    run.state = AnalysisRun.State.DONE if result is not None else AnalysisRun.State.FAILED
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save(
            update_fields=[
                "snapshot",
                "snapshot_sha256",
                "result",
                "error",
                "error_field",
                "state",
                "finished_at",
            ]
        )
        audit_record(
            actor=run.requested_by,
            action="stats.analysis_done" if result is not None else "stats.analysis_failed",
            obj=run,
            changes={
                "rows": (None, len(run.snapshot["records"]) if run.snapshot else 0),
                "snapshot_sha256": (None, run.snapshot_sha256),
                **({"error": (None, error)} if error else {}),
            },
            scope=audit_scope(run.study),
        )


class SnapshotField(TypedDict):
    name: str
    label: str
    numeric: bool
    choices: Sequence[Sequence[str]]  # (code, label) pairs; lists when read back from JSON


class SnapshotData(TypedDict):
    """What an analysis reads of a snapshot."""

    fields: list[SnapshotField]
    records: list[str]
    columns: Mapping[str, Sequence[Raw]]


class Snapshot(SnapshotData):
    """The de-identified data an analysis ran on, as kept on its run (JSON)."""

    study: int
    event: NotRequired[str]  # not kept by runs made before longitudinal studies
    taken_at: str
    sites: list[str]


def take_snapshot(*, actor: User | None, study: Study, settings: Settings) -> Snapshot:
    """The de-identified values the analysis uses, with the fields' labels and choices."""
    if actor is None:
        raise PermissionDenied("The person who asked for this analysis no longer exists.")
    names = settings.columns()
    fields = {f.name: f for f in analysis_fields(actor, study, settings.event)}
    values = analysis_values(actor, study, names, settings.event)
    return {
        "study": study.pk,
        "event": settings.event,
        "taken_at": timezone.now().isoformat(),
        "fields": [_field_json(fields[name]) for name in names],
        "records": values.records,
        "sites": values.sites,
        "columns": values.columns,
    }


def _field_json(f: AnalysisField) -> SnapshotField:
    return {"name": f.name, "label": f.label, "numeric": f.numeric, "choices": list(f.choices)}


def snapshot_digest(snapshot: Snapshot) -> str:
    """SHA-256 of the values and fields (not the time), so equal data give equal digests."""
    content = {
        "fields": snapshot["fields"],
        "records": snapshot["records"],
        "sites": snapshot["sites"],
        "columns": snapshot["columns"],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_dataset(snapshot: SnapshotData) -> Dataset:
    """The dataset of a snapshot as stored (a `Snapshot` read back from JSON)."""
    columns = {}
    for f in snapshot["fields"]:
        choices = [(code, label) for code, label in f["choices"]]
        columns[f["name"]] = Column(
            f["name"],
            tuple(snapshot["columns"][f["name"]]),
            f["label"],
            tuple(code for code, _ in choices),
            dict(choices),
        )
    return Dataset(tuple(snapshot["records"]), columns)
