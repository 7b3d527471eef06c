"""Exports of study data: asked for on a page, made by a background task, streamed to a file.

Records are read a page at a time (their entries in one query each page), turned into
REDCap-shaped rows (`ExportRecord`) and written by the pure writers of
`formats.exports`, so memory stays flat however many records a study holds. Only the
person who asked may download the file, or retry it when it failed; asking, retrying
and downloading are audited. The task's life (attempts, progress, stalls) is
`capture.jobs`'s.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from audit.services import audit_record
from capture import access, jobs
from capture.access import Can
from capture.logic import Stored
from capture.models import Entry, Event, Export, Record, Study
from capture.services import audit_scope
from capture.versions.reading import export_dictionary
from core.logging_tools import log_failure
from formats.exports import (
    CheckboxLayout,
    ExportError,
    ExportOptions,
    ExportPlan,
    ExportRecord,
    RepeatLayout,
    hmac_offset,
    scan_max_instances,
    write_codebook,
    write_csv,
    write_r_script,
)

if TYPE_CHECKING:
    from accounts.models import User

# Records read per query: their entries are fetched whole, so no cursor stays open.
PAGE = 500
logger = logging.getLogger(__name__)


@transaction.atomic
def export_request(
    *,
    actor: User,
    study: Study,
    format: str,
    labels: bool = False,
    deidentify: bool = False,
    checkboxes: str = CheckboxLayout.WIDE,
    repeats: str = RepeatLayout.LONG,
    archived: bool = False,
    raw: bool = False,
) -> Export:
    """Queue an export of what the person may take: identifiable or de-identified.

    A role with `EXPORT` takes its own sites (the study admin all); a role with only
    `EXPORT_DEIDENTIFIED` (the statistician) takes every site, always de-identified.
    A CSV is safe to open in a spreadsheet unless `raw` asks for text exactly as entered.
    """
    if format not in Export.Format.values:
        raise ValidationError({"format": f"Unknown export format {format!r}."})
    if checkboxes not in CheckboxLayout.__members__.values():
        raise ValidationError({"checkboxes": f"Unknown checkbox layout {checkboxes!r}."})
    if repeats not in RepeatLayout.__members__.values():
        raise ValidationError({"repeats": f"Unknown repeat layout {repeats!r}."})
    deidentify, study_sites = _scope(actor, study, deidentify=deidentify)
    export = Export.objects.create(
        study=study,
        requested_by=actor,
        format=format,
        options={
            "labels": labels,
            "deidentify": deidentify,
            "checkboxes": str(checkboxes),
            "repeats": str(repeats),
            "archived": archived,
            "raw": raw,
        },
        study_sites=study_sites,
    )
    audit_record(
        actor=actor,
        action="export.request",
        obj=export,
        changes={"format": (None, format), "options": (None, export.options)},
        scope=audit_scope(study),
    )
    transaction.on_commit(lambda: _enqueue(export.pk, export.attempt))
    return export


def _scope(actor: User, study: Study, *, deidentify: bool) -> tuple[bool, list[int]]:
    """Whether the export is de-identified and the study sites it covers ([] for all)."""
    if access.can(actor, study, Can.EXPORT) and not deidentify:
        action = Can.EXPORT
    elif access.can(actor, study, Can.EXPORT_DEIDENTIFIED):
        action, deidentify = Can.EXPORT_DEIDENTIFIED, True
    else:
        raise PermissionDenied("Your role in this study does not allow exports.")
    access.require(actor, study, action)
    allowed = access.sites(actor, study, action)
    return deidentify, [] if allowed is access.EVERY_SITE else sorted(allowed)


@transaction.atomic
def export_retry(*, actor: User, study: Study, pk: int) -> Export:
    """Queue a failed export again, for the person who asked only, under their rights today."""
    found = Export.objects.select_for_update().filter(pk=pk, study=study, requested_by=actor)
    export = found.first()
    if export is None:
        raise Http404("No such export.")
    deidentify, study_sites = _scope(
        actor, study, deidentify=bool(export.options.get("deidentify"))
    )
    attempt = jobs.retry(export, actor=actor)
    options = {**export.options, "deidentify": deidentify}
    Export.objects.filter(pk=export.pk).update(
        options=options, study_sites=study_sites, total=None, finished_at=None
    )
    audit_record(
        actor=actor,
        action="export.retry",
        obj=export,
        changes={"attempt": (attempt - 1, attempt)},
        scope=audit_scope(study),
    )
    transaction.on_commit(lambda: _enqueue(export.pk, attempt))
    return export


def exports_of(actor: User, study: Study) -> QuerySet[Export]:
    """The person's own exports of the study, newest first; stalled ones marked failed."""
    mine = Export.objects.filter(study=study, requested_by=actor)
    jobs.fail_stale(mine)
    return mine


def _enqueue(export_id: int, attempt: int) -> None:
    from capture.tasks import run_export

    run_export.enqueue(export_id=export_id, attempt=attempt)


def export_run(export_id: int, attempt: int | None = None) -> Export:
    """Make the file of one attempt at an export (called by the task); never raises.

    A failure is recorded on the export with a message for the person and logged with
    its traceback for the administrator; an attempt that was superseded (retried, or
    marked failed when it stalled) changes nothing.
    """
    export = Export.objects.select_related("study").get(pk=export_id)
    attempt = attempt or export.attempt
    if not jobs.claim(Export, export.pk, attempt):
        return export
    # Recorded after the exception is gone, with whatever it held (the rows being read).
    failure = _attempt(export, attempt)
    try:
        if failure is None:
            _finish(export, attempt)
        else:
            jobs.fail(Export, export.pk, attempt, failure, finished_at=timezone.now())
    except DatabaseError:
        # Left running: it is marked failed when it stops reporting progress.
        logger.exception("Export %s (attempt %s): its outcome was not saved", export.pk, attempt)
    export.refresh_from_db()
    return export


def _attempt(export: Export, attempt: int) -> str | None:
    """Write the file; None, or what went wrong in words for the person who asked."""
    try:
        _write(export, attempt)
    except ExportError as refused:  # worded for the person: what to change
        logger.warning("export.refused", extra={"export_id": export.pk, "attempt": attempt})
        return str(refused)
    except Exception:
        reference = log_failure(logger, "export.failed", export_id=export.pk, attempt=attempt)
        return jobs.unexpected(reference, "the export")
    return None


def _finish(export: Export, attempt: int) -> None:
    """Publish the file, unless the attempt was superseded meanwhile (then drop it)."""
    finished = Export.objects.filter(pk=export.pk, attempt=attempt, state=Export.State.RUNNING)
    if not finished.update(
        state=Export.State.DONE,
        file=export.file.name,
        done=export.done,
        total=export.total,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    ):
        export.file.delete(save=False)


def _write(export: Export, attempt: int) -> None:
    # Imported here: pandas, pyreadstat and openpyxl are the worker's, not the web's first request.
    from formats.exports.statfiles import write_dta, write_sav
    from formats.exports.xlsx import write_xlsx

    study = export.study
    # Values archived by dictionary versions are columns only when asked for.
    dictionary = export_dictionary(study, archived=bool(export.options.get("archived")))
    options = _options(export, study)
    total = _records(export).count()
    export.total = total
    jobs.beat(Export, export.pk, attempt, total=total)

    def progress(done: int, _: int | None) -> None:
        # No cursor is open here (`rows` reads page by page), so on SQLite this short
        # update cannot meet a stale read snapshot and fail at once.
        jobs.beat(Export, export.pk, attempt, done=done)
        export.done = done

    max_instances = (
        scan_max_instances(rows(export)) if options.repeats == RepeatLayout.WIDE else None
    )
    plan = ExportPlan(dictionary, options, max_instances=max_instances)
    long_checkboxes = options.checkboxes == CheckboxLayout.LONG
    with tempfile.TemporaryDirectory(prefix="radcollab-export-") as folder:
        base = Path(folder)
        data = base / f"records.{_suffix(export.format)}"
        extra = base / f"checkboxes.{_suffix(export.format)}" if long_checkboxes else None
        kwargs: WriterProgress = {"total": total, "progress": progress}
        if export.format in (Export.Format.CSV, Export.Format.R):
            with data.open("w", newline="", encoding="utf-8") as out:
                if extra is not None:
                    with extra.open("w", newline="", encoding="utf-8") as more:
                        write_csv(plan, rows(export), out, checkboxes_out=more, **kwargs)
                else:
                    write_csv(plan, rows(export), out, **kwargs)
        elif export.format == Export.Format.XLSX:
            write_xlsx(plan, rows(export), str(data), **kwargs)
        else:
            writer = write_sav if export.format == Export.Format.SAV else write_dta
            summary = writer(plan, rows(export), data, checkboxes_out=extra, **kwargs)
            if summary.renamed:
                # Names the format could not take: the codebook says which is which.
                with (base / "codebook.csv").open("w", newline="", encoding="utf-8") as out:
                    write_codebook(plan.columns, summary.renamed, out)
        if export.format == Export.Format.R:
            script = write_r_script(
                plan,
                csv_name=data.name,
                checkboxes_csv_name=extra.name if extra else None,
                title=study.title,
            )
            (base / "records.R").write_text(script, encoding="utf-8")
        made = (data, extra, base / "records.R", base / "codebook.csv")
        paths = [path for path in made if path and path.exists()]
        if len(paths) == 1:
            name = f"study-{study.pk}-{timezone.now():%Y%m%d-%H%M}{data.suffix}"
            with paths[0].open("rb") as handle:
                export.file.save(name, File(handle), save=False)
        else:
            bundle = base / "export.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in paths:
                    archive.write(path, path.name)
            with bundle.open("rb") as handle:
                name = f"study-{study.pk}-{timezone.now():%Y%m%d-%H%M}.zip"
                export.file.save(name, File(handle), save=False)


def _suffix(format: str) -> str:
    return "csv" if format in (Export.Format.CSV, Export.Format.R) else format


def _options(export: Export, study: Study) -> ExportOptions:
    chosen = export.options
    deidentify = bool(chosen.get("deidentify"))
    # The R bundle's CSV is read by its R script, so its text stays exactly as entered.
    raw = bool(chosen.get("raw")) or export.format == Export.Format.R
    return ExportOptions(
        labels=bool(chosen.get("labels")),
        checkboxes=CheckboxLayout(chosen.get("checkboxes", CheckboxLayout.WIDE)),
        repeats=RepeatLayout(chosen.get("repeats", RepeatLayout.LONG)),
        **shape_of(study).options(),
        deidentify=deidentify,
        date_offset=hmac_offset(study.export_secret.encode()) if deidentify else None,
        spreadsheet_safe=not raw,
    )


def _records(export: Export) -> QuerySet[Record]:
    records = Record.objects.filter(study=export.study)
    if export.study_sites:
        records = records.filter(study_site_id__in=export.study_sites)
    return records


def rows(export: Export) -> Iterator[ExportRecord]:
    """The study's entries as REDCap rows, record after record, read a page at a time.

    Each page of records is read whole, so no cursor stays open while the writer reports
    progress: on SQLite (WAL) a connection that holds an open read and then writes, after
    another connection saved something, is refused at once with "database is locked".
    A record's entries are read in one query, so each record is consistent in itself.
    """
    return record_rows(_records(export), shape_of(export.study))


class WriterProgress(TypedDict):
    """What every writer is given to report its progress."""

    total: int | None
    progress: Callable[[int, int | None], None]


class ShapeOptions(TypedDict, total=False):
    """ExportOptions' repeat and event settings for a study's shape."""

    repeating_forms: frozenset[str]
    events: tuple[str, ...]
    repeating_events: frozenset[str]


# An entry as a page of rows reads it: record label, site code, instrument, instance, data,
# status (and the event id, in a longitudinal study).
PageEntry = tuple[str, str, str, int, dict[str, Stored], int]
EventEntry = tuple[str, str, str, int, dict[str, Stored], int, int | None]
# A value as an export row holds it: text, or a checkbox's ticked codes.
ExportValue = str | set[str]


@dataclass(frozen=True)
class Shape:
    """How a study's entries become REDCap rows: a classic study's repeating forms, or a
    longitudinal study's events (id -> unique name, in order) and what repeats where."""

    repeating: frozenset[str]
    events: dict[int, str] | None = None
    repeating_events: frozenset[int] = frozenset()
    repeating_at: frozenset[tuple[int, str]] = frozenset()  # (event id, form)

    def options(self) -> ShapeOptions:
        """ExportOptions' repeat and event settings for this shape."""
        if self.events is None:
            return {"repeating_forms": self.repeating}
        return {
            "repeating_forms": frozenset(form for _, form in self.repeating_at),
            "events": tuple(self.events.values()),
            "repeating_events": frozenset(self.events[e] for e in self.repeating_events),
        }


def shape_of(study: Study) -> Shape:
    events = list(
        Event.objects.filter(study=study)
        .prefetch_related("designations")
        .order_by("arm__number", "order", "pk")
    )
    if not events:
        return Shape(repeating=frozenset(study.repeating_instruments))
    return Shape(
        repeating=frozenset(),
        events={e.pk: e.unique_name for e in events},
        repeating_events=frozenset(e.pk for e in events if e.repeating),
        repeating_at=frozenset(
            (e.pk, d.instrument) for e in events for d in e.designations.all() if d.repeating
        ),
    )


def record_rows(
    records: QuerySet[Record], shape: Shape | set[str] | frozenset[str]
) -> Iterator[ExportRecord]:
    """`records` (already limited to what the reader may see) as REDCap rows, a page at a time.

    Shared by the export task and the REDCap-compatible API, which streams the same rows.
    `shape` is the study's (`shape_of`); a set of repeating forms stands for a classic one.
    """
    if not isinstance(shape, Shape):
        shape = Shape(repeating=frozenset(shape))
    ordered = records.order_by("study_site__code", "number")
    record_ids = list(ordered.values_list("pk", flat=True))
    order = ["record__study_site__code", "record__number"]
    if shape.events is not None:
        order += ["event__arm__number", "event__order", "event_id"]
    for start in range(0, len(record_ids), PAGE):
        page = (
            Entry.objects.filter(record_id__in=record_ids[start : start + PAGE])
            .order_by(*order, "instrument", "instance")
            .values_list(
                "record__label",
                "record__study_site__code",
                "instrument",
                "instance",
                "data",
                "status",
                "event_id",
            )
        )
        if shape.events is None:
            yield from _page_rows([row[:6] for row in page], set(shape.repeating))
        else:
            yield from _event_rows(list(page), shape)


def _event_rows(entries: list[EventEntry], shape: Shape) -> Iterator[ExportRecord]:
    """A longitudinal page as REDCap writes it: per record and event a row of the forms that
    do not repeat there, then a row per instance of a repeating form (or, for an event that
    repeats whole, a row per instance of the event)."""
    events = shape.events or {}
    for (label, code, event_id), group in groupby(entries, key=lambda e: (e[0], e[1], e[6])):
        event = events.get(event_id, "")
        head: dict[str, ExportValue] = {}
        statuses: dict[str, int] = {}
        repeats: dict[tuple[str | None, int], ExportRecord] = {}
        for _, _, instrument, instance, data, status, _ in group:
            if event_id in shape.repeating_events:
                key: tuple[str | None, int] = (None, instance)
            elif (event_id, instrument) in shape.repeating_at:
                key = (instrument, instance)
            else:
                head.update(_values(data))
                statuses[instrument] = status
                continue
            row = repeats.get(key) or ExportRecord(
                label, code, instrument=key[0], instance=instance, values={}, statuses={},
                event=event,
            )  # fmt: skip
            repeats[key] = ExportRecord(
                label, code, instrument=key[0], instance=instance,
                values={**row.values, **_values(data)},
                statuses={**row.statuses, instrument: status}, event=event,
            )  # fmt: skip
        if head:
            yield ExportRecord(label, code, values=head, statuses=statuses, event=event)
        yield from repeats.values()


def _page_rows(entries: list[PageEntry], repeating: set[str]) -> Iterator[ExportRecord]:
    """One page's entries (ordered by record) as REDCap rows: each record's base row first."""
    current: str | None = None
    head: dict[str, ExportValue] = {}
    statuses: dict[str, int] = {}
    site = ""
    repeats: list[ExportRecord] = []
    for label, code, instrument, instance, data, status in entries:
        # Ids are unique per site: the same REDCap id at two sites is two records.
        if label != current or code != site:
            if current is not None:
                yield ExportRecord(current, site, values=head, statuses=statuses)
                yield from repeats
            current, site, head, statuses, repeats = label, code, {}, {}, []
        if instrument in repeating:
            repeats.append(
                ExportRecord(
                    label,
                    code,
                    instrument=instrument,
                    instance=instance,
                    values=_values(data),
                    statuses={instrument: status},
                )
            )
        else:
            head.update(_values(data))
            statuses[instrument] = status
    if current is not None:
        yield ExportRecord(current, site, values=head, statuses=statuses)
        yield from repeats


def _values(data: Mapping[str, Stored]) -> dict[str, ExportValue]:
    return {k: set(v) if isinstance(v, list) else v for k, v in data.items()}


def export_for_download(user: User, pk: int) -> Export:
    """The person's own finished export; anyone else's is a 404."""
    export = Export.objects.select_related("study").filter(pk=pk, requested_by=user).first()
    if export is None or export.state != Export.State.DONE or not export.file:
        raise Http404("No such export.")
    audit_record(
        actor=user,
        action="export.download",
        obj=export,
        scope=audit_scope(export.study),
    )
    return export
