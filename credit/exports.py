"""The collaborator list in the forms journals and indexers take, and per-person certificates.

The rows and texts come from the pure `credit.core`; here they become files. python-docx
and fpdf2 are imported inside the functions that use them, so that the web process does
not load them until someone exports (core/tests/test_startup.py).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from xml.sax.saxutils import escape  # escapes text we write; parses nothing # nosec B406

from credit import core
from formats.csvsafe import SpreadsheetSafeWriter


def list_csv(listing: core.AuthorList) -> bytes:
    """One row per collaborator, spreadsheet-safe, UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    SpreadsheetSafeWriter(csv.writer(buffer)).writerows(core.csv_rows(listing))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def list_pubmed(listing: core.AuthorList) -> bytes:
    return core.pubmed_text(listing).encode("utf-8")


def list_docx(listing: core.AuthorList, *, study_title: str) -> bytes:
    """The manuscript appendix: the group author, then each group's names with
    affiliations, as a journal's collaborator appendix sets them.

    The paragraphs are written as one piece of WordprocessingML and parsed once:
    python-docx's paragraph and run calls search the body for every element they add,
    which made a 3,000-name appendix take several seconds.
    """
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    ids = {name: doc.styles[name].style_id for name in ("Heading 1", "Heading 2", "List Bullet")}
    doc.core_properties.title = f"Collaborators — {listing.consortium_name}"
    doc.core_properties.author = listing.consortium_name
    within = {"site": " each site", "region": " each region", "country": " each country"}
    order = "listed alphabetically"
    if listing.grouping in within:
        order = f"alphabetical within{within[listing.grouping]}"
    paragraphs = [
        _paragraph(
            ids["Heading 1"], [(f"Appendix: {listing.consortium_name} collaborators", False)]
        ),
        _paragraph("", [(f"{study_title}. {listing.size} collaborators, {order}.", False)]),
    ]
    for group in listing.groups:
        if group.label:
            paragraphs.append(_paragraph(ids["Heading 2"], [(group.label, False)]))
        for person in group.people:
            orcid = person.orcid and f"ORCID {person.orcid}"
            details = "; ".join(x for x in (person.affiliation, orcid) if x)
            runs = [(person.name, True)] + ([(f" — {details}", False)] if details else [])
            paragraphs.append(_paragraph(ids["List Bullet"], runs))
    body = doc.element.body
    fragment = parse_xml(f"<w:body {nsdecls('w')}>{''.join(paragraphs)}</w:body>")
    end = body.sectPr
    for paragraph in list(fragment):
        if end is not None:
            end.addprevious(paragraph)
        else:
            body.append(paragraph)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# Characters XML 1.0 does not allow (a pasted name may carry one): dropped from the DOCX.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _paragraph(style_id: str, runs: list[tuple[str, bool]]) -> str:
    """One w:p of WordprocessingML: a paragraph style and runs of plain or bold text."""
    style = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    parts = []
    for text, bold in runs:
        weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
        clean = escape(_NOT_XML.sub("", text))
        parts.append(f'<w:r>{weight}<w:t xml:space="preserve">{clean}</w:t></w:r>')
    return f"<w:p>{style}{''.join(parts)}</w:p>"


def certificate_pdf(
    person: core.Contributor, *, consortium_name: str, study_title: str, issued: date
) -> bytes:
    """A one-page certificate of what one collaborator did for the study."""
    from core.documents import Document

    pdf = Document(f"Certificate of contribution — {consortium_name}")
    pdf.add_page()
    pdf.heading("Certificate of contribution", 0)
    pdf.ln(4)
    pdf.paragraph("This certifies that", size=11, muted=True)
    pdf.heading(person.name, 1)
    pdf.paragraph(
        f"contributed to {study_title} as a collaborator of {consortium_name}, "
        "and is named in its PubMed-citable collaborator list.",
        size=11,
    )
    pdf.ln(3)
    for line in contribution_lines(person):
        pdf.paragraph(f"• {line}", size=10.5)
    pdf.ln(4)
    if person.affiliation:
        pdf.paragraph(f"Affiliation: {person.affiliation}", size=9.5, muted=True)
    if person.orcid:
        pdf.paragraph(f"ORCID iD: {person.orcid}", size=9.5, muted=True)
    pdf.paragraph(f"Issued by RadCollab on {issued:%-d %B %Y}.", size=9.5, muted=True)
    return pdf.render()


def contribution_lines(person: core.Contributor) -> list[str]:
    """What the person did, in words, for the certificate and their own page."""
    lines = []
    if person.records_entered:
        lines.append(
            f"Entered {person.records_entered} records, {person.records_complete} of them complete"
        )
    if person.queries_answered:
        lines.append(f"Answered {person.queries_answered} data queries")
    if person.validations:
        lines.append(f"Carried out {person.validations} validation checks")
    if person.site_lead:
        lines.append(f"Site lead{f' at {person.place.site}' if person.place else ''}")
    if person.writing_committee:
        lines.append(f"Writing committee ({person.writing_committee})")
    if person.credit_roles:
        lines.append("CRediT roles: " + ", ".join(person.credit_roles))
    return lines or ["Took part in the study"]
