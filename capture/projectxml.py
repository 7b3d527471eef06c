"""A whole REDCap project in one file: the project XML imported with one preview, and
written back so that a study can return to REDCap.

The preview runs the very import inside a savepoint and rolls it back, so what it shows
(the dictionary step, the sites each data access group goes to, the repeating setup,
going live, and every record's check) is what applying does; applying runs it again in
one transaction and commits, or writes nothing. Each step goes through the service that
owns it (`versions.dictionary_change`, `services.study_update_settings`,
`services.study_go_live`, `imports.import_preview` / `import_commit`), so their rules and
audit rows hold. XML is read by `formats.projectxml` (defusedxml only).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture import access, imports, longitudinal, services, versions
from capture.access import Can
from capture.models import Study, StudySite
from capture.services import audit_scope
from formats import longitudinal as design_format
from formats.longitudinal import Design
from formats.projectxml import (
    CLASSIC_EVENT,
    Arm,
    Designation,
    Event,
    Project,
    ProjectXmlError,
    RepeatingForm,
    read_project_xml,
    write_project_xml,
)
from formats.records import DAG_COLUMN
from formats.records.flatcsv import HEADER_ROW

if TYPE_CHECKING:
    from accounts.models import User
    from formats.datadictionary import Field

MAX_BYTES = 200 * 1024 * 1024
NOTE = "Imported from a REDCap project XML"


@dataclass
class ProjectImport:
    """What a preview shows and an import did: steps, sites, notices, problems, records."""

    digest: str = ""
    project: Project | None = None
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)  # DAG -> site code or ""
    check: imports.ImportCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.check is None or self.check.ok)


class ProjectImportRefused(Exception):
    def __init__(self, result: ProjectImport) -> None:
        super().__init__("\n".join(list(findings(result))[:50]))
        self.result = result


class _Rollback(Exception):
    """Ends a preview's savepoint: nothing it did is kept."""


def project_preview(
    *, actor: User, study: Study, data: bytes, records: bool = True
) -> ProjectImport:
    """Everything the import would do and every problem; nothing is written.

    `records=False` takes the design only (dictionary, events, sites, repeating setup)
    and leaves the file's records out.
    """
    access.require(actor, study, Can.MANAGE)
    result = _read(data, records=records)
    if result.project is None:
        return result
    try:
        with transaction.atomic():
            _apply(actor, study, result, commit=False)
            raise _Rollback
    except _Rollback:
        pass
    return result


def project_import(
    *,
    actor: User,
    study: Study,
    data: bytes,
    digest: str = "",
    records: bool = True,
    progress: imports.Progress | None = None,
) -> ProjectImport:
    """Apply a previewed file: all of it, or ProjectImportRefused and nothing.

    `digest` is the SHA-256 of the file the person previewed; another file is refused.
    `progress` hears the records written, as the records import reports them.
    """
    access.require(actor, study, Can.MANAGE)
    result = _read(data, records=records)
    if digest and digest != result.digest:
        result.problems.append("The file changed since its preview: preview it again.")
    if result.project is None or result.problems:
        raise ProjectImportRefused(result)
    with transaction.atomic():
        _apply(actor, study, result, commit=True, progress=progress)
        if not result.ok:
            raise ProjectImportRefused(result)
        project = result.project
        audit_record(
            actor=actor,
            action="study.import_project_xml",
            obj=study,
            changes={
                "fields": (None, len(project.dictionary.fields)),
                "records": (None, len(project.record_ids)),
                "file": (None, result.digest),
            },
            scope=audit_scope(study),
        )
    return result


def _read(data: bytes, *, records: bool = True) -> ProjectImport:
    result = ProjectImport(digest=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_BYTES:
        result.problems.append("The file is over 200 MB: is it the right file?")
        return result
    try:
        result.project = read_project_xml(data)
    except ProjectXmlError as error:
        result.problems.extend(str(problem) for problem in error.problems)
        return result
    project = result.project
    result.notices.extend(str(issue) for issue in project.issues)
    if project.records and not records:
        result.steps.append(
            f"The file's {len(project.record_ids)} record(s) are left out, as asked: the "
            "design only comes in."
        )
        result.project = replace(project, records=(), record_columns=())
    return result


def _apply(
    actor: User,
    study: Study,
    result: ProjectImport,
    *,
    commit: bool,
    progress: imports.Progress | None = None,
) -> None:
    """Every step, in order; a step's refusal is a problem and the later steps are skipped."""
    project = result.project
    assert project is not None
    study = Study.objects.select_for_update().get(pk=study.pk)
    try:
        _dictionary(actor, study, project, result)
        if result.problems:
            return
        _settings(actor, study, project, result)
        _events(actor, study, project, result)
        mapping = _sites(study, project, result)
        if project.records and not result.problems:
            _records(actor, study, project, mapping, result, commit=commit, progress=progress)
    except (ValidationError, PermissionDenied) as error:
        result.problems.extend(_messages(error))


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error)]


def _dictionary(actor: User, study: Study, project: Project, result: ProjectImport) -> None:
    fields = project.dictionary.fields
    forms = len(project.dictionary.forms())
    size = f"{len(fields)} fields in {forms} instrument{'s' if forms != 1 else ''}"
    if not versions.needs_versioning(study):
        versions.dictionary_change(
            actor=actor, study=study, csv_text=project.dictionary_csv, note=NOTE
        )
        result.steps.append(f"The study's dictionary becomes the file's: {size}.")
        return
    current = services.current_dictionary(study).fields
    if tuple(current) == tuple(fields):
        result.steps.append(f"The dictionary is the study's already ({size}): unchanged.")
        return
    if project.records:
        changed = _changed_fields(tuple(current), tuple(fields))
        result.problems.append(
            "The file's dictionary differs from the study's "
            f"({changed}); a live study changes its dictionary through a proposed version. "
            "Upload the dictionary on the Dictionary page, apply it, then import this file "
            "again."
        )
        return
    version, _ = versions.dictionary_change(
        actor=actor, study=study, csv_text=project.dictionary_csv, note=NOTE
    )
    result.steps.append(
        f"The file's dictionary ({size}) becomes proposed version {version.number}: check "
        "its impact on the Dictionary page and apply it there."
    )


def _changed_fields(current: tuple[Field, ...], new: tuple[Field, ...]) -> str:
    old = {f.name: f for f in current}
    names = [f.name for f in new if old.get(f.name) != f]
    names += [name for name in old if name not in {f.name for f in new}]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"fields {shown}" if names else "the order of its fields"


def _settings(actor: User, study: Study, project: Project, result: ProjectImport) -> None:
    """Repeating instruments as the file sets them up, and REDCap's record ids when the
    file's records carry them."""
    # A longitudinal project repeats instruments within events (its designations).
    repeating = (
        []
        if project.longitudinal
        else list(dict.fromkeys(item.form for item in project.repeating_forms))
    )
    values: dict[str, object] = {}
    if project.records and study.record_ids != Study.RecordIds.REDCAP:
        codes = {code.lower() for code in study.study_sites.values_list("code", flat=True)}
        if not all(_site_id(label, codes) for label in project.record_ids):
            values["record_ids"] = Study.RecordIds.REDCAP
            result.steps.append(
                "Records keep the ids REDCap gave them (the study's record ids become REDCap's)."
            )
    if repeating == list(study.repeating_instruments) and not values:
        return
    services.study_update_settings(
        actor=actor, study=study, repeating_instruments=repeating, **values
    )
    study.refresh_from_db()
    if repeating != list(study.repeating_instruments) or repeating:
        shown = ", ".join(repeating) or "none"
        result.steps.append(f"Repeating instruments: {shown}.")


def _site_id(label: str, codes: set[str]) -> bool:
    match = imports.LABEL.match(label)
    return match is not None and match.group(1).lower() in codes


def _events(actor: User, study: Study, project: Project, result: ProjectImport) -> None:
    """Arms, events and designations as the file has them (`longitudinal.design_replace`,
    which refuses to remove what holds data); nothing for a classic project in a classic
    study."""
    design = design_of_project(project)
    if not design.longitudinal and not longitudinal.is_longitudinal(study):
        return
    change = longitudinal.design_replace(actor=actor, study=study, design=design, note=NOTE)
    if not design.longitudinal:
        result.steps.append("The study's events are removed: the project is classic.")
        return
    arms, events = len(design.arms), len(design.events)
    what = f"{arms} arm{'s' if arms != 1 else ''}, {events} event{'s' if events != 1 else ''}"
    if change.anything:
        result.steps.append(
            f"The study's events become the file's: {what}, "
            f"{len(design.designations)} instrument designations."
        )
    else:
        result.steps.append(f"The study's events are the file's already ({what}).")


def design_of_project(project: Project) -> Design:
    """The file's arms, events and designations as the study's design; an instrument that
    repeats within an event is marked on its designation."""
    repeating = {(item.event, item.form): item.custom_label for item in project.repeating_forms}
    return Design(
        arms=tuple(design_format.Arm(arm.number, arm.name) for arm in project.arms),
        events=tuple(
            design_format.Event(
                label=event.name,
                arm=event.arm,
                unique_name=event.unique_name,
                day_offset=_days(event.day_offset),
                offset_min=_days(event.offset_min),
                offset_max=_days(event.offset_max),
                custom_label=event.custom_label,
                repeating=event.repeating,
            )
            for event in project.events
        ),
        designations=tuple(
            design_format.Designation(
                event=item.event,
                form=item.form,
                repeating=(item.event, item.form) in repeating,
                custom_label=repeating.get((item.event, item.form), ""),
            )
            for item in project.designations
        ),
    )


def _days(value: str) -> float:
    """A day offset as REDCap writes it ("90", "1.5", or nothing for 0)."""
    try:
        return float(value) if value.strip() else 0.0
    except ValueError:
        return 0.0


def unique_group_name(name: str) -> str:
    """REDCap's unique name of a data access group: `St Thomas` → `st_thomas`."""
    return re.sub(r"[^a-z0-9_]", "", name.strip().lower().replace(" ", "_"))[:18]


def _sites(study: Study, project: Project, result: ProjectImport) -> dict[str, StudySite]:
    """Each DAG's study site, by the site's code or name (REDCap's unique group names
    included): unique group name -> site. A DAG matching no site is reported."""
    by_key: dict[str, StudySite] = {}
    for study_site in study.study_sites.select_related("site"):
        for key in (study_site.code, study_site.site.name):
            by_key.setdefault(key.strip().lower(), study_site)
            by_key.setdefault(unique_group_name(key), study_site)
    mapping: dict[str, StudySite] = {}
    for dag in project.dags:
        found = by_key.get(dag.strip().lower()) or by_key.get(unique_group_name(dag))
        result.sites.append((dag, found.code if found else ""))
        if found is None:
            continue  # the preview's table says so, beside the groups that match
        mapping[unique_group_name(dag)] = found
        mapping[dag.strip().lower()] = found
    return mapping


def _records(
    actor: User,
    study: Study,
    project: Project,
    mapping: dict[str, StudySite],
    result: ProjectImport,
    *,
    commit: bool,
    progress: imports.Progress | None = None,
) -> None:
    # A longitudinal project's rows carry redcap_event_name: the study has the file's
    # events by now (the `_events` step), and the import places each row at its event.
    if study.status == Study.Status.DESIGN:
        # Records are entered into a live study only: the import takes it live, with the
        # list of what is kept but not applied acknowledged by confirming the preview.
        services.study_go_live(actor=actor, study=study, acknowledged=True)
        study.refresh_from_db()
        result.steps.append("The study goes live: records exist only in a live study.")
    text = _records_csv(project, mapping)
    check = imports.import_preview(actor=actor, study=study, text=text)
    _name_rows(check, project)
    result.check = check
    result.steps.append(
        f"{check.records} record(s) from {check.rows} row(s): {check.new_records} new, "
        f"{check.updated_records} updated, {check.unchanged_records} unchanged."
    )
    if commit and check.ok:
        imports.import_commit(actor=actor, study=study, text=text, progress=progress)


def _records_csv(project: Project, mapping: dict[str, StudySite]) -> str:
    """The file's rows as a records CSV, each DAG written as its site's code."""
    rows = []
    for row in project.records:
        group = row.get(DAG_COLUMN, "")
        if group:
            found = mapping.get(group.strip().lower())
            row = {**row, DAG_COLUMN: found.code if found else group}
        rows.append(row)
    return replace(project, records=tuple(rows)).records_csv()


def _name_rows(check: imports.ImportCheck, project: Project) -> None:
    """A records CSV's row numbers mean nothing in an XML: findings name the record."""
    ids = [row[project.record_id_field] for row in project.records]
    for findings in (check.errors, check.warnings):
        for index, finding in enumerate(findings):
            at = finding.row - HEADER_ROW - 1
            if 0 <= at < len(ids):
                findings[index] = replace(finding, message=f"record {ids[at]}: {finding.message}")


# --- Export ----------------------------------------------------------------------------


def project_export(
    *,
    actor: User,
    study: Study,
    records: bool = True,
    params: dict[str, str] | None = None,
    arrays: dict[str, list[str]] | None = None,
) -> str:
    """The study as REDCap's project XML: dictionary, arms, events and designations, the
    repeating setup, sites as data access groups and, when `records`, the records the
    person may see (audited as an export). `params` and `arrays` choose records as
    `content=record` does (`records`, `fields`, `forms`, `filterLogic`); the rows are
    always flat and raw, as the file needs them."""
    from capture.redcap_api import calls

    study = Study.objects.get(pk=study.pk)  # the settings as saved, not as the caller held them
    dictionary = versions.export_dictionary(study)
    design = longitudinal.design_of(study)
    if design.longitudinal:
        repeating = tuple(
            RepeatingForm(d.event, d.form, d.custom_label)
            for d in design.designations
            if d.repeating
        )
    else:
        repeating = tuple(
            RepeatingForm(CLASSIC_EVENT, form) for form in study.repeating_instruments
        )
    project = Project(
        title=study.title,
        record_id_field=dictionary.fields[0].name,
        dictionary=dictionary,
        arms=tuple(Arm(arm.number, arm.name) for arm in design.arms),
        events=tuple(
            Event(
                unique_name=event.unique_name,
                name=event.label,
                arm=event.arm,
                day_offset=_written(event.day_offset),
                offset_min=_written(event.offset_min),
                offset_max=_written(event.offset_max),
                custom_label=event.custom_label,
                repeating=event.repeating,
            )
            for event in design.events
        ),
        designations=tuple(
            Designation(_arm_of(design, d.event), d.event, d.form) for d in design.designations
        ),
        dags=tuple(study.study_sites.values_list("code", flat=True)),
        repeating_forms=repeating,
        repeating_events=tuple(e.unique_name for e in design.events if e.repeating),
    )
    if records:
        chosen = {**(params or {}), "exportDataAccessGroups": "true"}
        chosen.update(type="flat", rawOrLabel="raw", exportCheckboxLabel="false")
        call = calls.Call(actor, study, chosen, dict(arrays or {}))
        exported = calls.export_records(call)
        project = replace(
            project, record_columns=tuple(exported.columns), records=tuple(exported.rows)
        )
    return write_project_xml(project, now=timezone.now())


def _written(days: float) -> str:
    return str(int(days)) if float(days).is_integer() else str(days)


def _arm_of(design: Design, unique_name: str) -> int:
    event = design.event(unique_name)
    return event.arm if event is not None else 1


def findings(result: ProjectImport) -> Iterator[str]:
    """Every problem of a result, the file's and its records', for a message or a log."""
    yield from result.problems
    if result.check is not None:
        # A finding's row is the internal CSV's: its message names the record instead.
        yield from (error.message for error in result.check.errors)
