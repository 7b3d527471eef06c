"""PubMed: the XML that efetch returns (PubmedArticleSet) and the MEDLINE text format.

XML is parsed with defusedxml, since an uploaded file is untrusted (no entity bombs,
no external entities).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree

from formats.bibliography.common import Collector, EntryProblem, need_title, partial_date
from formats.bibliography.model import Kind, Name, PartialDate, Record
from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid, month_number, squash

ABSTRACT_TYPES = ("congress", "meeting abstract")
MEDLINE_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3})\w*)?(?:\s+(\d{1,2}))?")


def read_pubmed_xml(text: str) -> tuple[Record, ...]:
    found = Collector()
    try:
        root = ElementTree.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ParseError as error:
        line, column = error.position
        found.file_problem(f"it is not well-formed XML (line {line}, column {column + 1})")
        return found.result()
    if root.tag != "PubmedArticleSet":
        found.file_problem(f"it is not a PubmedArticleSet (the root element is <{root.tag}>)")
        return found.result()
    for index, article in enumerate(root.findall("PubmedArticle"), start=1):
        pmid = _text(article.find("MedlineCitation/PMID"))
        try:
            found.records.append(_xml_record(index, pmid, article))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"PMID {pmid}" if pmid else "")
    return found.result()


def _xml_record(index: int, pmid: str, article: Element) -> Record:
    if not clean_pmid(pmid):
        raise EntryProblem("it has no PMID")
    body = article.find("MedlineCitation/Article")
    if body is None:
        raise EntryProblem("it has no <Article>")
    types = [squash(_text(t)) for t in body.findall("PublicationTypeList/PublicationType")]
    is_abstract = any(t.casefold() in ABSTRACT_TYPES for t in types)
    return Record(
        index=index,
        label=f"PMID {pmid}",
        line=None,
        source_type=", ".join(types) or "Journal Article",
        kind=Kind.ABSTRACT if is_abstract else Kind.ARTICLE,
        title=need_title(squash(_text(body.find("ArticleTitle")))),
        authors=tuple(_xml_author(a) for a in body.findall("AuthorList/Author")),
        venue=squash(_text(body.find("Journal/Title"))),
        date=_xml_date(body),
        doi=_xml_doi(article, body),
        pmid=pmid,
        abstract=" ".join(_abstract_part(part) for part in body.findall("Abstract/AbstractText")),
        keywords=tuple(
            squash(_text(k)) for k in article.findall("MedlineCitation/KeywordList/Keyword")
        ),
    )


def _text(element: Element | None) -> str:
    """All the text of an element, inline markup (<i>, <sup>) included."""
    return "".join(element.itertext()) if element is not None else ""


def _xml_author(author: Element) -> Name:
    collective = squash(_text(author.find("CollectiveName")))
    orcid = ""
    for identifier in author.findall("Identifier"):
        if identifier.get("Source", "").upper() == "ORCID":
            orcid = clean_orcid(_text(identifier))
    if collective:
        return Name(family=collective, orcid=orcid)
    given = _text(author.find("ForeName")) or _text(author.find("Initials"))
    return Name(family=squash(_text(author.find("LastName"))), given=squash(given), orcid=orcid)


def _xml_date(body: Element) -> PartialDate | None:
    issue = body.find("Journal/JournalIssue/PubDate")
    if issue is not None and issue.find("Year") is not None:
        return partial_date(
            _text(issue.find("Year")), _text(issue.find("Month")), _text(issue.find("Day"))
        )
    if issue is not None and issue.find("MedlineDate") is not None:
        return _medline_date(_text(issue.find("MedlineDate")))
    electronic = body.find("ArticleDate")
    if electronic is not None:
        return partial_date(
            _text(electronic.find("Year")),
            _text(electronic.find("Month")),
            _text(electronic.find("Day")),
        )
    return None


def _medline_date(value: str) -> PartialDate | None:
    """'2020 Mar 15', '2020 Mar-Apr', '2019 Winter', '2020': as precise as it says."""
    match = MEDLINE_DATE.match(value.strip())
    if match is None:
        if value.strip():
            raise EntryProblem(f"the date {value.strip()!r} does not start with a year")
        return None
    year, month, day = match.groups()
    if month and month_number(month) is None:
        month, day = None, None  # a season ("Winter"): the year is all we know
    return partial_date(year, month, day)


def _xml_doi(article: Element, body: Element) -> str:
    for element in article.findall("PubmedData/ArticleIdList/ArticleId"):
        if element.get("IdType") == "doi":
            return clean_doi(_text(element))
    for element in body.findall("ELocationID"):
        if element.get("EIdType") == "doi":
            return clean_doi(_text(element))
    return ""


def _abstract_part(part: Element) -> str:
    label = part.get("Label")
    text = squash(_text(part))
    return f"{label}: {text}" if label else text


# MEDLINE text (PubMed's "Save as PubMed format", .nbib): four-character tags, "- ",
# continuation lines indented by six spaces, records separated by blank lines.
MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$")
CONTINUATION = "      "


def read_medline(text: str) -> tuple[Record, ...]:
    found = Collector()
    for index, (line, pairs) in enumerate(_medline_records(text, found), start=1):
        fields: dict[str, list[str]] = {}
        for tag, value in pairs:
            fields.setdefault(tag, []).append(value)
        pmid = fields.get("PMID", [""])[0]
        try:
            found.records.append(_medline_record(index, line, pmid, fields, pairs))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"PMID {pmid}" if pmid else "", line)
    return found.result()


Pairs = list[tuple[str, str]]


def _medline_records(text: str, found: Collector) -> list[tuple[int, Pairs]]:
    """(first line, [(tag, value), ...]) per record, continuation lines joined on."""
    records: list[tuple[int, Pairs]] = []
    current: Pairs | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not raw.strip():
            current = None
            continue
        if raw.startswith(CONTINUATION) and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {raw.strip()}")
            continue
        match = MEDLINE_LINE.match(raw)
        if match is None:
            index = len(records) + (0 if current is not None else 1)
            found.problem(
                index, f"line {number} is neither a 'TAG - value' line nor a continuation"
            )
            continue
        if current is None:
            current = []
            records.append((number, current))
        current.append((match.group(1).strip(), match.group(2).strip()))
    return records


def _medline_record(
    index: int, line: int, pmid: str, fields: dict[str, list[str]], pairs: Pairs
) -> Record:
    if not clean_pmid(pmid):
        raise EntryProblem("it has no PMID line")
    types = fields.get("PT", [])
    is_abstract = any(t.casefold() in ABSTRACT_TYPES for t in types)
    dois = [v for v in fields.get("LID", []) + fields.get("AID", []) if v.endswith("[doi]")]
    return Record(
        index=index,
        label=f"PMID {pmid}",
        line=line,
        source_type=", ".join(types) or "Journal Article",
        kind=Kind.ABSTRACT if is_abstract else Kind.ARTICLE,
        title=need_title(squash(" ".join(fields.get("TI", [])))),
        authors=_medline_authors(pairs, full="FAU" in fields),
        venue=squash((fields.get("JT") or fields.get("TA") or [""])[0]),
        date=_medline_date((fields.get("DP") or [""])[0]),
        doi=clean_doi(dois[0].removesuffix("[doi]")) if dois else "",
        pmid=pmid,
        abstract=squash(" ".join(fields.get("AB", []))),
        keywords=tuple(fields.get("OT", [])),
    )


def _medline_authors(pairs: Pairs, *, full: bool) -> tuple[Name, ...]:
    """FAU lines ('Müller, Jörg'), else AU ('Müller J'); an AUID 'ORCID: …' follows its author."""
    names: list[Name] = []
    for tag, written in pairs:
        if tag == ("FAU" if full else "AU"):
            if full:
                family, _, given = written.partition(",")
            else:
                family, _, given = written.rpartition(" ")
                family, given = (family, given) if family else (given, "")
            names.append(Name(family=squash(family), given=squash(given)))
        elif tag == "AUID" and names and "ORCID" in written.upper():
            last = names[-1]
            names[-1] = Name(last.family, last.given, clean_orcid(written.split(":", 1)[-1]))
    return tuple(names)
