"""Records to BibTeX and RIS, so that what is written reads back as the same records.

    text = write_bibtex(records)
    assert [same(r) for r in read(text, "bibtex")] == [same(r) for r in records]

Everything a `Record` stores is written, in the fields reference managers read:
BibTeX (with biblatex's `pubstate` for a status and Web of Science's `orcid-numbers`
for authors' ORCID iDs) and RIS (with `N1` notes for the PMID, status and ORCID iDs,
as EndNote and Zotero write notes). Affiliations are written for the work as a whole
(BibTeX `affiliations`, one `AD` line each in RIS), as both formats keep them; those
of each author are listed in author order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from formats.bibliography.model import Kind, Name, Record, Status

BIBTEX_TYPES: dict[Kind, tuple[str, str]] = {
    # kind: (entry type, field that names the venue)
    Kind.ARTICLE: ("article", "journal"),
    Kind.PREPRINT: ("misc", "journal"),
    Kind.ABSTRACT: ("inproceedings", "booktitle"),
    Kind.POSTER: ("inproceedings", "booktitle"),
    Kind.ORAL: ("inproceedings", "booktitle"),
    Kind.BOOK: ("book", "series"),
    Kind.CHAPTER: ("incollection", "booktitle"),
    Kind.THESIS: ("phdthesis", "school"),
    Kind.REPORT: ("techreport", "institution"),
    Kind.DATASET: ("dataset", "organization"),
    Kind.SOFTWARE: ("software", "organization"),
    Kind.GRANT: ("misc", "organization"),
}
BIBTEX_SUBTYPE = {
    Kind.PREPRINT: ("eprinttype", "preprint"),
    Kind.POSTER: ("type", "Poster"),
    Kind.ORAL: ("type", "Oral presentation"),
    Kind.GRANT: ("type", "Grant"),
}
PUBSTATE = {Status.IN_PRESS: "inpress", Status.ACCEPTED: "accepted", Status.SUBMITTED: "submitted"}
RIS_TYPES: dict[Kind, str] = {
    Kind.ARTICLE: "JOUR",
    Kind.PREPRINT: "GEN",
    Kind.ABSTRACT: "ABST",
    Kind.POSTER: "CONF",
    Kind.ORAL: "SLIDE",
    Kind.BOOK: "BOOK",
    Kind.CHAPTER: "CHAP",
    Kind.THESIS: "THES",
    Kind.REPORT: "RPRT",
    Kind.DATASET: "DATA",
    Kind.SOFTWARE: "COMP",
    Kind.GRANT: "GRANT",
}
RIS_SUBTYPE = {Kind.PREPRINT: "Preprint", Kind.POSTER: "Poster"}
STATUS_WORDS = {
    Status.IN_PRESS: "in press",
    Status.ACCEPTED: "accepted",
    Status.SUBMITTED: "submitted",
}
# Characters with a meaning in BibTeX, written so that LaTeX decoding gives them back.
LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    '"': '{"}',
}
SPECIAL = re.compile(r"[\\{}&%$#_~^\"]")
LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")


def latex_escape(text: str) -> str:
    """Plain text as a BibTeX value: specials escaped, `--` and quote pairs kept apart."""
    return LIGATURE.sub("{}", SPECIAL.sub(lambda m: LATEX_ESCAPES[m.group()], text))


def _key(record: Record, used: set[str]) -> str:
    family = re.sub(r"[^A-Za-z]", "", record.authors[0].family if record.authors else "")
    year = str(record.date.year) if record.date else ""
    base = (family.lower() or "entry") + year
    key, number = base, 1
    while key in used:
        number += 1
        key = f"{base}-{number}"
    used.add(key)
    return key


def _bibtex_name(name: Name) -> str:
    family = "{" + latex_escape(name.family) + "}"
    return f"{family}, {{{latex_escape(name.given)}}}" if name.given else family


def _affiliations(record: Record) -> list[str]:
    seen: list[str] = []
    for place in [*record.affiliations, *(a for n in record.authors for a in n.affiliations)]:
        if place not in seen:
            seen.append(place)
    return seen


def write_bibtex(records: Iterable[Record]) -> str:
    used: set[str] = set()
    chunks = []
    for record in records:
        kind = record.kind or Kind.ARTICLE
        entry_type, venue_field = BIBTEX_TYPES[kind]
        authors = [_bibtex_name(n) for n in record.authors] + (["others"] if record.et_al else [])
        fields: list[tuple[str, str]] = [
            ("title", record.title),
            ("author", " and ".join(authors)),
            (venue_field, record.venue),
            ("year", str(record.date.year) if record.date else ""),
            ("month", str(record.date.month) if record.date and record.date.month else ""),
            ("day", str(record.date.day) if record.date and record.date.day else ""),
            ("pubstate", PUBSTATE.get(record.status, "")),
            ("volume", record.volume),
            ("number", record.issue),
            ("pages", "--".join(p for p in (record.first_page, record.last_page) if p)),
            ("eid", record.article_number),
            ("publisher", record.publisher),
            ("issn", record.issn),
            ("doi", record.doi),
            ("pmid", record.pmid),
            ("abstract", record.abstract),
            ("keywords", ", ".join(record.keywords)),
            ("affiliations", "; ".join(_affiliations(record))),
            (
                "orcid-numbers",
                "; ".join(f"{n.family}, {n.given}/{n.orcid}" for n in record.authors if n.orcid),
            ),
        ]
        if kind in BIBTEX_SUBTYPE:
            fields.append(BIBTEX_SUBTYPE[kind])
        raw = {"author", "pages"}
        lines = [f"@{entry_type}{{{_key(record, used)},"]
        for name, value in fields:
            if value:
                text = value if name in raw else latex_escape(value)
                lines.append(f"  {name} = {{{text}}},")
        lines.append("}")
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def write_ris(records: Iterable[Record]) -> str:
    lines: list[str] = []
    for record in records:
        kind = record.kind or Kind.ARTICLE
        tags: list[tuple[str, str]] = [("TY", RIS_TYPES[kind]), ("TI", record.title)]
        tags += [("AU", f"{n.family}, {n.given}".rstrip()) for n in record.authors]
        if record.et_al:
            tags.append(("AU", "et al."))
        if kind in RIS_SUBTYPE:
            tags.append(("M3", RIS_SUBTYPE[kind]))
        date = record.date
        tags += [
            ("T2", record.venue),
            ("PY", str(date.year) if date else ""),
            ("DA", _ris_date(record)),
            ("VL", record.volume),
            ("IS", record.issue),
            ("SP", record.first_page),
            ("EP", record.last_page),
            ("C7", record.article_number),
            ("PB", record.publisher),
            *(("SN", issn) for issn in record.issn.split("; ") if issn),
            ("DO", record.doi),
            ("AB", record.abstract),
            *(("KW", k) for k in record.keywords),
            *(("AD", a) for a in _affiliations(record)),
            ("N1", f"PMID: {record.pmid}" if record.pmid else ""),
            (
                "N1",
                f"Status: {STATUS_WORDS[record.status]}" if record.status in STATUS_WORDS else "",
            ),
            *(("N1", f"ORCID: {n.family}, {n.given}/{n.orcid}") for n in record.authors if n.orcid),
        ]
        lines += [f"{tag}  - {value}" for tag, value in tags if value]
        lines += ["ER  - ", ""]
    return "\n".join(lines)


def _ris_date(record: Record) -> str:
    """'2020/07/15/' or '2020/07//' (RIS's year/month/day/other), '' without a month."""
    date = record.date
    if date is None or date.month is None:
        return ""
    return f"{date.year}/{date.month:02d}/{f'{date.day:02d}' if date.day else ''}/"
