"""Writing a project as REDCap's project XML, laid out as REDCap writes it.

Tabs for indentation, LF line endings, every `redcap:` extension REDCap itself writes
(the ItemDef attributes, CodeLists with `redcap:CheckboxChoices`, item groups split at
section headers, a "Form Status" group per instrument), and what a read file carried that
RadCollab keeps but does not apply, so that REDCap can create the project from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from formats.datadictionary import Field, FieldType
from formats.datadictionary import columns as c
from formats.datadictionary.choices import format_slider_labels
from formats.datadictionary.writer import field_cells
from formats.projectxml.model import EVENT_COLUMN, Project
from formats.projectxml.tree import REDCAP, Node
from formats.records.columns import (
    DAG_COLUMN,
    REPEAT_INSTANCE_COLUMN,
    REPEAT_INSTRUMENT_COLUMN,
    checkbox_column,
    status_column,
)

XML_TYPES = {
    FieldType.TEXT: "text",
    FieldType.NOTES: "textarea",
    FieldType.DROPDOWN: "select",
    FieldType.RADIO: "radio",
    FieldType.CHECKBOX: "checkbox",
    FieldType.YESNO: "yesno",
    FieldType.TRUEFALSE: "truefalse",
    FieldType.CALC: "calc",
    FieldType.DESCRIPTIVE: "descriptive",
    FieldType.SLIDER: "slider",
    FieldType.FILE: "file",
    FieldType.SQL: "sql",
}
_OPTIONAL = (
    ("FieldNote", c.NOTE),
    ("SectionHeader", c.SECTION_HEADER),
)
_FLAGS = (
    ("Identifier", c.IDENTIFIER),
    ("RequiredField", c.REQUIRED),
    ("MatrixRanking", c.MATRIX_RANKING),
)
_OTHER = (
    ("BranchingLogic", c.BRANCHING_LOGIC),
    ("CustomAlignment", c.ALIGNMENT),
    ("QuestionNumber", c.QUESTION_NUMBER),
    ("MatrixGroupName", c.MATRIX_GROUP),
    ("FieldAnnotation", c.ANNOTATION),
)
STATUS_CHOICES = (("0", "Incomplete"), ("1", "Unverified"), ("2", "Complete"))
_NOT_OID = re.compile(r"[^a-zA-Z0-9 ]")


def write_project_xml(project: Project, *, now: datetime | None = None) -> str:
    """The project XML text (UTF-8, no byte-order mark), records included when it has any."""
    stamp = (now or datetime(2000, 1, 1, tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    oid = _study_oid(project.title)
    metadata_oid = f"Metadata.{oid.removeprefix('Project.')}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" ?>\n',
        '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:redcap="https://projectredcap.org"'
        ' xsi:schemaLocation="http://www.cdisc.org/ns/odm/v1.3 schema/odm/ODM1-3-1.xsd"'
        f' ODMVersion="1.3.1" FileOID="000-00-0000" FileType="Snapshot"'
        f" Description={_attr(project.title)} AsOfDateTime={_attr(stamp)}"
        f' CreationDateTime={_attr(stamp)} SourceSystem="RadCollab" SourceSystemVersion="1">\n',
        f"<Study OID={_attr(oid)}>\n",
        *_globals(project),
        f"<MetaDataVersion OID={_attr(metadata_oid)} Name={_attr(project.title)}"
        f" redcap:RecordIdField={_attr(project.record_id_field)}>\n",
        *_protocol(project),
        *_metadata(project),
        "</MetaDataVersion>\n</Study>\n",
    ]
    if project.records:
        parts.append(
            f"<ClinicalData StudyOID={_attr(oid)} MetaDataVersionOID={_attr(metadata_oid)}>\n"
        )
        parts.extend(_clinical(project))
        parts.append("</ClinicalData>\n")
    parts.append("</ODM>")
    return "".join(parts)


def _study_oid(title: str) -> str:
    words = _NOT_OID.sub("", title).split()
    return "Project." + "".join(word[:1].upper() + word[1:] for word in words)[:30]


def _attr(value: str) -> str:
    """A quoted attribute value, with line breaks kept as character references."""
    escaped = (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )
    return f'"{escaped}"'


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- GlobalVariables -----------------------------------------------------------------


def _globals(project: Project) -> Iterator[str]:
    title = _text(project.title)
    yield "<GlobalVariables>\n"
    yield f"\t<StudyName>{title}</StudyName>\n"
    yield (
        "\t<StudyDescription>This file contains the metadata, events, and data for REDCap "
        f'project "{title}".</StudyDescription>\n'
    )
    yield f"\t<ProtocolName>{title}</ProtocolName>\n"
    for node in project.kept:
        yield from _node(node, 1)
    if project.repeating_forms or project.repeating_events:
        yield "\t<redcap:RepeatingInstrumentsAndEvents>\n"
        by_event: dict[str, list[str]] = {}
        for item in project.repeating_forms:
            by_event.setdefault(item.event, []).append(
                f"\t\t\t<redcap:RepeatingInstrument redcap:UniqueEventName={_attr(item.event)}"
                f" redcap:RepeatInstrument={_attr(item.form)}"
                f" redcap:CustomLabel={_attr(item.custom_label)}/>\n"
            )
        for lines in by_event.values():
            yield "\t\t<redcap:RepeatingInstruments>\n"
            yield from lines
            yield "\t\t</redcap:RepeatingInstruments>\n"
        for event in project.repeating_events:
            yield f"\t\t<redcap:RepeatingEvent redcap:UniqueEventName={_attr(event)}/>\n"
        yield "\t</redcap:RepeatingInstrumentsAndEvents>\n"
    if project.dags:
        yield "\t<redcap:DataAccessGroupsGroup>\n"
        for dag in project.dags:
            yield f"\t\t<redcap:DataAccessGroups group_name={_attr(dag)}/>\n"
        yield "\t</redcap:DataAccessGroupsGroup>\n"
    yield "</GlobalVariables>\n"


def _node(node: Node, depth: int) -> Iterator[str]:
    """An element kept from a read file, written back as it was read."""
    indent = "\t" * depth
    name = node.qualified()
    attrs = "".join(
        f" {'redcap:' if ns == REDCAP else ''}{local}={_attr(value)}"
        for (ns, local), value in node.attrs.items()
    )
    if node.children:
        yield f"{indent}<{name}{attrs}>\n"
        for child in node.children:
            yield from _node(child, depth + 1)
        yield f"{indent}</{name}>\n"
    elif node.text.strip():
        yield f"{indent}<{name}{attrs}>{_text(node.text)}</{name}>\n"
    elif node.attrs:
        yield f"{indent}<{name}{attrs}/>\n"
    else:
        yield f"{indent}<{name}{attrs}></{name}>\n"


# --- Protocol and events -------------------------------------------------------------


def _protocol(project: Project) -> Iterator[str]:
    if not project.longitudinal:
        return
    yield "\t<Protocol>\n"
    for number, event in enumerate(project.events, start=1):
        yield (
            f"\t\t<StudyEventRef StudyEventOID={_attr('Event.' + event.unique_name)}"
            f' OrderNumber="{number}" Mandatory="No"/>\n'
        )
    yield "\t</Protocol>\n"
    arms = {arm.number: arm.name for arm in project.arms}
    for event in project.events:
        yield (
            f"\t<StudyEventDef OID={_attr('Event.' + event.unique_name)}"
            f' Name={_attr(event.name)} Type="Common"'
            f' Repeating="{"Yes" if event.repeating else "No"}"'
            f" redcap:EventName={_attr(event.name)}"
            f" redcap:CustomEventLabel={_attr(event.custom_label)}"
            f" redcap:UniqueEventName={_attr(event.unique_name)}"
            f' redcap:ArmNum="{event.arm}" redcap:ArmName={_attr(arms.get(event.arm, ""))}'
            f" redcap:DayOffset={_attr(event.day_offset)}"
            f" redcap:OffsetMin={_attr(event.offset_min)}"
            f" redcap:OffsetMax={_attr(event.offset_max)}>\n"
        )
        forms = [d.form for d in project.designations if d.event == event.unique_name]
        for number, form in enumerate(forms, start=1):
            yield (
                f'\t\t<FormRef FormOID={_attr("Form." + form)} OrderNumber="{number}"'
                f' Mandatory="No" redcap:FormName={_attr(form)}/>\n'
            )
        yield "\t</StudyEventDef>\n"


# --- Instruments, fields and code lists ----------------------------------------------


def _groups(project: Project) -> list[tuple[str, str, list[Field]]]:
    """Item groups as REDCap makes them: (OID, name, fields), split at section headers."""
    groups: list[tuple[str, str, list[Field]]] = []
    for form in project.dictionary.forms():
        label = project.form_label(form)
        for f in project.dictionary.fields_of(form):
            if not groups or groups[-1][0].split(".", 1)[0] != form or f.section_header:
                groups.append((f"{form}.{f.name}", f.section_header or label, []))
            groups[-1][2].append(f)
    return groups


def _metadata(project: Project) -> Iterator[str]:
    groups = _groups(project)
    forms = project.dictionary.forms()
    for form in forms:
        yield (
            f"\t<FormDef OID={_attr('Form.' + form)} Name={_attr(project.form_label(form))}"
            f' Repeating="No" redcap:FormName={_attr(form)}>\n'
        )
        for oid, _, _ in groups:
            if oid.split(".", 1)[0] == form:
                yield f'\t\t<ItemGroupRef ItemGroupOID={_attr(oid)} Mandatory="No"/>\n'
        status = status_column(form)
        yield f'\t\t<ItemGroupRef ItemGroupOID={_attr(form + "." + status)} Mandatory="No"/>\n'
        yield "\t</FormDef>\n"
    for oid, name, fields in groups:
        yield f'\t<ItemGroupDef OID={_attr(oid)} Name={_attr(name)} Repeating="No">\n'
        for f in fields:
            mandatory = "Yes" if f.required else "No"
            for item in _item_oids(f):
                yield (
                    f'\t\t<ItemRef ItemOID={_attr(item)} Mandatory="{mandatory}"'
                    f" redcap:Variable={_attr(f.name)}/>\n"
                )
        yield "\t</ItemGroupDef>\n"
        form = oid.split(".", 1)[0]
        if fields and fields[-1] is project.dictionary.fields_of(form)[-1]:
            status = status_column(form)
            yield (
                f'\t<ItemGroupDef OID={_attr(form + "." + status)} Name="Form Status"'
                ' Repeating="No">\n'
                f'\t\t<ItemRef ItemOID={_attr(status)} Mandatory="No"'
                f" redcap:Variable={_attr(status)}/>\n"
                "\t</ItemGroupDef>\n"
            )
    extras = dict(project.field_extras)
    code_lists: list[str] = []
    for form in forms:
        for f in project.dictionary.fields_of(form):
            for item in _item_oids(f):
                yield from _item_def(f, item, extras.get(f.name, ()))
                code_lists.extend(_code_list(f, item))
        status = status_column(form)
        yield (
            f'\t<ItemDef OID={_attr(status)} Name={_attr(status)} DataType="text" Length="1"'
            f' redcap:Variable={_attr(status)} redcap:FieldType="select"'
            ' redcap:SectionHeader="Form Status">\n'
            "\t\t<Question><TranslatedText>Complete?</TranslatedText></Question>\n"
            f"\t\t<CodeListRef CodeListOID={_attr(status + '.choices')}/>\n"
            "\t</ItemDef>\n"
        )
        code_lists.append(
            f'\t<CodeList OID={_attr(status + ".choices")} Name={_attr(status)} DataType="text"'
            f" redcap:Variable={_attr(status)}>\n"
            + "".join(_code_item(code, label) for code, label in STATUS_CHOICES)
            + "\t</CodeList>\n"
        )
    yield from code_lists


def _item_oids(f: Field) -> list[str]:
    if f.field_type is FieldType.CHECKBOX:
        return [checkbox_column(f, choice.code) for choice in f.choices]
    return [f.name]


def _data_type(f: Field) -> str:
    validation = f.validation.value if f.validation else ""
    if f.field_type in (FieldType.CHECKBOX, FieldType.YESNO, FieldType.TRUEFALSE):
        return "boolean"
    if f.field_type is FieldType.CALC:
        return "float"
    if f.field_type is FieldType.SLIDER:
        return "integer"
    if f.field_type is not FieldType.TEXT:
        return "text"
    if validation.startswith("date_"):
        return "date"
    if validation.startswith("datetime_seconds"):
        return "datetime"
    if validation.startswith("datetime"):
        return "partialDatetime"
    if validation == "time":
        return "partialTime"
    if validation == "integer":
        return "integer"
    if validation.startswith("number"):
        return "float"
    return "text"


def _length(f: Field) -> str:
    if f.field_type is FieldType.CHECKBOX:
        return "1"
    if f.field_type in (FieldType.DROPDOWN, FieldType.RADIO, FieldType.YESNO, FieldType.TRUEFALSE):
        return str(max((len(choice.code) for choice in f.effective_choices), default=1))
    return "999"


def _item_def(f: Field, item: str, extras: tuple[tuple[str, str], ...]) -> Iterator[str]:
    cells = dict(zip(c.HEADER, field_cells(f), strict=True))
    attrs = [
        f"OID={_attr(item)}",
        f"Name={_attr(item)}",
        f'DataType="{_data_type(f)}"',
        f'Length="{_length(f)}"',
        f"redcap:Variable={_attr(f.name)}",
        f'redcap:FieldType="{XML_TYPES[f.field_type]}"',
    ]
    if cells[c.VALIDATION]:
        attrs.append(f"redcap:TextValidationType={_attr(cells[c.VALIDATION])}")
    if f.field_type is FieldType.SLIDER:
        attrs.append(f"redcap:SliderLabels={_attr(format_slider_labels(f.slider_labels))}")
    for name, column in _OPTIONAL:
        if cells[column]:
            attrs.append(f"redcap:{name}={_attr(cells[column])}")
    if f.field_type is FieldType.CALC:
        attrs.append(f"redcap:Calculation={_attr(f.calculation)}")
    for name, column in _FLAGS:
        if cells[column]:
            attrs.append(f'redcap:{name}="y"')
    for name, column in _OTHER:
        if cells[column]:
            attrs.append(f"redcap:{name}={_attr(cells[column])}")
    attrs += [f"redcap:{name}={_attr(value)}" for name, value in extras]
    yield f"\t<ItemDef {' '.join(attrs)}>\n"
    yield f"\t\t<Question>{_translated(f.label)}</Question>\n"
    if _has_code_list(f):
        yield f"\t\t<CodeListRef CodeListOID={_attr(item + '.choices')}/>\n"
    for comparator, column in (("GE", c.MINIMUM), ("LE", c.MAXIMUM)):
        if cells[column]:
            yield (
                f'\t\t<RangeCheck Comparator="{comparator}" SoftHard="Soft">\n'
                f"\t\t\t<CheckValue>{_text(cells[column])}</CheckValue>\n"
                "\t\t\t<ErrorMessage><TranslatedText>The value you provided is outside the "
                "suggested range.</TranslatedText></ErrorMessage>\n"
                "\t\t</RangeCheck>\n"
            )
    yield "\t</ItemDef>\n"


_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _translated(label: str) -> str:
    """REDCap's pair: plain text, and the HTML as FormattedTranslatedText when it has tags."""
    plain = _TAGS.sub("", _BREAKS.sub("\n", label))
    formatted = (
        f"<redcap:FormattedTranslatedText>{_text(label)}</redcap:FormattedTranslatedText>"
        if "<" in label and ">" in label
        else ""
    )
    return f"<TranslatedText>{_text(plain)}</TranslatedText>{formatted}"


def _has_code_list(f: Field) -> bool:
    return f.field_type in (
        FieldType.CHECKBOX,
        FieldType.YESNO,
        FieldType.TRUEFALSE,
        FieldType.DROPDOWN,
        FieldType.RADIO,
    ) and bool(f.effective_choices)


def _code_item(code: str, label: str) -> str:
    return (
        f"\t\t<CodeListItem CodedValue={_attr(code)}><Decode>{_translated(label)}"
        "</Decode></CodeListItem>\n"
    )


def _code_list(f: Field, item: str) -> Iterator[str]:
    if not _has_code_list(f):
        return
    data_type = _data_type(f)
    head = (
        f'\t<CodeList OID={_attr(item + ".choices")} Name={_attr(item)} DataType="{data_type}"'
        f" redcap:Variable={_attr(f.name)}"
    )
    if f.field_type is FieldType.CHECKBOX:
        choices = "|".join(f"{choice.code}, {choice.label}" for choice in f.choices)
        yield (
            f"{head} redcap:CheckboxChoices={_attr(choices)}>\n"
            + _code_item("1", "Checked")
            + _code_item("0", "Unchecked")
            + "\t</CodeList>\n"
        )
        return
    items = "".join(_code_item(choice.code, choice.label) for choice in f.effective_choices)
    yield f"{head}>\n{items}\t</CodeList>\n"


# --- ClinicalData --------------------------------------------------------------------


def _clinical(project: Project) -> Iterator[str]:
    """Each record's rows as SubjectData, events, forms and item groups, in REDCap's nesting."""
    groups = _groups(project)
    group_of: dict[str, str] = {}
    for oid, _, fields in groups:
        for f in fields:
            for item in _item_oids(f):
                group_of[item] = oid
    forms = {}
    for f in project.dictionary.fields:
        for item in _item_oids(f):
            forms[item] = f.form
    for form in project.dictionary.forms():
        forms[status_column(form)] = form
        group_of[status_column(form)] = f"{form}.{status_column(form)}"
    datetimes = {
        f.name
        for f in project.dictionary.fields
        if f.validation is not None and f.validation.value.startswith("datetime")
    }
    by_record: dict[str, list[dict[str, str]]] = {}
    for row in project.records:
        by_record.setdefault(row[project.record_id_field], []).append(row)
    id_group = group_of.get(project.record_id_field, "")
    for record, rows in by_record.items():
        yield (
            f"\t<SubjectData SubjectKey={_attr(record)}"
            f" redcap:RecordIdField={_attr(project.record_id_field)}>\n"
        )
        dag = next((row.get(DAG_COLUMN, "") for row in rows if row.get(DAG_COLUMN)), "")
        first = True
        for event, event_rows in _by_event(rows):
            indent = "\t\t"
            if project.longitudinal:
                repeat = event_rows[0].get(REPEAT_INSTANCE_COLUMN, "") or "1"
                repeat = repeat if event in project.repeating_events else "1"
                yield (
                    f"\t\t<StudyEventData StudyEventOID={_attr('Event.' + event)}"
                    f" StudyEventRepeatKey={_attr(repeat)} redcap:UniqueEventName={_attr(event)}>\n"
                )
                indent = "\t\t\t"
            for row in event_rows:
                yield from _row_forms(
                    project, row, forms, group_of, datetimes, indent, dag if first else "", id_group
                )
                first = False
            if project.longitudinal:
                yield "\t\t</StudyEventData>\n"
        yield "\t</SubjectData>\n"


def _by_event(rows: list[dict[str, str]]) -> list[tuple[str, list[dict[str, str]]]]:
    found: list[tuple[str, list[dict[str, str]]]] = []
    for row in rows:
        key = (
            row.get(EVENT_COLUMN, ""),
            row.get(REPEAT_INSTANCE_COLUMN, "") if not row.get(REPEAT_INSTRUMENT_COLUMN) else "",
        )
        if found and found[-1][0] == key[0] and _event_key(found[-1][1][0]) == key:
            found[-1][1].append(row)
        else:
            found.append((key[0], [row]))
    return found


def _event_key(row: dict[str, str]) -> tuple[str, str]:
    instance = row.get(REPEAT_INSTANCE_COLUMN, "") if not row.get(REPEAT_INSTRUMENT_COLUMN) else ""
    return row.get(EVENT_COLUMN, ""), instance


def _row_forms(
    project: Project,
    row: dict[str, str],
    forms: dict[str, str],
    group_of: dict[str, str],
    datetimes: set[str],
    indent: str,
    dag: str,
    id_group: str,
) -> Iterator[str]:
    repeat_key = row.get(REPEAT_INSTANCE_COLUMN, "") if row.get(REPEAT_INSTRUMENT_COLUMN) else "1"
    by_form: dict[str, list[tuple[str, str]]] = {}
    for column in project.record_columns:
        form = forms.get(column)
        if form is None or column == project.record_id_field:
            continue
        value = row.get(column, "")
        if value == "":
            continue
        if column in datetimes:
            value = value.replace(" ", "T", 1)
        by_form.setdefault(form, []).append((column, value))
    record_form = forms.get(project.record_id_field)
    if dag and record_form is not None:
        by_form.setdefault(record_form, [])
    for form in project.dictionary.forms():
        items = by_form.get(form)
        if items is None:
            continue
        yield (
            f"{indent}<FormData FormOID={_attr('Form.' + form)}"
            f" FormRepeatKey={_attr(repeat_key or '1')}>\n"
        )
        if form == record_form and not row.get(REPEAT_INSTRUMENT_COLUMN):
            items = [(project.record_id_field, row[project.record_id_field]), *items]
            if dag:
                items.insert(1, (DAG_COLUMN, dag))
        current = None
        for column, value in items:
            group = id_group if column == DAG_COLUMN else group_of.get(column, "")
            if group != current:
                if current is not None:
                    yield f"{indent}\t</ItemGroupData>\n"
                yield (
                    f"{indent}\t<ItemGroupData ItemGroupOID={_attr(group)}"
                    ' ItemGroupRepeatKey="1">\n'
                )
                current = group
            yield f"{indent}\t\t<ItemData ItemOID={_attr(column)} Value={_attr(value)}/>\n"
        if current is not None:
            yield f"{indent}\t</ItemGroupData>\n"
        yield f"{indent}</FormData>\n"
