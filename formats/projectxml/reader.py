"""Reading REDCap's project XML (CDISC ODM 1.3.1 with REDCap's `redcap:` extensions).

A file that is not REDCap's ODM is refused with what is wrong and the line; a file that
is REDCap's is read whole: the dictionary (checked by `formats.datadictionary`, its
problems moved to the XML's lines), arms, events and designations, data access groups,
the repeating setup, and the records as flat rows. What RadCollab does not apply is kept
and reported item by item, never a reason to refuse the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace

from formats.datadictionary import (
    NOT_APPLIED,
    DataDictionary,
    DataDictionaryError,
    Issue,
    read_data_dictionary,
)
from formats.datadictionary import columns as c
from formats.datadictionary.logic import LogicCheck
from formats.projectxml.model import (
    CLASSIC_EVENT,
    EVENT_COLUMN,
    Arm,
    Designation,
    Event,
    Finding,
    Project,
    ProjectXmlError,
    RepeatingForm,
)
from formats.projectxml.tree import REDCAP, Document, Node, XmlError
from formats.records.columns import (
    DAG_COLUMN,
    REPEAT_INSTANCE_COLUMN,
    REPEAT_INSTRUMENT_COLUMN,
    status_column,
)

# REDCap's field types in the XML (`redcap:FieldType`) and in the dictionary's CSV.
FIELD_TYPES = {
    "text": "text",
    "textarea": "notes",
    "select": "dropdown",
    "radio": "radio",
    "checkbox": "checkbox",
    "yesno": "yesno",
    "truefalse": "truefalse",
    "calc": "calc",
    "descriptive": "descriptive",
    "slider": "slider",
    "file": "file",
    "sql": "sql",
}
# ItemDef attributes that are dictionary columns; any other `redcap:` one is kept.
ITEM_ATTRIBUTES = {
    "SectionHeader": c.SECTION_HEADER,
    "FieldNote": c.NOTE,
    "TextValidationType": c.VALIDATION,
    "Identifier": c.IDENTIFIER,
    "BranchingLogic": c.BRANCHING_LOGIC,
    "RequiredField": c.REQUIRED,
    "CustomAlignment": c.ALIGNMENT,
    "QuestionNumber": c.QUESTION_NUMBER,
    "MatrixGroupName": c.MATRIX_GROUP,
    "MatrixRanking": c.MATRIX_RANKING,
    "FieldAnnotation": c.ANNOTATION,
}
READ_ELSEWHERE = frozenset({"Variable", "FieldType", "Calculation", "SliderLabels"})
# GlobalVariables children read into the project; the others are kept as written.
GLOBALS_READ = frozenset(
    {"StudyName", "StudyDescription", "ProtocolName", "RepeatingInstrumentsAndEvents"}
)
# Project settings that only say how REDCap's own pages behave: kept, not reported.
QUIET_SETTINGS = frozenset(
    {
        "RecordAutonumberingEnabled",
        "CustomRecordLabel",
        "SecondaryUniqueField",
        "SecondaryUniqueFieldDisplayValue",
        "SecondaryUniqueFieldDisplayLabel",
        "SchedulingEnabled",
        "SurveysEnabled",
        "SurveyInvitationEmailField",
        "SurveyParticipantIdentifiers",
        "RandomizationEnabled",
        "DisplayTodayNowButton",
        "PreventBranchingEraseValues",
        "RequireChangeReason",
        "DataHistoryPopup",
        "OrderRecordsByField",
        "taskCompleteStatus",
        "DataResolutionWorkflowEnabled",
        "FieldCommentLogOptionEditDelete",
        "DataResolutionWorkflowHideClosedQueries",
        "MyCapEnabled",
        "Purpose",
        "PurposeOther",
        "ProjectNotes",
        "SurveyQueueCustomText",
        "SurveyQueueHide",
        "HideFilledForms",
        "HideDisabledForms",
        "ProtectedEmailMode",
        "ProtectedEmailModeTrigger",
        "DataMartProjectEnabled",
        "DatamartAllowRepeatRevision",
        "DatamartAllowCreateRevision",
        "DatamartCronEnabled",
        "SurveyAuthEnabled",
        "SurveyAuthApplyAllSurveys",
        "MycapProjectsGroup",
        "MycapThemesGroup",
        "MultilanguageSettingsGroup",
    }
)
DAG_GROUP = "DataAccessGroupsGroup"


def read_project_xml(data: bytes | str, *, logic: LogicCheck | None = None) -> Project:
    """Read a project XML; raise ProjectXmlError listing what keeps it from being read."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    document = Document.of(raw)
    try:
        root = document.parse()
        reader = _Reader(root, logic)
        project = reader.project()
        if root.first("ClinicalData") is None:
            return project
        # The records are read in a second pass, one record at a time.
        records = _Records(project, reader.issues)
        document.subjects(records.subject)
    except XmlError as error:
        raise ProjectXmlError((Finding(error.line, "", str(error)),)) from None
    columns, rows = records.finish()
    issues = tuple(sorted(reader.issues, key=lambda f: f.line))
    return replace(project, record_columns=columns, records=rows, issues=issues)


@dataclass
class _Item:
    """An ItemDef with the form and item group it was found in."""

    node: Node
    form: str


@dataclass
class _Reader:
    root: Node
    logic: LogicCheck | None
    problems: list[Finding] = field(default_factory=list)
    issues: list[Finding] = field(default_factory=list)

    def project(self) -> Project:
        study, metadata = self._study()
        items = {node.get("OID"): node for node in metadata.all("ItemDef")}
        code_lists = {node.get("OID"): node for node in metadata.all("CodeList")}
        record_id = metadata.rc("RecordIdField")
        forms, fields = self._fields(metadata, items)
        events, arms, designations = self._events(metadata)
        repeating_forms, repeating_events = self._repeating(study)
        dags = self._dags(study)
        kept = self._kept(study)
        rows, extras = self._rows(fields, code_lists)
        dictionary_csv, dictionary = self._dictionary(rows, fields)
        if fields and record_id and fields[0].node.rc("Variable") != record_id:
            self._problem(
                metadata,
                f"the record id field {record_id!r} must be the first field of the first "
                "instrument",
            )
        if not fields:
            self._problem(metadata, "the project has no fields (no ItemDef in its instruments)")
        if self.problems or dictionary is None:
            raise ProjectXmlError(tuple(sorted(self.problems, key=lambda f: f.line)))
        project = Project(
            title=_text(study, "GlobalVariables", "StudyName"),
            record_id_field=dictionary.fields[0].name,
            dictionary=dictionary,
            form_labels=tuple(forms.items()),
            arms=arms,
            events=events,
            designations=designations,
            dags=dags,
            repeating_forms=repeating_forms,
            repeating_events=repeating_events,
            field_extras=extras,
            kept=kept,
            dictionary_csv=dictionary_csv,
        )
        return replace(project, issues=tuple(sorted(self.issues, key=lambda f: f.line)))

    # --- the frame ------------------------------------------------------------------

    def _study(self) -> tuple[Node, Node]:
        root = self.root
        if root.name != "ODM" or not root.odm:
            what = f"<{root.qualified()}>" + (f" in namespace {root.ns}" if root.ns else "")
            raise ProjectXmlError(
                (
                    Finding(
                        root.line,
                        "",
                        f"this is not CDISC ODM: the file starts with {what}, where REDCap's "
                        'project XML starts with <ODM xmlns="http://www.cdisc.org/ns/odm/v1.3">',
                    ),
                )
            )
        study = root.first("Study")
        if study is None:
            raise ProjectXmlError(
                (Finding(root.line, "ODM", "the ODM has no <Study>: is it a data-only export?"),)
            )
        metadata = study.first("MetaDataVersion")
        if metadata is None:
            raise ProjectXmlError(
                (Finding(study.line, "Study", "the study has no <MetaDataVersion>"),)
            )
        if not metadata.rc("RecordIdField") and not any(
            item.rc("Variable") for item in metadata.all("ItemDef")
        ):
            raise ProjectXmlError(
                (
                    Finding(
                        metadata.line,
                        "MetaDataVersion",
                        "this ODM was not written by REDCap: it has no redcap:RecordIdField "
                        "and no redcap:Variable on its items; RadCollab reads REDCap's "
                        "project XML",
                    ),
                )
            )
        return study, metadata

    def _problem(self, node: Node, message: str, where: str = "") -> None:
        self.problems.append(Finding(node.line, where or node.qualified(), message))

    def _issue(self, node: Node, where: str, message: str) -> None:
        self.issues.append(Finding(node.line, where, message))

    # --- instruments and fields -----------------------------------------------------

    def _fields(self, metadata: Node, items: dict[str, Node]) -> tuple[dict[str, str], list[_Item]]:
        """Instruments (name -> label) and their fields in order, form status left out."""
        groups = {node.get("OID"): node for node in metadata.all("ItemGroupDef")}
        forms: dict[str, str] = {}
        found: list[_Item] = []
        seen: set[str] = set()
        for form in metadata.all("FormDef"):
            name = form.rc("FormName") or form.get("OID").removeprefix("Form.")
            if not name:
                self._problem(form, "the instrument has no redcap:FormName or OID")
                continue
            forms[name] = form.get("Name")
            for ref in form.all("ItemGroupRef"):
                group = groups.get(ref.get("ItemGroupOID"))
                if group is None:
                    self._problem(ref, f"no ItemGroupDef {ref.get('ItemGroupOID')!r}")
                    continue
                for item_ref in group.all("ItemRef"):
                    item = items.get(item_ref.get("ItemOID"))
                    if item is None:
                        self._problem(item_ref, f"no ItemDef {item_ref.get('ItemOID')!r}")
                        continue
                    variable = item.rc("Variable") or item.get("Name")
                    if variable in seen or variable == status_column(name):
                        continue  # a checkbox's other options; the form's status
                    if variable in (DAG_COLUMN, "redcap_survey_identifier") or (
                        variable.endswith("_timestamp") and item.rc("FieldType") == ""
                    ):
                        continue
                    seen.add(variable)
                    found.append(_Item(item, name))
        return forms, found

    def _rows(
        self, fields: list[_Item], code_lists: dict[str, Node]
    ) -> tuple[list[tuple[int, list[str]]], tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]:
        rows: list[tuple[int, list[str]]] = []
        extras: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        for item in fields:
            cells, kept = self._cells(item, code_lists)
            if cells is not None:
                rows.append((item.node.line, cells))
            if kept:
                extras.append((cells[0] if cells else item.node.get("OID"), kept))
        return rows, tuple(extras)

    def _cells(
        self, item: _Item, code_lists: dict[str, Node]
    ) -> tuple[list[str] | None, tuple[tuple[str, str], ...]]:
        node = item.node
        name = node.rc("Variable") or node.get("Name")
        redcap_type = node.rc("FieldType")
        field_type = FIELD_TYPES.get(redcap_type)
        if field_type is None:
            self._problem(
                node,
                f"field {name}: redcap:FieldType {redcap_type!r} is not a REDCap field type",
                "ItemDef",
            )
            return None, ()
        cells = dict.fromkeys(c.HEADER, "")
        cells[c.NAME], cells[c.FORM], cells[c.FIELD_TYPE] = name, item.form, field_type
        cells[c.LABEL] = _label(node.first("Question"))
        for attribute, column in ITEM_ATTRIBUTES.items():
            cells[column] = node.rc(attribute)
        cells[c.CHOICES] = self._choices(node, field_type, code_lists)
        for check in node.all("RangeCheck"):
            value = _text(check, "CheckValue")
            bound = {"GE": c.MINIMUM, "LE": c.MAXIMUM}.get(check.get("Comparator"))
            if bound:
                cells[bound] = value
        kept = tuple(
            (local, value)
            for (ns, local), value in node.attrs.items()
            if ns == REDCAP and local not in ITEM_ATTRIBUTES and local not in READ_ELSEWHERE
        )
        for local, value in kept:
            self._issue(node, name, f"redcap:{local}={value!r} is {NOT_APPLIED}")
        for child in node.all("Attachment", REDCAP):
            self._issue(
                child,
                name,
                f"the descriptive field's attachment {child.attrs.get(('', 'DocName'), '')!r} "
                "is not imported (RadCollab keeps no files of a dictionary)",
            )
        return [cells[column] for column in c.HEADER], kept

    def _choices(self, node: Node, field_type: str, code_lists: dict[str, Node]) -> str:
        if field_type == "calc":
            return node.rc("Calculation")
        if field_type == "slider":
            return node.rc("SliderLabels")
        ref = node.first("CodeListRef")
        code_list = code_lists.get(ref.get("CodeListOID")) if ref is not None else None
        if field_type == "checkbox":
            return code_list.rc("CheckboxChoices") if code_list is not None else ""
        if field_type not in ("dropdown", "radio") or code_list is None:
            return ""
        return " | ".join(
            f"{item.get('CodedValue')}, {_label(item.first('Decode'))}"
            for item in code_list.all("CodeListItem")
        )

    def _dictionary(
        self, rows: list[tuple[int, list[str]]], fields: list[_Item]
    ) -> tuple[str, DataDictionary | None]:
        """The rows as REDCap's CSV, read by the dictionary reader; its findings moved to
        the lines of the XML."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(c.HEADER)
        lines = {1: self.root.line}
        names = {1: ""}
        at = 2
        for xml_line, cells in rows:
            lines[at], names[at] = xml_line, cells[0]
            start = buffer.tell()
            writer.writerow(cells)
            at += buffer.getvalue()[start:].count("\n")
        text = buffer.getvalue()
        try:
            result = read_data_dictionary(text, logic=self.logic)
        except DataDictionaryError as error:
            for problem in error.problems:
                self.problems.append(
                    Finding(
                        lines.get(problem.line, 0),
                        _where(names.get(problem.line, ""), problem.column),
                        problem.message,
                    )
                )
            return text, None
        moved = tuple(
            replace(f, issues=tuple(_moved(i, lines) for i in f.issues))
            for f in result.dictionary.fields
        )
        for issue in result.issues:
            self.issues.append(
                Finding(
                    lines.get(issue.line, 0),
                    _where(names.get(issue.line, ""), issue.column),
                    issue.message,
                )
            )
        return text, replace(result.dictionary, fields=moved)

    # --- events and arms ------------------------------------------------------------

    def _events(
        self, metadata: Node
    ) -> tuple[tuple[Event, ...], tuple[Arm, ...], tuple[Designation, ...]]:
        events: list[Event] = []
        arms: dict[int, Arm] = {}
        designations: list[Designation] = []
        for node in metadata.all("StudyEventDef"):
            unique = node.rc("UniqueEventName") or node.get("OID").removeprefix("Event.")
            arm_text = node.rc("ArmNum") or "1"
            if not arm_text.isdigit() or int(arm_text) < 1:
                self._problem(node, f"event {unique}: redcap:ArmNum {arm_text!r} is not a number")
                continue
            arm = int(arm_text)
            arms.setdefault(arm, Arm(arm, node.rc("ArmName") or f"Arm {arm}"))
            events.append(
                Event(
                    unique_name=unique,
                    name=node.rc("EventName") or node.get("Name"),
                    arm=arm,
                    day_offset=node.rc("DayOffset"),
                    offset_min=node.rc("OffsetMin"),
                    offset_max=node.rc("OffsetMax"),
                    custom_label=node.rc("CustomEventLabel"),
                    repeating=node.get("Repeating") == "Yes",
                )
            )
            for ref in node.all("FormRef"):
                form = ref.rc("FormName") or ref.get("FormOID").removeprefix("Form.")
                designations.append(Designation(arm, unique, form))
        return tuple(events), tuple(arms.values()), tuple(designations)

    def _repeating(self, study: Node) -> tuple[tuple[RepeatingForm, ...], tuple[str, ...]]:
        found = _path(study, "GlobalVariables")
        setup = found.first("RepeatingInstrumentsAndEvents", REDCAP) if found else None
        if setup is None:
            return (), ()
        forms: list[RepeatingForm] = []
        events: list[str] = []
        for child in setup.children:
            if child.name == "RepeatingEvent":
                events.append(child.rc("UniqueEventName"))
            for item in child.all("RepeatingInstrument", REDCAP):
                forms.append(
                    RepeatingForm(
                        item.rc("UniqueEventName") or CLASSIC_EVENT,
                        item.rc("RepeatInstrument"),
                        item.rc("CustomLabel"),
                    )
                )
        return tuple(forms), tuple(events)

    def _dags(self, study: Node) -> tuple[str, ...]:
        found = _path(study, "GlobalVariables")
        group = found.first(DAG_GROUP, REDCAP) if found else None
        if group is None:
            return ()
        return tuple(
            dag.attrs.get(("", "group_name"), "")
            for dag in group.all("DataAccessGroups", REDCAP)
            if dag.attrs.get(("", "group_name"), "")
        )

    def _kept(self, study: Node) -> tuple[Node, ...]:
        found = _path(study, "GlobalVariables")
        if found is None:
            return ()
        kept = []
        for child in found.children:
            if child.name in GLOBALS_READ or child.name == DAG_GROUP:
                continue
            kept.append(child)
            if child.name in QUIET_SETTINGS or (
                not child.children and child.text.strip() in ("", "0")
            ):
                continue
            what = child.name.removesuffix("Group")
            count = len(child.children)
            detail = f" ({count} item{'s' if count != 1 else ''})" if child.children else ""
            self._issue(child, child.qualified(), f"REDCap's {what}{detail} is {NOT_APPLIED}")
        return tuple(kept)


class _Records:
    """ClinicalData as REDCap's flat rows: one per record, event and instance."""

    def __init__(self, project: Project, issues: list[Finding]) -> None:
        self.project = project
        self.issues = issues
        dictionary = project.dictionary
        self.forms = {f.name: f.form for f in dictionary.fields}
        self.types = {f.name: f for f in dictionary.fields}
        self.columns = _columns(project)
        self.known = set(self.columns)
        self.repeating = {(r.event, r.form) for r in project.repeating_forms}
        self.classic_repeating = {r.form for r in project.repeating_forms}
        self.repeating_events = set(project.repeating_events)
        self.unknown: set[str] = set()
        self.rows: dict[tuple[str, str, str, str], dict[str, str]] = {}
        self.dags: dict[str, str] = {}

    def subject(self, subject: Node) -> None:
        """One record's SubjectData, as flat rows."""
        rows, dags = self.rows, self.dags
        record = subject.get("SubjectKey")
        for event in subject.all("StudyEventData"):
            name = event.rc("UniqueEventName") or event.get("StudyEventOID").removeprefix("Event.")
            repeat = event.get("StudyEventRepeatKey", "1")
            for form in event.all("FormData"):
                self._form(rows, dags, record, name, repeat, form)
        for form in subject.all("FormData"):
            self._form(rows, dags, record, "", "1", form)

    def finish(self) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
        rows, dags = self.rows, self.dags
        keys = {EVENT_COLUMN, REPEAT_INSTRUMENT_COLUMN, REPEAT_INSTANCE_COLUMN}
        keys.add(self.project.record_id_field)
        # A repeated row that gives no value brings nothing; a record's first row stays.
        rows = {
            key: row
            for key, row in rows.items()
            if not key[3] or any(column not in keys for column in row)
        }
        used = {column for row in rows.values() for column in row}
        columns = tuple(
            column
            for column in self.columns
            if column in used or column == self.project.record_id_field
        )
        for row in rows.values():
            record = row[self.project.record_id_field]
            if record in dags:
                row[DAG_COLUMN] = dags[record]
        if dags and DAG_COLUMN not in columns:
            columns = _insert_dag(columns)
        return columns, tuple(rows.values())

    def _form(
        self,
        rows: dict[tuple[str, str, str, str], dict[str, str]],
        dags: dict[str, str],
        record: str,
        event: str,
        event_repeat: str,
        form: Node,
    ) -> None:
        name = form.get("FormOID").removeprefix("Form.")
        repeats = (event, name) in self.repeating or (
            not self.project.longitudinal and name in self.classic_repeating
        )
        if event in self.repeating_events:
            instrument, instance = "", event_repeat
        elif repeats:
            instrument, instance = name, form.get("FormRepeatKey", "1")
        else:
            instrument, instance = "", ""
        key = (record, event, instrument, instance)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {self.project.record_id_field: record}
            if event:
                row[EVENT_COLUMN] = event
            if instance:
                row[REPEAT_INSTRUMENT_COLUMN] = instrument
                row[REPEAT_INSTANCE_COLUMN] = instance
        for group in form.all("ItemGroupData"):
            for item in group.children:
                self._item(row, dags, record, item)

    def _item(self, row: dict[str, str], dags: dict[str, str], record: str, item: Node) -> None:
        oid = item.get("ItemOID")
        if item.name == "ItemDataBase64Binary":
            self.issues.append(
                Finding(
                    item.line,
                    oid,
                    f"record {record}: the file uploaded in {oid} is not imported (files stay "
                    "in REDCap)",
                )
            )
            return
        if item.name != "ItemData":
            return
        value = item.get("Value")
        if value == "":
            return  # a blank is no value: the flat row leaves the cell empty
        if oid == DAG_COLUMN:
            dags[record] = value
            return
        if oid not in self.known:
            if oid not in self.unknown:
                self.unknown.add(oid)
                self.issues.append(
                    Finding(
                        item.line,
                        oid,
                        f"{oid} is not a field of the project's dictionary; its values are "
                        "not imported",
                    )
                )
            return
        found = self.types.get(oid)
        if found is not None and found.validation and found.validation.value.startswith("datetime"):
            value = value.replace("T", " ", 1)
        row[oid] = value


def _columns(project: Project) -> tuple[str, ...]:
    """REDCap's flat columns for the project, in its export order."""
    from formats.records.columns import checkbox_column

    columns = [project.record_id_field]
    if project.longitudinal:
        columns.append(EVENT_COLUMN)
    if project.repeating_forms or project.repeating_events:
        columns += [REPEAT_INSTRUMENT_COLUMN, REPEAT_INSTANCE_COLUMN]
    if project.dags:
        columns.append(DAG_COLUMN)
    for form in project.dictionary.forms():
        for f in project.dictionary.fields_of(form):
            if f.name == project.record_id_field or f.field_type.value == "descriptive":
                continue
            if f.field_type.value == "checkbox":
                columns += [checkbox_column(f, choice.code) for choice in f.choices]
            else:
                columns.append(f.name)
        columns.append(status_column(form))
    return tuple(columns)


def _insert_dag(columns: tuple[str, ...]) -> tuple[str, ...]:
    fixed = (EVENT_COLUMN, REPEAT_INSTRUMENT_COLUMN, REPEAT_INSTANCE_COLUMN)
    at = 1 + sum(1 for column in columns[1:4] if column in fixed)
    return (*columns[:at], DAG_COLUMN, *columns[at:])


def _moved(issue: Issue, lines: dict[int, int]) -> Issue:
    return issue._replace(line=lines.get(issue.line, 0))


def _where(name: str, column: str) -> str:
    """A dictionary finding's place: the field, and the column as REDCap's CSV names it."""
    return ", ".join(part for part in (name, column) if part)


def _label(node: Node | None) -> str:
    """A label: the HTML REDCap keeps in FormattedTranslatedText, else the plain text."""
    if node is None:
        return ""
    formatted = node.first("FormattedTranslatedText", REDCAP)
    if formatted is not None:
        return formatted.text
    return _text(node, "TranslatedText")


def _path(node: Node, *names: str) -> Node | None:
    found: Node | None = node
    for name in names:
        found = found.first(name) if found is not None else None
    return found


def _text(node: Node, *names: str) -> str:
    found = _path(node, *names)
    return found.text if found is not None else ""
