"""Outputs as citations in a CSL style, through citeproc-py, and as BibTeX or RIS.

    runs = cite(outputs, style="vancouver", person=me)   # one list of runs per output
    text = export_bibtex(outputs)                          # reads back as the same records

A citation is a list of (style, text) runs: "" plain, "I" italic, "B" bold (the
person's own name), "BI" both, ready for python-docx and fpdf2. The styles are CSL
files in outputs/csl/ (Vancouver, AMA, APA, Harvard; see outputs/csl/LICENSE): no
network at run time. Authors are cited from their stored family and given names; the
person's own authorships (linked authors) are bold.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from formats.bibliography import Kind, Name, PartialDate, Record, Status
from formats.bibliography.writers import write_bibtex, write_ris
from outputs.models import Author, Output

if TYPE_CHECKING:
    from citeproc import CitationStylesStyle
    from citeproc.model import CitationStylesElement

    from accounts.models import User

CSL = Path(__file__).parent / "csl"


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    file: str
    initials: str  # how the style writes initials after a family name: "bare" or "stops"


STYLES = {
    style.key: style
    for style in (
        Style("vancouver", "Vancouver (ICMJE)", "vancouver.csl", "bare"),
        Style("ama", "AMA (JAMA)", "american-medical-association.csl", "bare"),
        Style("apa", "APA 7th edition", "apa.csl", "stops"),
        Style("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right.csl", "stops"),
    )
}
DEFAULT_STYLE = "vancouver"
STYLE_CHOICES = [(s.key, s.label) for s in STYLES.values()]
CSL_TYPES = {
    Output.Kind.ARTICLE: "article-journal",
    Output.Kind.PREPRINT: "article",
    Output.Kind.ABSTRACT: "paper-conference",
    Output.Kind.POSTER: "speech",
    Output.Kind.ORAL: "speech",
    Output.Kind.BOOK: "book",
    Output.Kind.CHAPTER: "chapter",
    Output.Kind.THESIS: "thesis",
    Output.Kind.REPORT: "report",
    Output.Kind.DATASET: "dataset",
    Output.Kind.SOFTWARE: "book",
    Output.Kind.GRANT: "report",
}
GENRES = {
    Output.Kind.POSTER: "Poster",
    Output.Kind.ORAL: "Oral presentation",
    Output.Kind.THESIS: "Thesis",
    Output.Kind.PREPRINT: "Preprint",
    Output.Kind.SOFTWARE: "Computer software",
}
# The person's own family name is wrapped in these private-use marks for citeproc-py,
# then made bold with the initials that follow it: "Okafor AN" in Vancouver and AMA
# (initials without full stops, so the stop after the last author is not taken),
# "Okafor, A. N." or "Okafor, A.N." in APA and Harvard.
MINE_START, MINE_END = "\ue000", "\ue001"
CAPITAL = "A-Z\u00c0-\u00de\u0100-\u024f"
INITIALS = {
    "bare": f" [{CAPITAL}]+(?:-[{CAPITAL}]+)*(?![a-z])",
    "stops": f", (?:[{CAPITAL}]\\.(?:[ -](?=[{CAPITAL}]\\.))?)+",
}
OWN_NAME = {
    kind: re.compile(f"{MINE_START}(?P<family>.*?){MINE_END}(?P<rest>{pattern})?")
    for kind, pattern in INITIALS.items()
}
TAG = re.compile(r"</?(?:i|b|em|strong)>|\ue000|\ue001|<[^>]+>")
NUMBER = re.compile(r"^\s*\d+\.\s+")


def csl_item(output: Output, person_id: int | None = None) -> dict[str, object]:
    """The CSL-JSON of one output (its authors prefetched in order), for citeproc-py."""
    authors = [_csl_name(a, person_id) for a in output.authors.all()]
    item: dict[str, object] = {
        "id": f"o{output.pk}",
        "type": CSL_TYPES.get(Output.Kind(output.kind), "article-journal"),
        "title": output.title,
        "author": authors,
    }
    if output.more_authors:
        authors.append({"family": "et al."})
    if output.date:
        parts = [output.date.year]
        if output.date_precision in (Output.Precision.MONTH, Output.Precision.DAY):
            parts.append(output.date.month)
        if output.date_precision == Output.Precision.DAY:
            parts.append(output.date.day)
        item["issued"] = {"date-parts": [parts]}
    status = output.get_status_display().lower()
    if output.status != Output.Status.PUBLISHED:
        item["status"] = status
        if not output.date:
            item["issued"] = {"literal": status}
    for csl, value in (
        ("container-title", output.venue),
        ("volume", output.volume),
        ("issue", output.issue),
        ("page", output.pages),
        ("number", output.article_number),
        ("publisher", output.publisher),
        ("ISSN", output.issn),
        ("DOI", output.doi),
        ("PMID", output.pmid),
        ("genre", GENRES.get(Output.Kind(output.kind), "")),
    ):
        if value:
            item[csl] = value
    if output.article_number and not output.pages:
        item["page"] = output.article_number
    return {k: v if k in ("id", "type") else _escaped(v) for k, v in item.items()}


def _escaped(value: object) -> object:
    """citeproc-py's HTML formatter writes the data as it is: "p < 0.01" must be escaped
    to survive as text (`runs` unescapes it)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k in ("id", "type") else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _csl_name(author: Author, person_id: int | None) -> dict[str, str]:
    family, given = author.parts
    # A name without a given name is a group ("UK Radiology Trainee Collaborative").
    name = {"family": family, "given": given} if given else {"literal": family}
    if person_id is not None and author.person_id == person_id:
        key = "literal" if "literal" in name else "family"
        name[key] = f"{MINE_START}{name[key]}{MINE_END}"
    return name


def cite(
    outputs: Sequence[Output], *, style: str = DEFAULT_STYLE, person: User | None = None
) -> list[list[tuple[str, str]]]:
    """Each output's reference in `style`, as runs, in the order given (numbers dropped:
    the CV and the export number their own lists)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    if not outputs:
        return []
    person_id = getattr(person, "pk", None)
    items = [csl_item(o, person_id) for o in outputs]
    source = CiteProcJSON(items)
    chosen = STYLES.get(style, STYLES[DEFAULT_STYLE])
    bibliography = CitationStylesBibliography(_style(chosen.key), source, formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = zip(bibliography.keys, bibliography.bibliography(), strict=True)
    rendered = {key: str(entry) for key, entry in entries}
    return [
        runs(NUMBER.sub("", rendered[str(item["id"]).lower()]), chosen.initials) for item in items
    ]


@cache
def _style(key: str) -> CitationStylesStyle:
    from citeproc import CitationStylesStyle

    _remember_xpath()
    return CitationStylesStyle(str(CSL / STYLES[key].file), validate=False)


_XPATH: dict[tuple[CitationStylesElement, str], list[object]] = {}


@cache
def _remember_xpath() -> None:
    """citeproc-py looks up the same parts of the (unchanging) style and locale trees with
    XPath for every item: a third of a 300-output CV. The answers are kept, per element
    and expression; the cache holds the elements, so lxml keeps their identity."""
    from citeproc.model import CitationStylesElement

    def xpath_search(self: CitationStylesElement, expression: str) -> list[object]:
        key = (self, expression)
        found = _XPATH.get(key)
        if found is None:
            found = _XPATH[key] = self.xpath(expression, namespaces=self.nsmap)
        return found

    CitationStylesElement.xpath_search = xpath_search


def runs(rendered: str, initials: str = "bare") -> list[tuple[str, str]]:
    """citeproc-py's HTML (<i>, <b>) with the own-name marks as (style, text) runs."""
    rendered = OWN_NAME[initials].sub(
        lambda m: f"<b>{m.group('family')}{m.group('rest') or ''}</b>", rendered
    )
    parts: list[tuple[str, str]] = []
    italic = bold = False
    position = 0
    for tag in TAG.finditer(rendered):
        _add(parts, italic, bold, rendered[position : tag.start()])
        name = tag.group()
        if name in ("<i>", "<em>"):
            italic = True
        elif name in ("</i>", "</em>"):
            italic = False
        elif name in ("<b>", "<strong>"):
            bold = True
        elif name in ("</b>", "</strong>"):
            bold = False
        position = tag.end()
    _add(parts, italic, bold, rendered[position:])
    return parts


def _add(parts: list[tuple[str, str]], italic: bool, bold: bool, text: str) -> None:
    text = html.unescape(text).replace(MINE_START, "").replace(MINE_END, "")
    if not text:
        return
    style = ("B" if bold else "") + ("I" if italic else "")
    if parts and parts[-1][0] == style:
        parts[-1] = (style, parts[-1][1] + text)
    else:
        parts.append((style, text))


def plain(parts: Iterable[tuple[str, str]]) -> str:
    return "".join(text for _, text in parts)


# --- BibTeX and RIS ------------------------------------------------------------------


def as_record(output: Output, index: int = 1) -> Record:
    """An output as the readers return it, for the writers."""
    precision = output.date_precision
    date = None
    if output.date:
        date = PartialDate(
            output.date.year,
            output.date.month if precision != Output.Precision.YEAR else None,
            output.date.day if precision == Output.Precision.DAY else None,
        )
    first, _, last = output.pages.partition("-")
    authors = list(output.authors.all())
    places = [line for line in output.affiliations.splitlines() if line.strip()]
    return Record(
        index=index,
        label="",
        line=None,
        source_type="",
        kind=Kind(output.kind),
        title=output.title,
        authors=tuple(
            Name(
                family=a.parts[0],
                given=a.parts[1],
                orcid=a.orcid,
                affiliations=tuple(p for p in a.affiliation.splitlines() if p.strip()),
            )
            for a in authors
        ),
        venue=output.venue,
        date=date,
        doi=output.doi,
        pmid=output.pmid,
        abstract=output.abstract,
        status=Status(output.status) if output.status in set(Status) else Status.SUBMITTED,
        volume=output.volume,
        issue=output.issue,
        first_page=first.strip(),
        last_page=last.strip(),
        article_number=output.article_number,
        publisher=output.publisher,
        issn=output.issn,
        affiliations=tuple(places),
        et_al=output.more_authors,
    )


def export_bibtex(outputs: Iterable[Output]) -> str:
    return write_bibtex(as_record(o, i) for i, o in enumerate(outputs, start=1))


def export_ris(outputs: Iterable[Output]) -> str:
    return write_ris(as_record(o, i) for i, o in enumerate(outputs, start=1))


# --- an output list as a document ------------------------------------------------------


def list_docx(title: str, cited: list[list[tuple[str, str]]]) -> bytes:
    import io

    from docx import Document as Docx

    doc = Docx()
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    for parts in cited:
        paragraph = doc.add_paragraph(style="List Number")
        for style, text in parts:
            run = paragraph.add_run(text)
            run.bold = "B" in style or None
            run.italic = "I" in style or None
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def list_pdf(title: str, cited: list[list[tuple[str, str]]]) -> bytes:
    from core.documents import Document

    pdf = Document(title)
    pdf.add_page()
    pdf.heading(title, level=1)
    for number, parts in enumerate(cited, start=1):
        # The PDF font has no italic: italic runs are set upright.
        body = [(style.replace("I", ""), text) for style, text in parts]
        pdf.runs([("B", f"{number}. "), *body], size=9.5, indent=2)
    return pdf.render()
