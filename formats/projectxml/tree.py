"""A small element tree with the line each element starts on, read through defusedxml.

ElementTree forgets where an element was; a person fixing a file needs the line. So the
document is read with defusedxml's SAX parser (no entities, no DTD, no external
references), and each element keeps its namespace-qualified name, attributes, text,
children and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.sax import SAXParseException  # nosec B406 - types only; parsing goes through defusedxml.sax (reader.py)
from xml.sax.expatreader import ExpatLocator  # nosec B406 - types only; parsing goes through defusedxml.sax (reader.py)
from xml.sax.handler import ContentHandler, feature_namespaces  # nosec B406 - types only; parsing goes through defusedxml.sax (reader.py)
from xml.sax.xmlreader import AttributesNSImpl, Locator  # nosec B406 - types only; parsing goes through defusedxml.sax (reader.py)

import defusedxml.sax
from defusedxml import DefusedXmlException

ODM = "http://www.cdisc.org/ns/odm/v1.3"
REDCAP = "https://projectredcap.org"
# REDCap has written the ODM namespace with https too; both are read.
ODM_NAMESPACES = frozenset({ODM, "https://www.cdisc.org/ns/odm/v1.3"})


@dataclass(slots=True)
class Node:
    """One element: `ns` is its namespace URI, `name` its local name."""

    ns: str
    name: str
    attrs: dict[tuple[str, str], str]
    line: int = field(compare=False)
    text: str = ""
    children: list[Node] = field(default_factory=list)

    @property
    def odm(self) -> bool:
        return self.ns in ODM_NAMESPACES

    def get(self, name: str, default: str = "") -> str:
        """An attribute without a namespace (ODM's own)."""
        return self.attrs.get(("", name), default)

    def rc(self, name: str, default: str = "") -> str:
        """A `redcap:` attribute."""
        return self.attrs.get((REDCAP, name), default)

    def all(self, name: str, ns: str | None = None) -> Iterator[Node]:
        """Children called `name` (ODM's namespace unless `ns` says otherwise)."""
        for child in self.children:
            if child.name == name and (child.odm if ns is None else child.ns == ns):
                yield child

    def first(self, name: str, ns: str | None = None) -> Node | None:
        return next(self.all(name, ns), None)

    def qualified(self) -> str:
        return f"redcap:{self.name}" if self.ns == REDCAP else self.name


class XmlError(ValueError):
    """The file is not well-formed XML, or is refused for safety; `line` says where."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


class _Builder(ContentHandler):
    """Builds the tree. Inside ClinicalData it keeps no element: with `subjects` it builds
    one SubjectData at a time and hands it over, so a file of many records is never held
    whole (only its metadata is)."""

    def __init__(self, subjects: Callable[[Node], None] | None = None) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.texts: list[list[str]] = []
        self.subjects = subjects
        self.clinical = 0  # depth inside ClinicalData (0: outside)
        self.subject: list[Node] = []  # the SubjectData being built, and its open elements

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def startElementNS(
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl
    ) -> None:
        ns, local = name
        if self.clinical:
            self.clinical += 1
            if self.subjects is None or (not self.subject and local != "SubjectData"):
                return
        values = {(a_ns or "", a_local): value for (a_ns, a_local), value in attrs.items()}
        line = (self.locator.getLineNumber() or 0) if self.locator else 0
        node = Node(ns or "", local, values, line)
        if self.clinical:
            if self.subject:
                self.subject[-1].children.append(node)
            self.subject.append(node)
            return
        if local == "ClinicalData" and (ns or "") in ODM_NAMESPACES:
            self.clinical = 1
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)
        self.texts.append([])

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        if self.clinical > 1:
            self.clinical -= 1
            if self.subject:
                node = self.subject.pop()
                if not self.subject and self.subjects is not None:
                    self.subjects(node)
            return
        self.clinical = 0
        node = self.stack.pop()
        node.text = "".join(self.texts.pop())

    def characters(self, content: str) -> None:
        # Records carry their values in attributes; only metadata keeps text.
        if self.texts and not self.clinical:
            self.texts[-1].append(content)


# An attribute value that holds a line break: XML would read the break as a space
# (attribute-value normalisation), so it is written as a character reference first,
# as REDCap's own reader does.
_BROKEN_VALUE = re.compile(rb'="[^"\n]*\n[^"]*"')


def _keep_breaks(data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """The document with breaks in attribute values as `&#10;`, and where lines moved:
    (line of the changed text, breaks removed there)."""
    moved: list[tuple[int, int]] = []
    parts: list[bytes] = []
    at = 0
    line = 1
    for match in _BROKEN_VALUE.finditer(data):
        line += data.count(b"\n", at, match.start())
        parts += [data[at : match.start()], match.group().replace(b"\n", b"&#10;")]
        breaks = match.group().count(b"\n")
        moved.append((line, breaks))
        at = match.end()
    parts.append(data[at:])
    return b"".join(parts), moved


def _original_line(line: int, moved: list[tuple[int, int]]) -> int:
    return line + sum(breaks for at, breaks in moved if at < line)


@dataclass
class Document:
    """A file made ready to read: line endings made LF, breaks in values kept."""

    data: bytes
    moved: list[tuple[int, int]]

    @classmethod
    def of(cls, data: bytes) -> Document:
        return cls(*_keep_breaks(data.replace(b"\r\n", b"\n")))

    def parse(self) -> Node:
        """The root element with everything but the records (ClinicalData is kept with
        its attributes, without its children), or XmlError naming the line at fault."""
        root = self._read(_Builder())
        if self.moved:
            _relocate(root, self.moved)
        return root

    def subjects(self, each: Callable[[Node], None]) -> None:
        """Each SubjectData of ClinicalData in turn, with all it holds."""

        def relocated(node: Node) -> None:
            if self.moved:
                _relocate(node, self.moved)
            each(node)

        self._read(_Builder(relocated))

    def _read(self, builder: _Builder) -> Node:
        try:
            return _parse(self.data, builder)
        except XmlError as error:
            raise XmlError(_original_line(error.line, self.moved), str(error)) from None


def parse(data: bytes) -> Node:
    """The document's root element (without records), or XmlError naming the line at fault."""
    return Document.of(data).parse()


def _relocate(root: Node, moved: list[tuple[int, int]]) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        node.line = _original_line(node.line, moved)
        stack.extend(node.children)


def _parse(data: bytes, builder: _Builder) -> Node:
    parser = defusedxml.sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    # `feed` (unlike `parse`) never hands the handler a locator: give it one.
    builder.setDocumentLocator(ExpatLocator(parser))
    try:
        parser.feed(data)
        parser.close()
    except SAXParseException as error:
        raise XmlError(
            error.getLineNumber() or 0, f"the XML cannot be read: {error.getMessage()}"
        ) from None
    except DefusedXmlException as error:
        line = (builder.locator.getLineNumber() or 0) if builder.locator else 0
        raise XmlError(
            line,
            f"the XML is refused for safety ({type(error).__name__}): entities and DTDs "
            "are not read",
        ) from None
    if builder.root is None:
        raise XmlError(1, "the file is empty")
    return builder.root
