"""PubMed: the XML that efetch returns (PubmedArticleSet) and the MEDLINE text format.

XML is parsed with defusedxml, since an uploaded file is untrusted (no entity bombs,
no external entities).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError  # types only: parsing is defusedxml # nosec B405

from defusedxml import ElementTree

from formats.bibliography.common import (
    Collector,
    EntryProblem,
    need_title,
    page_range,
    partial_date,
)
from formats.bibliography.model import Kind, Name, PartialDate, Record, Status
from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid, month_number, squash

ABSTRACT_TYPES = ("congress", "meeting abstract")
MEDLINE_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3})\w*)?(?:\s+(\d{1,2}))?")


ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
BOOK_SECTION_TYPES = ("book chapter", "chapter")


def read_pubmed_xml(text: str) -> tuple[Record, ...]:
    return scan_pubmed_xml(text).result()


def scan_pubmed_xml(text: str) -> Collector:
    """A PubmedArticleSet (articles and book records, in file order), or a file holding
    a single <PubmedArticle> or <PubmedBookArticle> as its root."""
    found = Collector()
    try:
        root = ElementTree.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ParseError as error:
        line, column = error.position
        found.file_problem(f"it is not well-formed XML (line {line}, column {column + 1})")
        return found
    if root.tag in ARTICLE_TAGS:
        articles = [root]
    elif root.tag == "PubmedArticleSet":
        articles = [child for child in root if child.tag in ARTICLE_TAGS]
    else:
        found.file_problem(
            f"it is not PubMed XML (the root element is <{root.tag}>, not <PubmedArticleSet>)"
        )
        return found
    for index, article in enumerate(articles, start=1):
        book = article.tag == "PubmedBookArticle"
        pmid = _text(article.find("BookDocument/PMID" if book else "MedlineCitation/PMID"))
        try:
            record = _book_record if book else _xml_record
            found.records.append(record(index, pmid, article))
        except EntryProblem as problem:
            found.problem(index, str(problem), f"PMID {pmid}" if pmid else "")
    return found


def _book_record(index: int, pmid: str, article: Element) -> Record:
    """A PubMed Bookshelf record: a chapter (it has its own ArticleTitle) or a book."""
    if not clean_pmid(pmid):
        raise EntryProblem("it has no PMID")
    document = article.find("BookDocument")
    assert document is not None
    book = document.find("Book")
    if book is None:
        raise EntryProblem("it has no <Book>")
    chapter = squash(_text(document.find("ArticleTitle")))
    book_title = squash(_text(book.find("BookTitle")))
    book_authors = [_xml_author(a) for a in book.findall("AuthorList/Author")]
    authors = [_xml_author(a) for a in document.findall("AuthorList/Author")] or book_authors
    date = book.find("PubDate")
    pages = _text(document.find("Pagination/MedlinePgn"))
    first, last = page_range(pages)
    return Record(
        index=index,
        label=f"PMID {pmid}",
        line=None,
        source_type="PubmedBookArticle",
        kind=Kind.CHAPTER if chapter else Kind.BOOK,
        title=_title(chapter or book_title),
        authors=tuple(authors),
        venue=book_title if chapter else squash(_text(book.find("CollectionTitle"))),
        date=partial_date(
            _text(date.find("Year")), _text(date.find("Month")), _text(date.find("Day"))
        )
        if date is not None and date.find("Year") is not None
        else None,
        doi=_book_doi(article),
        pmid=pmid,
        abstract=" ".join(
            _abstract_part(part) for part in document.findall("Abstract/AbstractText")
        ),
        keywords=tuple(squash(_text(k)) for k in document.findall("KeywordList/Keyword")),
        publisher=squash(_text(book.find("Publisher/PublisherName"))),
        first_page=first,
        last_page=last,
        volume=squash(_text(book.find("Volume"))),
    )


def _book_doi(article: Element) -> str:
    for path in ("PubmedBookData/ArticleIdList/ArticleId", "BookDocument/ArticleIdList/ArticleId"):
        for element in article.findall(path):
            if element.get("IdType") == "doi":
                return clean_doi(_text(element))
    return ""


def _xml_record(index: int, pmid: str, article: Element) -> Record:
    if not clean_pmid(pmid):
        raise EntryProblem("it has no PMID")
    body = article.find("MedlineCitation/Article")
    if body is None:
        raise EntryProblem("it has no <Article>")
    types = [squash(_text(t)) for t in body.findall("PublicationTypeList/PublicationType")]
    is_abstract = any(t.casefold() in ABSTRACT_TYPES for t in types)
    issue = body.find("Journal/JournalIssue")
    first = _text(body.find("Pagination/StartPage"))
    last = _text(body.find("Pagination/EndPage"))
    if not first:
        first, last = page_range(_text(body.find("Pagination/MedlinePgn")))
    status = _text(article.find("PubmedData/PublicationStatus")).strip().casefold()
    return Record(
        index=index,
        label=f"PMID {pmid}",
        line=None,
        source_type=", ".join(types) or "Journal Article",
        kind=Kind.ABSTRACT if is_abstract else Kind.ARTICLE,
        title=_title(squash(_text(body.find("ArticleTitle")))),
        authors=tuple(_xml_author(a) for a in body.findall("AuthorList/Author")),
        venue=squash(_text(body.find("Journal/Title"))),
        date=_xml_date(body),
        doi=_xml_doi(article, body),
        pmid=pmid,
        abstract=" ".join(_abstract_part(part) for part in body.findall("Abstract/AbstractText")),
        keywords=tuple(
            squash(_text(k)) for k in article.findall("MedlineCitation/KeywordList/Keyword")
        ),
        status=Status.IN_PRESS if status == "aheadofprint" else Status.PUBLISHED,
        volume=squash(_text(issue.find("Volume") if issue is not None else None)),
        issue=squash(_text(issue.find("Issue") if issue is not None else None)),
        first_page=squash(first),
        last_page=squash(last),
        article_number=_article_number(body),
        issn=squash(_text(body.find("Journal/ISSN"))),
    )


def _article_number(body: Element) -> str:
    """An electronic article number ('e0123456') that PubMed gives as a pii ELocationID
    when the article has no page numbers."""
    if body.find("Pagination") is not None:
        return ""
    for element in body.findall("ELocationID"):
        value = squash(_text(element))
        if element.get("EIdType") == "pii" and len(value) <= 12:
            return value
    return ""


def _title(title: str) -> str:
    """PubMed ends every title with a full stop; a citation style adds its own."""
    title = need_title(title)
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _text(element: Element | None) -> str:
    """All the text of an element, inline markup (<i>, <sup>) included."""
    return "".join(element.itertext()) if element is not None else ""


def _xml_author(author: Element) -> Name:
    collective = squash(_text(author.find("CollectiveName")))
    orcid = ""
    for identifier in author.findall("Identifier"):
        if identifier.get("Source", "").upper() == "ORCID":
            orcid = clean_orcid(_text(identifier))
    places = tuple(
        squash(_text(a)) for a in author.findall("AffiliationInfo/Affiliation") if _text(a).strip()
    )
    if collective:
        return Name(family=collective, orcid=orcid, affiliations=places)
    given = _text(author.find("ForeName")) or _text(author.find("Initials"))
    family = squash(_text(author.find("LastName")))
    return Name(family=family, given=squash(given), orcid=orcid, affiliations=places)


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
    return scan_medline(text).result()


def scan_medline(text: str) -> Collector:
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
    return found


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
            index = max(1, len(records) + (0 if current is not None else 1))
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
    piis = [v.removesuffix("[pii]").strip() for v in fields.get("LID", []) if v.endswith("[pii]")]
    book_title = squash(" ".join(fields.get("BTI", [])))
    title = squash(" ".join(fields.get("TI", [])))
    first, last = page_range((fields.get("PG") or [""])[0])
    if book_title:  # a PubMed Bookshelf record: a chapter when it has its own title
        kind = Kind.CHAPTER if title else Kind.BOOK
        venue = book_title if title else squash((fields.get("CTI") or [""])[0])
    else:
        kind = Kind.ABSTRACT if is_abstract else Kind.ARTICLE
        venue = squash((fields.get("JT") or fields.get("TA") or [""])[0])
    pst = (fields.get("PST") or [""])[0].casefold()
    return Record(
        index=index,
        label=f"PMID {pmid}",
        line=line,
        source_type=", ".join(types) or ("Book" if book_title else "Journal Article"),
        kind=kind,
        title=_title(title or book_title),
        authors=_medline_authors(pairs, full="FAU" in fields),
        venue=venue,
        date=_medline_date((fields.get("DP") or [""])[0]),
        doi=clean_doi(dois[0].removesuffix("[doi]")) if dois else "",
        pmid=pmid,
        abstract=squash(" ".join(fields.get("AB", []))),
        keywords=tuple(fields.get("OT", [])),
        status=Status.IN_PRESS if pst == "aheadofprint" else Status.PUBLISHED,
        volume=squash((fields.get("VI") or [""])[0]),
        issue=squash((fields.get("IP") or [""])[0]),
        first_page=first,
        last_page=last,
        article_number=piis[0] if piis and not first and len(piis[0]) <= 12 else "",
        publisher=squash((fields.get("PB") or [""])[0]),
        issn="; ".join(squash(v.split("(")[0]) for v in fields.get("IS", [])),
    )


def _medline_authors(pairs: Pairs, *, full: bool) -> tuple[Name, ...]:
    """FAU lines ('Müller, Jörg'), else AU ('Müller J'); the AUID ('ORCID: …') and every
    AD line after an author are that author's."""
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
            orcid = clean_orcid(written.split(":", 1)[-1])
            names[-1] = Name(last.family, last.given, orcid, last.affiliations)
        elif tag == "AD" and names:
            last = names[-1]
            places = (*last.affiliations, squash(written))
            names[-1] = Name(last.family, last.given, last.orcid, places)
    return tuple(names)
