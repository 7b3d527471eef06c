"""ORCID works JSON (the v3.0 API) and Crossref work JSON (api.crossref.org/works)."""

from __future__ import annotations

import html
import json
import re

from formats.bibliography.common import (
    Collector,
    EntryProblem,
    need_title,
    page_range,
    partial_date,
)
from formats.bibliography.model import (
    BibliographyError,
    Kind,
    Name,
    PartialDate,
    Problem,
    Record,
)
from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid, squash, strip_markup
from formats.jsontypes import JSONObject, JSONValue

ORCID_KINDS: dict[str, Kind] = {
    "journal-article": Kind.ARTICLE,
    "conference-abstract": Kind.ABSTRACT,
    "conference-paper": Kind.ABSTRACT,
    "conference-poster": Kind.POSTER,
    "conference-presentation": Kind.ORAL,
    "lecture-speech": Kind.ORAL,
    "book-chapter": Kind.CHAPTER,
    "book": Kind.BOOK,
    "edited-book": Kind.BOOK,
    "preprint": Kind.PREPRINT,
    "working-paper": Kind.PREPRINT,
    "review": Kind.ARTICLE,
    "dissertation": Kind.THESIS,
    "dissertation-thesis": Kind.THESIS,
    "report": Kind.REPORT,
    "data-set": Kind.DATASET,
    "software": Kind.SOFTWARE,
}
CROSSREF_KINDS: dict[str, Kind] = {
    "journal-article": Kind.ARTICLE,
    "proceedings-article": Kind.ABSTRACT,
    "book-chapter": Kind.CHAPTER,
    "book-section": Kind.CHAPTER,
    "posted-content": Kind.PREPRINT,
    "book": Kind.BOOK,
    "monograph": Kind.BOOK,
    "edited-book": Kind.BOOK,
    "dissertation": Kind.THESIS,
    "report": Kind.REPORT,
    "dataset": Kind.DATASET,
    "grant": Kind.GRANT,
}
OWNER_IN_PATH = re.compile(r"^/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/")


def load_json(text: str) -> JSONValue:
    try:
        data: JSONValue = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        problem = Problem(0, "the file", f"it is not JSON ({where}: {error.msg})")
        raise BibliographyError((problem,)) from None
    return data


def read_orcid_json(text: str) -> tuple[Record, ...]:
    return scan_orcid_json(text).result()


def scan_orcid_json(text: str) -> Collector:
    """A works list (`group` → `work-summary`), a bulk answer (`bulk` → `work`), or one work."""
    data = load_json(text)
    found = Collector()
    for index, work in enumerate(_orcid_works(data, found), start=1):
        try:
            found.records.append(_orcid_record(index, work))
        except EntryProblem as problem:
            found.problem(index, str(problem), _put_code(work))
    return found


def _orcid_works(data: JSONValue, found: Collector) -> list[JSONObject]:
    if isinstance(data, dict):
        groups, bulk = data.get("group"), data.get("bulk")
        if isinstance(groups, list):
            return [
                _object(_first(group.get("work-summary")))
                for group in groups
                if isinstance(group, dict)
            ]
        if isinstance(bulk, list):
            return [_object(item.get("work", {})) for item in bulk if isinstance(item, dict)]
        if "title" in data:
            return [data]
    found.file_problem("it is not ORCID works JSON (no 'group', 'bulk' or 'title' at the top)")
    return []


def _first(value: JSONValue) -> JSONValue:
    """A group's first work summary; an empty or missing list reads as an empty work."""
    return value[0] if isinstance(value, list) and value else {}


def _object(value: JSONValue) -> JSONObject:
    """A work that is not a JSON object reads as an empty one (reported: it has no title)."""
    return value if isinstance(value, dict) else {}


def _put_code(work: JSONObject) -> str:
    code = work.get("put-code")
    return f"put-code {code}" if code else ""


def _value(node: JSONValue, *path: str) -> str:
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    return str(node) if node is not None else ""


def _orcid_record(index: int, work: JSONObject) -> Record:
    source_type = str(work.get("type") or "").lower()
    ids = {
        _value(i, "external-id-type").lower(): _value(i, "external-id-value")
        for i in (_value_list(work, "external-ids", "external-id"))
    }
    owner = OWNER_IN_PATH.match(str(work.get("path") or ""))
    date = work.get("publication-date") or {}
    return Record(
        index=index,
        label=_put_code(work),
        line=None,
        source_type=source_type,
        kind=ORCID_KINDS.get(source_type),
        title=need_title(squash(_value(work, "title", "title", "value"))),
        authors=tuple(
            _orcid_contributor(c) for c in _value_list(work, "contributors", "contributor")
        ),
        venue=squash(_value(work, "journal-title", "value")),
        date=partial_date(
            _value(date, "year", "value") or None,
            _value(date, "month", "value") or None,
            _value(date, "day", "value") or None,
        ),
        doi=clean_doi(ids.get("doi", "")),
        pmid=clean_pmid(ids.get("pmid", "")),
        abstract=squash(str(work.get("short-description") or "")),
        owner_orcid=owner.group(1) if owner else "",
    )


def _value_list(node: JSONValue, *path: str) -> list[JSONValue]:
    for key in path:
        if not isinstance(node, dict):
            return []
        node = node.get(key)
    return node if isinstance(node, list) else []


def _orcid_contributor(contributor: JSONValue) -> Name:
    written = squash(_value(contributor, "credit-name", "value"))
    orcid = clean_orcid(_value(contributor, "contributor-orcid", "path"))
    family, comma, given = written.partition(",")
    if comma:
        return Name(family=squash(family), given=squash(given), orcid=orcid)
    *givens, last = written.split() or [""]
    return Name(family=last, given=" ".join(givens), orcid=orcid)


def read_crossref_json(text: str) -> tuple[Record, ...]:
    return scan_crossref_json(text).result()


def scan_crossref_json(text: str) -> Collector:
    """One work (`message`), a work list (`message.items`), or a bare work or list of works."""
    data = load_json(text)
    found = Collector()
    for index, work in enumerate(_crossref_works(data, found), start=1):
        try:
            found.records.append(_crossref_record(index, work))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"DOI {work.get('DOI')}" if work.get("DOI") else "")
    return found


def _crossref_works(data: JSONValue, found: Collector) -> list[JSONObject]:
    message = data.get("message", data) if isinstance(data, dict) else data
    if isinstance(message, dict):
        items = message.get("items")
        if isinstance(items, list):
            message = items
    if isinstance(message, dict) and ("DOI" in message or "title" in message):
        return [message]
    if isinstance(message, list) and all(isinstance(item, dict) for item in message):
        return [item for item in message if isinstance(item, dict)]
    found.file_problem("it is not Crossref work JSON (no 'message' with a work in it)")
    return []


def _crossref_record(index: int, work: JSONObject) -> Record:
    source_type = str(work.get("type") or "")
    titles = _strings(work.get("title"))
    venues = _strings(work.get("container-title"))
    first, last = page_range(str(work.get("page") or ""))
    return Record(
        index=index,
        label=f"DOI {work['DOI']}" if work.get("DOI") else "",
        line=None,
        source_type=source_type,
        kind=CROSSREF_KINDS.get(source_type),
        title=need_title(_jats(titles[0] if titles else "")),
        authors=tuple(
            _crossref_author(a) for a in _each(work.get("author")) if isinstance(a, dict)
        ),
        venue=squash(venues[0] if venues else ""),
        date=_crossref_date(work),
        doi=clean_doi(str(work.get("DOI") or "")),
        abstract=_jats(str(work.get("abstract") or "")),
        keywords=tuple(str(s) for s in _each(work.get("subject"))),
        volume=str(work.get("volume") or ""),
        issue=str(work.get("issue") or ""),
        first_page=first,
        last_page=last,
        article_number=str(work.get("article-number") or ""),
        publisher=str(work.get("publisher") or ""),
        issn="; ".join(str(i) for i in _each(work.get("ISSN"))),
    )


def _jats(text: str) -> str:
    """Crossref's JATS markup removed and its entities decoded: 'p &lt; 0.01' → 'p < 0.01'."""
    return squash(html.unescape(strip_markup(text)))


def _each(value: JSONValue) -> list[JSONValue]:
    """What `for item in value or []` walks: a list's items, a text's characters, an
    object's keys; nothing for a number, which has nothing to walk."""
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return list(value)
    return []


def _strings(value: JSONValue) -> list[str]:
    """Crossref gives titles as lists; some exports flatten them to one string."""
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def _crossref_author(author: JSONObject) -> Name:
    orcid = clean_orcid(str(author.get("ORCID") or ""))
    places = tuple(
        squash(str(place.get("name")))
        for place in _each(author.get("affiliation"))
        if isinstance(place, dict) and place.get("name")
    )
    if author.get("family"):
        return Name(
            family=squash(str(author["family"])),
            given=squash(str(author.get("given") or "")),
            orcid=orcid,
            affiliations=places,
        )
    return Name(family=squash(str(author.get("name") or "")), orcid=orcid, affiliations=places)


def _crossref_date(work: JSONObject) -> PartialDate | None:
    for key in ("published-print", "published-online", "issued", "published"):
        node = work.get(key)
        parts = node.get("date-parts") if isinstance(node, dict) else None
        first = parts[0] if isinstance(parts, list) and parts else None
        if isinstance(first, list) and first and first[0] is not None:
            return partial_date(*(_date_part(part) for part in [*first, None, None][:3]))
    return None


def _date_part(part: JSONValue) -> str | int | None:
    """A date part as `partial_date` reads it (it reads every part through str())."""
    return part if part is None or isinstance(part, str | int) else str(part)
