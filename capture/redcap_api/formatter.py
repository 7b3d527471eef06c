"""REDCap's API answers as REDCap writes them: JSON, CSV or XML, and its error shapes.

Pure (no Django): the view hands it rows (dicts of strings, in column order) and gets
back text chunks to stream, or the body of an error. REDCap's own conventions:

- JSON is a list of objects whose values are all strings;
- CSV has a header row, cells quoted only where needed, `\\n` line endings;
- XML is `<records><item><name><![CDATA[value]]></name>...</item></records>` for lists;
- an error is `{"error": "..."}` in JSON, `ERROR: ...` in CSV and
  `<hash><error>...</error></hash>` in XML, in the `returnFormat` asked for, else in
  `format`, else XML (REDCap's default).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence

FORMATS = ("json", "csv", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n'
# Rows joined into one chunk of a streamed answer: few, large writes.
CHUNK_ROWS = 200
# Made once: `json.dumps` with an option builds a new encoder for every row.
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)

# What a cell of an answer holds: text, or a number where REDCap gives one (an id, a flag);
# blank as None.
Cell = str | int | float | None


class RedcapError(Exception):
    """A call REDCap would refuse: its status and REDCap's message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def error_body(message: str, fmt: str) -> tuple[str, str]:
    """(body, content type) of an error in REDCap's shape for `fmt`."""
    if fmt == "json":
        return json.dumps({"error": message}), CONTENT_TYPES["json"]
    if fmt == "csv":
        return f"ERROR: {message}", CONTENT_TYPES["csv"]
    return (
        f"{XML_HEAD}<hash>\n  <error>{_escape(message)}</error>\n</hash>",
        CONTENT_TYPES["xml"],
    )


def render(
    rows: Iterable[Mapping[str, Cell]], fmt: str, columns: Sequence[str] | None = None
) -> Iterator[str]:
    """The rows as text chunks in `fmt`; `columns` is the CSV header (else the first row's)."""
    if fmt == "json":
        return _json(rows)
    if fmt == "csv":
        return _csv(rows, columns)
    return _xml(rows)


def render_object(row: Mapping[str, Cell], fmt: str) -> str:
    """One object (project information): a JSON object, a one-row CSV, an XML item."""
    if fmt == "json":
        return json.dumps(dict(row), ensure_ascii=False)
    if fmt == "csv":
        return "".join(_csv([row], list(row)))
    fields = "".join(f"<{k}>{_cdata(v)}</{k}>" for k, v in row.items())
    return f"{XML_HEAD}<item>{fields}</item>\n"


def _json(rows: Iterable[Mapping[str, Cell]]) -> Iterator[str]:
    yield "["
    first = True
    encode = _ROW_ENCODER.encode
    chunk: list[str] = []
    for row in rows:
        chunk.append(("" if first else ",") + encode(row))
        first = False
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]"


def _csv(rows: Iterable[Mapping[str, Cell]], columns: Sequence[str] | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = list(columns) if columns is not None else None
    count = 0
    for row in rows:
        if header is None:
            header = list(row)
        if count == 0:
            writer.writerow(header)
        writer.writerow([_text(row.get(name, "")) for name in header])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if count == 0 and header:
        writer.writerow(header)
    yield buffer.getvalue()


def _xml(rows: Iterable[Mapping[str, Cell]]) -> Iterator[str]:
    yield f"{XML_HEAD}<records>\n"
    chunk: list[str] = []
    for row in rows:
        fields = "".join(f"<{k}>{_cdata(v)}</{k}>" for k, v in row.items())
        chunk.append(f"<item>{fields}</item>\n")
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "</records>\n"


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def _cdata(value: Cell) -> str:
    # "]]>" cannot stand inside one CDATA section: split it across two.
    return "<![CDATA[" + _text(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Reading an import's `data` -----------------------------------------------------------


def read_rows(data: str, fmt: str) -> list[dict[str, str]]:
    """The rows of an import's `data` in `fmt`, every value as text; RedcapError if unreadable."""
    if fmt == "json":
        return _read_json(data)
    if fmt == "csv":
        return _read_csv(data)
    return _read_xml(data)


def _read_json(data: str) -> list[dict[str, str]]:
    try:
        parsed = json.loads(data)
    except ValueError as error:
        raise RedcapError(f"The data you provided is not valid JSON: {error}") from error
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        raise RedcapError("The data you provided must be a JSON list of objects, one per row.")
    return [{str(k): _json_value(v) for k, v in item.items()} for item in parsed]


def _json_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(data: str) -> list[dict[str, str]]:
    try:
        reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff"), newline=""), strict=True)
        rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as error:
        raise RedcapError(f"The CSV data you provided cannot be read: {error}") from error
    return rows


def _read_xml(data: str) -> list[dict[str, str]]:
    from xml.etree.ElementTree import ParseError  # only the exception type: parsing is defusedxml # nosec B405

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data.strip())
    except (ParseError, DefusedXmlException) as error:
        raise RedcapError(f"The XML data you provided cannot be read: {error}") from error
    return [{child.tag: (child.text or "") for child in item} for item in root.iter("item")]
