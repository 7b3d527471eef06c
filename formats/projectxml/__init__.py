"""REDCap's project XML (CDISC ODM 1.3.1 with REDCap's extensions): a pure reader and
writer (no Django here).

`read_project_xml` returns a `Project`: the data dictionary (read and checked by
`formats.datadictionary`), arms, events, designations, data access groups, the repeating
setup and the records as REDCap's flat rows, with what RadCollab keeps but does not apply
reported item by item; or raises `ProjectXmlError` naming each problem and its line.
`write_project_xml` writes a Project back in REDCap's layout. XML is read only through
defusedxml. See docs/capture.md, "REDCap project XML".
"""

from __future__ import annotations

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
from formats.projectxml.reader import read_project_xml
from formats.projectxml.writer import write_project_xml

__all__ = [
    "CLASSIC_EVENT",
    "EVENT_COLUMN",
    "Arm",
    "Designation",
    "Event",
    "Finding",
    "Project",
    "ProjectXmlError",
    "RepeatingForm",
    "read_project_xml",
    "write_project_xml",
]
