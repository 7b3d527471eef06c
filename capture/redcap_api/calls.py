"""What each `content=` of the REDCap-compatible API answers, through capture's own rules.

Every call reads through `capture.access` (a site lead's token sees and writes only
its sites' records, as through the native API) and writes through `capture.imports`
(all or nothing, every value checked and screened, one audit row per record). A study
with events is longitudinal in REDCap's terms: `arm`, `event`, `formEventMapping` and
`repeatingFormsEvents` answer its design, and records carry `redcap_event_name`; a
classic study's calls about events answer as REDCap answers for a classic project.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from capture import access, imports, longitudinal
from capture.access import Can
from capture.exports import record_rows, shape_of
from capture.logic import Context, LogicError, Node, annotate, is_shown, parse, variables
from capture.models import Record, Study, StudySite
from capture.redcap_api.formatter import Cell, RedcapError
from capture.services import audit_scope, current_dictionary
from capture.versions.reading import export_dictionary
from formats.datadictionary import API_HEADER, DataDictionary, Field, FieldType, field_cells
from formats.exports import Column, ExportOptions, ExportPlan, ExportRecord, Kind, hmac_offset
from formats.exports.deidentify import is_dropped
from formats.longitudinal import Design
from formats.longitudinal import writer as design_rows
from formats.records import DAG_COLUMN, EVENT_COLUMN, STATUS_LABELS
from formats.records.validate import DATE_TYPES

if TYPE_CHECKING:
    from django.http import QueryDict

    from accounts.models import User

# The REDCap version whose API this one follows; scripts read it to choose parameters.
REDCAP_VERSION = "14.5.10"
NO_PERMISSION = "You do not have permissions to use the API"
CLASSIC = {
    "arm": "You cannot export arms for classic projects",
    "event": "You cannot export events for classic projects",
    "formEventMapping": "You cannot export form/event mappings for classic projects",
}
REPEAT_COLUMNS = ("redcap_repeat_instrument", "redcap_repeat_instance")


@dataclass
class Call:
    """One API call: who (a study token's person), in which study, with what parameters."""

    user: User
    study: Study
    params: Mapping[str, str]
    arrays: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return str(self.params.get(name, default)).strip()

    def flag(self, name: str) -> bool:
        return self.get(name).lower() in ("true", "1", "yes")

    def array(self, name: str) -> list[str]:
        """`name[0]=a&name[1]=b` as REDCap scripts send it, or `name=a,b`."""
        items = list(self.arrays.get(name, []))
        plain = self.get(name)
        if plain:
            items += [part.strip() for part in plain.split(",")]
        return [item for item in items if item]


def params_of(query: QueryDict) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A form-encoded body: its plain parameters and its `name[i]` arrays, in index order."""
    plain: dict[str, str] = {}
    indexed: dict[str, list[tuple[int, str]]] = {}
    for key in query:
        values = query.getlist(key)
        name, bracket, rest = key.partition("[")
        if bracket and rest.endswith("]"):
            index = rest[:-1]
            position = int(index) if index.isdigit() else 10**9
            indexed.setdefault(name, []).extend((position, v) for v in values)
        else:
            plain[key] = values[-1] if values else ""
    arrays = {
        name: [v for _, v in sorted(items, key=lambda x: x[0])] for name, items in indexed.items()
    }
    return plain, arrays


# --- Project, metadata and the like ----------------------------------------------------


def project_info(call: Call) -> dict[str, str | int]:
    study = call.study
    live_at = study.updated_at if study.status != Study.Status.DESIGN else None
    return {
        "project_id": study.pk,
        "project_title": study.title,
        "creation_time": _when(study.created_at),
        "production_time": _when(live_at) if live_at else "",
        "in_production": int(study.status != Study.Status.DESIGN),
        "project_language": "English",
        "purpose": 2,
        "purpose_other": "",
        "project_notes": study.protocol_summary,
        "custom_record_label": "",
        "secondary_unique_field": "",
        "is_longitudinal": int(longitudinal.is_longitudinal(study)),
        "has_repeating_instruments_or_events": int(bool(_repeating_rows(study))),
        "surveys_enabled": 0,
        "scheduling_enabled": 0,
        "record_autonumbering_enabled": 1,
        "randomization_enabled": 0,
        "ddp_enabled": 0,
        "project_irb_number": "",
        "project_grant_number": "",
        "project_pi_firstname": "",
        "project_pi_lastname": "",
        "display_today_now_button": 1,
        "missing_data_codes": "",
        "external_modules": "",
        "bypass_branching_erase_field_prompt": 0,
    }


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def metadata(call: Call) -> list[dict[str, str]]:
    fields = current_dictionary(call.study).fields
    chosen_fields, chosen_forms = call.array("fields"), call.array("forms")
    _check_names("fields", chosen_fields, {f.name for f in fields})
    _check_names("forms", chosen_forms, {f.form for f in fields})
    return [
        dict(zip(API_HEADER, field_cells(f), strict=False))
        for f in fields
        if (not chosen_fields and not chosen_forms)
        or f.name in chosen_fields
        or f.form in chosen_forms
    ]


def _check_names(parameter: str, given: list[str], known: set[str]) -> None:
    wrong = [name for name in given if name not in known]
    if wrong:
        listed = ", ".join(f'"{name}"' for name in wrong)
        raise RedcapError(
            f'The following values in the parameter "{parameter}" are not valid: {listed}'
        )


def instruments(call: Call) -> list[dict[str, str]]:
    forms = current_dictionary(call.study).instruments
    return [{"instrument_name": form, "instrument_label": form_label(form)} for form in forms]


def form_label(form: str) -> str:
    """The label REDCap gives an instrument made from a dictionary: `ct_head` -> `Ct Head`."""
    return " ".join(word[:1].upper() + word[1:] for word in form.split("_") if word)


def export_field_names(call: Call) -> list[dict[str, str]]:
    fields = current_dictionary(call.study).fields
    wanted = call.get("field")
    if wanted and wanted not in {f.name for f in fields}:
        raise RedcapError(f'The field "{wanted}" does not exist in this project')
    rows: list[dict[str, str]] = []
    for f in fields:
        if f.field_type == FieldType.DESCRIPTIVE or (wanted and f.name != wanted):
            continue
        if f.field_type == FieldType.CHECKBOX:
            rows += [
                _field_name(f.name, c.code, f"{f.name}___{c.code}") for c in f.effective_choices
            ]
        else:
            rows.append(_field_name(f.name, "", f.name))
    return rows


def _field_name(original: str, choice: str, exported: str) -> dict[str, str]:
    return {"original_field_name": original, "choice_value": choice, "export_field_name": exported}


def data_access_groups(call: Call) -> list[dict[str, str | int]]:
    sites = StudySite.objects.filter(study=call.study).select_related("site")
    return [
        {
            "data_access_group_name": str(s.site.name),
            "unique_group_name": s.code.lower(),
            "data_access_group_id": s.pk,
        }
        for s in sites
    ]


def repeating_forms(call: Call) -> list[dict[str, str]]:
    return _repeating_rows(call.study)


def _repeating_rows(study: Study) -> list[dict[str, str]]:
    """REDCap's repeatingFormsEvents: per event in a longitudinal study (a blank form_name
    for an event that repeats whole), per form in a classic one."""
    design = longitudinal.design_of(study)
    if design.longitudinal:
        return design_rows.repeating_rows(design)
    forms = current_dictionary(study).instruments
    repeating = set(study.repeating_instruments)
    return [{"form_name": f, "custom_form_label": ""} for f in forms if f in repeating]


DESIGN_READ_ONLY = (
    "Arms, events and instrument designations are changed on the study's Events page "
    "(RadCollab), not through the API"
)


def _design(call: Call, content: str) -> Design:
    if call.get("action", "export") != "export" or "data" in call.params:
        raise RedcapError(DESIGN_READ_ONLY, 403)
    design = longitudinal.design_of(call.study)
    if not design.longitudinal:
        raise RedcapError(CLASSIC[content])
    return design


def _arms_wanted(call: Call, design: Design) -> set[int]:
    wanted = call.array("arms")
    known = {a.number for a in design.arms}
    if not wanted:
        return known
    _check_names("arms", wanted, {str(n) for n in known})
    return {int(n) for n in wanted}


def arms(call: Call) -> list[Mapping[str, Cell]]:
    design = _design(call, "arm")
    chosen = _arms_wanted(call, design)
    return [row for row in design_rows.arm_rows(design) if row["arm_num"] in chosen]


def events(call: Call) -> list[Mapping[str, Cell]]:
    design = _design(call, "event")
    chosen = _arms_wanted(call, design)
    ids = dict(call.study.events.values_list("unique_name", "pk"))
    return [
        {**row, "event_id": ids.get(str(row["unique_event_name"]), "")}
        for row in design_rows.event_rows(design)
        if row["arm_num"] in chosen
    ]


def form_event_mapping(call: Call) -> list[Mapping[str, Cell]]:
    design = _design(call, "formEventMapping")
    chosen = _arms_wanted(call, design)
    return [row for row in design_rows.mapping_rows(design) if row["arm_num"] in chosen]


def next_record_name(call: Call) -> str:
    """The id the next record made at the token's one site would get (nothing is reserved)."""
    sites = access.site_choices(call.user, call.study, Can.ENTER)
    if not sites:
        raise RedcapError("You do not have API Import/Update privileges", 403)
    if len(sites) > 1:
        raise RedcapError(
            "This token enters records at several sites: import with forceAutoNumber and "
            "redcap_data_access_group instead"
        )
    site = sites[0]
    number = site.next_number
    taken = Record.objects.filter(study_site=site)
    while taken.filter(label=f"{site.code}-{number}").exists():
        number += 1
    return f"{site.code}-{number}"


# --- Records: export -----------------------------------------------------------------


@dataclass
class RecordExport:
    """The columns and the rows (streamed) of one `content=record` export."""

    columns: list[str]
    rows: Iterator[dict[str, str]]


def export_records(call: Call) -> RecordExport:
    """Records the token may see, shaped as asked; de-identified for a statistician's token."""
    user, study = call.user, call.study
    if access.can(user, study, Can.SEE_RECORDS):
        records = access.records_for(user, study, Can.SEE_RECORDS)
        deidentify = False
    elif access.can(user, study, Can.EXPORT_DEIDENTIFIED):
        access.require(user, study, Can.EXPORT_DEIDENTIFIED)
        allowed = access.sites(user, study, Can.EXPORT_DEIDENTIFIED)
        records = Record.objects.filter(study=study)
        if allowed is not access.EVERY_SITE:
            records = records.filter(study_site_id__in=allowed)
        deidentify = True
    else:
        raise RedcapError("You do not have API Export privileges", 403)
    wanted = call.array("records")
    if wanted:
        records = records.filter(label__in=wanted)
    shape = _Shape(call, export_dictionary(study), deidentify)
    rows = record_rows(records, shape.study_shape)
    if shape.events is not None:
        rows = (row for row in rows if row.event in shape.events)
    if shape.filter is not None:
        rows = shape.filtered(rows)
    audit_record(
        actor=user,
        action="export.api",
        obj=study,
        changes={"options": (None, shape.summary)},
        scope=audit_scope(study),
    )
    return RecordExport(shape.names, shape.output(rows))


@dataclass(frozen=True)
class _Chosen:
    """What `fields` and `forms` ask for: instruments, fields, statuses (None: everything)."""

    forms: tuple[str, ...] | None = None
    fields: frozenset[str] | None = None
    statuses: frozenset[str] = frozenset()


def _chosen(call: Call, dictionary: DataDictionary) -> _Chosen:
    """REDCap's rule: the fields named and every field of the forms named; a form's status
    column when the form is named or `<form>_complete` is among the fields."""
    fields, forms = call.array("fields"), call.array("forms")
    if not fields and not forms:
        return _Chosen()
    all_forms = dictionary.forms()
    names = {f.name: f for f in dictionary.fields}
    statuses = {f"{form}_complete": form for form in all_forms}
    _check_names("fields", fields, set(names) | set(statuses))
    _check_names("forms", forms, set(all_forms))
    chosen = {name for name in fields if name in names}
    chosen |= {f.name for f in dictionary.fields if f.form in forms}
    status_forms = set(forms) | {statuses[name] for name in fields if name in statuses}
    touched = {names[name].form for name in chosen} | status_forms
    return _Chosen(
        tuple(form for form in all_forms if form in touched),
        frozenset(chosen),
        frozenset(status_forms),
    )


class _Shape:
    """Which columns an export has and how each cell is written (raw or labels)."""

    def __init__(self, call: Call, dictionary: DataDictionary, deidentify: bool) -> None:
        self.call, self.dictionary, self.deidentify = call, dictionary, deidentify
        study = call.study
        self.labels = call.get("rawOrLabel", "raw") == "label"
        self.checkbox_labels = call.flag("exportCheckboxLabel")
        self.eav = call.get("type", "flat") == "eav"
        self.with_groups = call.flag("exportDataAccessGroups")
        self.chosen = _chosen(call, dictionary)
        self.study_shape = shape_of(study)
        self.events = self._events()
        options = ExportOptions(
            **self.study_shape.options(),
            deidentify=deidentify,
            date_offset=hmac_offset(study.export_secret.encode()) if deidentify else None,
            include_site=True,
            forms=self.chosen.forms,
        )
        self.plan = ExportPlan(dictionary, options)
        self.kept = [(i, c) for i, c in enumerate(self.plan.columns) if self._keep(c)]
        group = [pair for pair in self.kept if pair[1].kind is Kind.GROUP]
        # REDCap writes the group after the event and repeat columns.
        self.kept = [pair for pair in self.kept if pair[1].kind is not Kind.GROUP]
        at = 1 + sum(1 for _, c in self.kept if c.name in (*REPEAT_COLUMNS, EVENT_COLUMN))
        self.kept[at:at] = group
        self.names = [c.name for _, c in self.kept]
        self.sites = dict(StudySite.objects.filter(study=study).values_list("code", "site__name"))
        self.filter = self._filter()
        self.summary = {
            "type": "eav" if self.eav else "flat",
            "rawOrLabel": "label" if self.labels else "raw",
            "fields": call.array("fields"),
            "forms": call.array("forms"),
            "records": len(call.array("records")),
            "events": call.array("events"),
            "filterLogic": call.get("filterLogic"),
            "deidentified": deidentify,
        }

    def _events(self) -> frozenset[str] | None:
        """The events asked for (`events`), None for all; refused in a classic study."""
        wanted = self.call.array("events")
        if not wanted:
            return None
        known = set(self.study_shape.events.values()) if self.study_shape.events else set()
        if not known:
            raise RedcapError(CLASSIC["event"])
        _check_names("events", wanted, known)
        return frozenset(wanted)

    def _keep(self, column: Column) -> bool:
        if column.kind in (Kind.ID, Kind.EVENT):
            return True
        if column.kind is Kind.GROUP:
            return self.with_groups
        if column.kind in (Kind.INSTRUMENT, Kind.INSTANCE):
            return True
        fields = self.chosen.fields
        if fields is None:
            return True
        if column.kind is Kind.STATUS:
            return column.form in self.chosen.statuses
        return column.field in fields

    def _filter(self) -> Node | None:
        text = self.call.get("filterLogic")
        if not text:
            return None
        fields = self.dictionary.fields
        try:
            tree = parse(text, {f.name: str(f.field_type) for f in fields})
        except LogicError as error:
            raise RedcapError(
                f'The value of the parameter "filterLogic" is not valid: {error}'
            ) from error
        if self.deidentify:
            self._refuse_hidden(variables(tree))
        labels = {f.name: tuple((c.code, c.label) for c in f.effective_choices) for f in fields}
        commas = {f.name for f in fields if f.decimal_comma}
        return annotate(tree, labels, commas)

    def _refuse_hidden(self, names: Iterable[str]) -> None:
        """A de-identified export may not filter on what it leaves out or shifts."""
        for name in names:
            found = self.dictionary.get(name)
            if found is not None and (is_dropped(found) or _is_date(found)):
                raise RedcapError(
                    f'The value of the parameter "filterLogic" is not valid: {name} is left out '
                    "or shifted in a de-identified export, so it cannot be filtered on",
                    403,
                )

    def filtered(self, rows: Iterator[ExportRecord]) -> Iterator[ExportRecord]:
        """The rows whose values (a repeat's merged with its record's) pass the filter."""
        today, now = timezone.localdate(), timezone.now()
        base: Mapping[str, str | Set[str]] = {}
        for row in rows:
            if row.instrument is None and row.instance is None:
                base = row.values
                values: Mapping[str, str | Set[str]] = base
            else:
                values = {**base, **row.values}
            context = Context(
                today=today, now=now, record_name=row.record_id, dag_name=row.site_code.lower()
            )
            try:
                keep = is_shown(self.filter, values, context=context)
            except LogicError:
                keep = False
            if keep:
                yield row

    def output(self, rows: Iterator[ExportRecord]) -> Iterator[dict[str, str]]:
        cells_of = self.plan.rows(rows)
        indices = [i for i, _ in self.kept]
        # Most cells are written as stored: only the others go through a writer.
        writers = [(c.name, write) for _, c in self.kept if (write := self._writer(c)) is not _same]
        for emitted in cells_of:
            cells = emitted.cells
            row = dict(zip(self.names, [cells[i] for i in indices], strict=True))
            for name, write in writers:
                row[name] = write(row[name])
            if self.eav:
                yield from self._eav(row)
            else:
                yield row

    def _writer(self, column: Column) -> Callable[[str], str]:
        if column.kind is Kind.GROUP:
            if self.labels:
                return lambda code: self.sites.get(code, code)
            return lambda code: code.lower()
        if not self.labels:
            return _same
        if column.kind is Kind.STATUS:
            names = {str(int(s)): label for s, label in STATUS_LABELS.items()}
            return lambda value: names.get(value, value)
        if column.kind is Kind.CHECKED:
            if self.checkbox_labels:
                label = dict(column_choices(self.dictionary, column)).get(column.code or "", "")
                return lambda value: label if value == "1" else ""
            return lambda value: {"1": "Checked", "0": "Unchecked"}.get(value, value)
        if column.kind is Kind.CHOICE:
            names = dict(column.value_labels)
            return lambda value: names.get(value, value)
        return _same

    def _eav(self, row: dict[str, str]) -> Iterator[dict[str, str]]:
        """REDCap's EAV rows: one per value given; a ticked checkbox names its code."""
        id_name = self.names[0]
        head = {"record": row[id_name]}
        repeat = {name: row[name] for name in (EVENT_COLUMN, *REPEAT_COLUMNS) if name in row}
        kinds = {c.name: c for _, c in self.kept}
        for name, value in row.items():
            column = kinds[name]
            if name in REPEAT_COLUMNS or name == EVENT_COLUMN or value == "":
                continue
            if column.kind is Kind.CHECKED:
                if value in ("0", "Unchecked"):
                    continue
                name, value = column.field or name, column.code or value
            yield {**head, **repeat, "field_name": name, "value": value}


def _same(value: str) -> str:
    return value


def _is_date(found: Field) -> bool:
    return found.validation in DATE_TYPES


def column_choices(dictionary: DataDictionary, column: Column) -> tuple[tuple[str, str], ...]:
    found = dictionary.get(column.field or "")
    return tuple((c.code, c.label) for c in found.effective_choices) if found else ()


# --- Records: import -----------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    count: int
    ids: list[str]
    auto_ids: list[str]


def import_records(call: Call, rows: list[dict[str, str]]) -> Imported:
    """All or nothing through `capture.imports`, as the person could through the web page."""
    user, study = call.user, call.study
    if not access.can(user, study, Can.ENTER):
        raise RedcapError("You do not have API Import/Update privileges", 403)
    overwrite = call.get("overwriteBehavior", "normal")
    if overwrite not in ("normal", "overwrite"):
        raise RedcapError('The value of the parameter "overwriteBehavior" is not valid')
    if call.get("type", "flat") != "flat":
        raise RedcapError("Only flat data (type=flat) can be imported here")
    dictionary = current_dictionary(study)
    id_field = dictionary.record_id_field
    if not rows:
        raise RedcapError("No data was provided")
    date_format = call.get("dateFormat", "YMD").upper()
    if date_format not in DATE_ORDERS:
        raise RedcapError('The value of the parameter "dateFormat" is not valid')
    if date_format != "YMD":
        rows = _dates_as_ymd(rows, dictionary.fields, date_format)
    with transaction.atomic():
        renamed: dict[str, str] = {}
        if call.flag("forceAutoNumber"):
            renamed = _auto_numbers(call, rows, id_field)
        text, given = _as_csv(rows, id_field, renamed)
        try:
            check = imports.import_commit(
                actor=user, study=study, text=text, overwrite=overwrite == "overwrite", given=given
            )
        except imports.ImportRefused as refused:
            raise RedcapError(_problems(refused.check)) from refused
        except PermissionDenied as refused:
            raise RedcapError(str(refused), 403) from refused
    back = {new: old for old, new in renamed.items()}
    return Imported(
        check.records, check.record_ids, [f"{new},{back.get(new, new)}" for new in check.record_ids]
    )


DATE_ORDERS = ("YMD", "DMY", "MDY")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?=$|[ T])(.*)$")


def _dates_as_ymd(
    rows: list[dict[str, str]], fields: Iterable[Field], order: str
) -> list[dict[str, str]]:
    """`dateFormat=DMY|MDY`: dates and date-times written day or month first, as stored.

    A value that is not written so is left as it is, and the import's own check names it.
    """
    dated = {f.name for f in fields if _is_date(f)}

    def stored(text: str) -> str:
        match = _DAY_FIRST.match(text.strip())
        if match is None:
            return text
        first, second, year, rest = match.groups()
        day, month = (first, second) if order == "DMY" else (second, first)
        return f"{year}-{int(month):02d}-{int(day):02d}{rest}"

    return [
        {key: stored(value) if key in dated and value else value for key, value in row.items()}
        for row in rows
    ]


def _as_csv(
    rows: list[dict[str, str]], id_field: str, renamed: dict[str, str]
) -> tuple[str, list[frozenset[str]]]:
    """The rows as REDCap's flat CSV (the record id first) and the keys each row gave."""
    if any(id_field not in row for row in rows):
        raise RedcapError(
            f"The data you provided has no {id_field} in some rows; "
            f"every row needs the record id ({id_field})"
        )
    header: dict[str, None] = {id_field: None}
    for row in rows:
        header.update(dict.fromkeys(row))
    names = list(header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        cells = [row.get(name, "") for name in names]
        cells[0] = renamed.get(cells[0].strip(), cells[0])
        writer.writerow(cells)
    return buffer.getvalue(), [frozenset(row) for row in rows]


def _auto_numbers(call: Call, rows: list[dict[str, str]], id_field: str) -> dict[str, str]:
    """forceAutoNumber: each record of the data gets the next number of its site."""
    sites = {s.code.lower(): s for s in access.site_choices(call.user, call.study, Can.ENTER)}
    default = next(iter(sites.values())) if len(sites) == 1 else None
    renamed: dict[str, str] = {}
    numbers: dict[int, int] = {}
    for row in rows:
        old = str(row.get(id_field, "")).strip()
        if not old or old in renamed:
            continue
        group = str(row.get(DAG_COLUMN, "")).strip().lower()
        site = sites.get(group) if group else default
        if site is None:
            raise RedcapError(
                f"Record {old}: name its site in {DAG_COLUMN}, one of " + ", ".join(sorted(sites))
            )
        if site.pk not in numbers:
            locked = StudySite.objects.select_for_update().get(pk=site.pk)
            numbers[site.pk] = locked.next_number
        renamed[old] = f"{site.code}-{numbers[site.pk]}"
        numbers[site.pk] += 1
    return renamed


def _problems(check: imports.ImportCheck) -> str:
    """Every problem, one a line, each naming the data row (the header not counted) and field."""
    lines = []
    for finding in check.errors[:200]:
        where = f"row {finding.row - 1}" if finding.row > 1 else "the columns"
        message = finding.message
        lines.append(f"{where}: {message}")
    more = len(check.errors) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more problems")
    return "There were errors in the data; nothing was imported.\n" + "\n".join(lines)
