"""Exports of study data: asked for on a page, made by a background task, streamed to a file.

Records are read entry by entry with a server-side cursor (`iterator`), turned into
REDCap-shaped rows (`ExportRecord`) and written by the pure writers of
`formats.exports`, so memory stays flat however many records a study holds. Only the
person who asked may download the file; asking and downloading are both audited.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from audit.services import audit_record
from capture import access
from capture.access import Can
from capture.models import Entry, Export, Record, Study
from capture.services import audit_scope
from capture.versions import export_dictionary
from formats.exports import (
    CheckboxLayout,
    ExportOptions,
    ExportPlan,
    ExportRecord,
    RepeatLayout,
    hmac_offset,
    scan_max_instances,
    write_csv,
    write_r_script,
)

CHUNK = 2_000


@transaction.atomic
def export_request(
    *,
    actor: Any,
    study: Study,
    format: str,
    labels: bool = False,
    deidentify: bool = False,
    checkboxes: str = CheckboxLayout.WIDE,
    repeats: str = RepeatLayout.LONG,
    archived: bool = False,
) -> Export:
    """Queue an export of what the person may take: identifiable or de-identified.

    A role with `EXPORT` takes its own sites (the study admin all); a role with only
    `EXPORT_DEIDENTIFIED` (the statistician) takes every site, always de-identified.
    """
    if format not in Export.Format.values:
        raise ValidationError({"format": f"Unknown export format {format!r}."})
    if checkboxes not in CheckboxLayout.__members__.values():
        raise ValidationError({"checkboxes": f"Unknown checkbox layout {checkboxes!r}."})
    if repeats not in RepeatLayout.__members__.values():
        raise ValidationError({"repeats": f"Unknown repeat layout {repeats!r}."})
    if access.can(actor, study, Can.EXPORT) and not deidentify:
        action = Can.EXPORT
    elif access.can(actor, study, Can.EXPORT_DEIDENTIFIED):
        action, deidentify = Can.EXPORT_DEIDENTIFIED, True
    else:
        raise PermissionDenied("Your role in this study does not allow exports.")
    access.require(actor, study, action)
    allowed = access.sites(actor, study, action)
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
        },
        study_sites=[] if allowed is access.EVERY_SITE else sorted(allowed),
    )
    audit_record(
        actor=actor,
        action="export.request",
        obj=export,
        changes={"format": (None, format), "options": (None, export.options)},
        scope=audit_scope(study),
    )
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from capture.tasks import run_export

    run_export.enqueue(export_id=export_id)


def export_run(export_id: int) -> Export:
    """Make the file of one export (called by the task); a failure is recorded, not raised."""
    export = Export.objects.select_related("study").get(pk=export_id)
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING)
    try:
        _write(export)
    except Exception as error:
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    export.state, export.finished_at = Export.State.DONE, timezone.now()
    export.save(update_fields=["state", "finished_at", "file", "done", "total"])
    return export


def _write(export: Export) -> None:
    # Imported here: pandas, pyreadstat and openpyxl are the worker's, not the web's first request.
    from formats.exports.statfiles import write_dta, write_sav
    from formats.exports.xlsx import write_xlsx

    study = export.study
    # Values archived by dictionary versions are columns only when asked for.
    dictionary = export_dictionary(study, archived=bool(export.options.get("archived")))
    options = _options(export, study)
    records = _records(export)
    total = records.count()
    export.total = total
    Export.objects.filter(pk=export.pk).update(total=total)

    def progress(done: int, _: int | None) -> None:
        Export.objects.filter(pk=export.pk).update(done=done)
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
        kwargs: dict[str, Any] = {"total": total, "progress": progress}
        if export.format in (Export.Format.CSV, Export.Format.R):
            with data.open("w", newline="", encoding="utf-8") as out:
                if extra is not None:
                    with extra.open("w", newline="", encoding="utf-8") as more:
                        write_csv(plan, rows(export), out, checkboxes_out=more, **kwargs)
                else:
                    write_csv(plan, rows(export), out, **kwargs)
        elif export.format == Export.Format.XLSX:
            write_xlsx(plan, rows(export), str(data), **kwargs)
        elif export.format == Export.Format.SAV:
            write_sav(plan, rows(export), data, checkboxes_out=extra, **kwargs)
        else:
            write_dta(plan, rows(export), data, checkboxes_out=extra, **kwargs)
        if export.format == Export.Format.R:
            script = write_r_script(
                plan,
                csv_name=data.name,
                checkboxes_csv_name=extra.name if extra else None,
                title=study.title,
            )
            (base / "records.R").write_text(script, encoding="utf-8")
        paths = [path for path in (data, extra, base / "records.R") if path and path.exists()]
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
    return ExportOptions(
        labels=bool(chosen.get("labels")),
        checkboxes=CheckboxLayout(chosen.get("checkboxes", CheckboxLayout.WIDE)),
        repeats=RepeatLayout(chosen.get("repeats", RepeatLayout.LONG)),
        repeating_forms=frozenset(study.repeating_instruments),
        deidentify=deidentify,
        date_offset=hmac_offset(study.export_secret.encode()) if deidentify else None,
    )


def _records(export: Export) -> Any:
    records = Record.objects.filter(study=export.study)
    if export.study_sites:
        records = records.filter(study_site_id__in=export.study_sites)
    return records


def rows(export: Export) -> Iterator[ExportRecord]:
    """The study's entries as REDCap rows, record after record, read in chunks."""
    repeating = set(export.study.repeating_instruments)
    entries = (
        Entry.objects.filter(record__in=_records(export))
        .order_by("record__study_site__code", "record__number", "instrument", "instance")
        .values_list(
            "record__label", "record__study_site__code", "instrument", "instance", "data", "status"
        )
    )
    current: str | None = None
    head: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    site = ""
    repeats: list[ExportRecord] = []
    for label, code, instrument, instance, data, status in entries.iterator(chunk_size=CHUNK):
        if label != current:
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


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: set(v) if isinstance(v, list) else v for k, v in data.items()}


def export_for_download(user: Any, pk: int) -> Export:
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
