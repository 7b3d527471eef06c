"""Files written the way reference managers, journals and PubMed write them.

Each file in fixtures/managers/ is read from its bytes (BOM, CRLF, cp1252 and UTF-16
included) and compared with the entries it is expected to hold: the fields named for
each entry, the problems of the entries that cannot be read, or the reason the whole
file is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from formats.bibliography import BibliographyError, Kind, Status, read_entries

MANAGERS = Path(__file__).parent / "fixtures" / "managers"
P, IP, AC, SUB = Status.PUBLISHED, Status.IN_PRESS, Status.ACCEPTED, Status.SUBMITTED


def names(*written: str) -> list[tuple[str, str]]:
    """'Okafor, Amara' → ('Okafor', 'Amara')."""
    pairs = [(*w.split(","), "")[:2] for w in written]
    return [(family.strip(), given.strip()) for family, given in pairs]


EXPECTED: dict[str, dict[str, Any]] = {
    "zotero.bib": {
        "format": "bibtex",
        "entries": [
            {
                "kind": Kind.ARTICLE,
                "title": "Diffusion-weighted MRI in stroke mimics: p < 0.01 for >3 h",
                "authors": names("Okafor, Amara", "Müller, Jörg", "Smørgrav, Øystein"),
                "venue": "European Radiology",
                "date": (2021, 3, None),
                "volume": "31",
                "issue": "3",
                "pages": "1234-1242",
                "issn": "1432-1084",
                "doi": "10.1007/s00330-020-07301-2",
                "keywords": ("Stroke", "MRI"),
            },
            {"kind": Kind.PREPRINT, "publisher": "medRxiv", "date": (2022, 1, None)},
            {"kind": Kind.POSTER, "venue": "UK Imaging and Oncology Congress"},
        ],
    },
    "mendeley.bib": {
        "format": "bibtex",
        "entries": [
            {
                "title": "Low-dose CT versus radiography for occult hip fracture",
                "authors": names("Nakamura, Ken", "O'Brien, Siobhán", "Kowalski, Ivan"),
                "pmid": "31234567",
                "first_page": "e190123",
                "keywords": ("CT", "hip fracture", "radiography"),
            },
            {"kind": Kind.PREPRINT, "venue": "arXiv"},
        ],
    },
    "jabref_upper.bib": {
        "format": "bibtex",
        "entries": [
            {
                "authors": names("César, Jean", "Dupré, Amélie"),
                "venue": "European Radiology",
                "date": (2018, 5, None),
                "pages": "2001-2009",
            },
            {"kind": Kind.ORAL, "authors": names("Dupré, Amélie", "César, Jean")},
        ],
    },
    "scholar.bib": {
        "format": "bibtex",
        "entries": [
            {
                "kind": Kind.PREPRINT,
                "et_al": True,
                "authors": names("Okafor, Amara", "Müller, Jörg"),
            },
            {"kind": Kind.ABSTRACT, "pages": "45-46"},
            {"kind": Kind.THESIS, "venue": "University of Manchester"},
            {"kind": Kind.BOOK, "publisher": "Springer"},
        ],
    },
    "journal_crlf_bom.bib": {
        "format": "bibtex",
        "encoding": "utf-8-sig",
        "entries": [
            {
                "authors": names("Smith, Helen", "García, María"),
                "status": IP,
                "date": None,
                "doi": "10/cn2h9c",
                "publisher": "Radiological Society of North America",
                "warnings": (
                    "the DOI 10/cn2h9c is a short DOI: stored as given, check that it resolves",
                ),
            },
            {"date": (2023, 7, None), "article_number": "e220301", "issue": "4", "line": 12},
        ],
    },
    "endnote_cp1252.bib": {
        "format": "bibtex",
        "encoding": "cp1252",
        "entries": [
            {
                "title": "Café-au-lait spots on MRI \u2013 a pictorial review",
                "authors": names("Sørensen, Björn", "Müller, Jörg"),
            }
        ],
    },
    "separators.bib": {
        "format": "bibtex",
        "entries": [
            {
                "authors": names("Kent James D. andGoncalves, Mathias", "Lee, Anna"),
                "warnings": (
                    "the author list has 'and' joined to a name (a missing space?); "
                    "it was split as BibTeX splits it: check the authors",
                ),
            },
            {
                "authors": names("Okafor, Amara", "Patel, Nisha"),
                "warnings": (
                    "the author list separates names with a capitalised 'AND'; "
                    "BibTeX reads it as a separator: check the authors",
                ),
            },
            {
                "authors": names("UK Radiology Trainee Collaborative", "Okafor, Amara"),
                "et_al": True,
                "warnings": (),
            },
        ],
    },
    "broken_mixed.bib": {
        "format": "bibtex",
        "entries": [
            {"title": "The first good entry"},
            {"title": "The second good entry"},
            {"title": "The third good entry", "date": (2022, 9, None)},
        ],
        "problems": [
            "entry 2 (key broken, line 8): it is not valid BibTeX",
            "entry 4 (key notitle, line 20): it has no title",
            "entry 5 (key badyear, line 25): the year 'twenty twenty' is not a year",
        ],
    },
    "latex_symbols.bib": {
        "format": "bibtex",
        "entries": [
            {
                "title": "\u03b2-amyloid PET: p < 0.05 & 95% CI 1.2\u20131.8 in "
                "\u03b1-synuclein > 10\u03bcm",
                "venue": "Journal of Nuclear Medicine & Molecular Imaging",
                "authors": names("Müller, Jörg", "Smørgrav, Øystein", "Šimić, Ivan"),
            }
        ],
    },
    "kinds.bib": {
        "format": "bibtex",
        "entries": [
            {"kind": Kind.PREPRINT, "doi": "10.1101/2023.05.05.539000"},
            {"kind": Kind.POSTER},
            {"kind": Kind.DATASET, "publisher": "Zenodo"},
            {"kind": Kind.SOFTWARE},
            {"kind": Kind.REPORT, "venue": "Royal College of Radiologists"},
            {"kind": Kind.THESIS, "venue": "King's College London"},
            {"kind": Kind.CHAPTER, "venue": "Abdominal Imaging", "pages": "201-230"},
            {"kind": None, "source_type": "@misc"},
        ],
    },
    "biblatex.bib": {
        "format": "bibtex",
        "entries": [
            {"venue": "Radiology", "date": (2020, 3, 15), "doi": "10.1148/radiol.2020191234"},
            {"status": SUB, "date": None, "venue": "Skeletal Radiology"},
        ],
    },
    "endnote.ris": {
        "format": "ris",
        "entries": [
            {
                "venue": "European Radiology",
                "volume": "32",
                "issue": "4",
                "pages": "2345-2353",
                "issn": "0938-7994; 1432-1084",
                "pmid": "34712345",
                "date": (2022, 4, 1),
                "affiliations": (
                    "Department of Radiology, Manchester Royal Infirmary, Manchester, UK",
                    "Institut für Radiologie, Charité, Berlin, Germany",
                ),
                "keywords": ("Ultrasound", "Kidney"),
            },
            {"kind": Kind.POSTER, "venue": "ECR 2021"},
            {"kind": Kind.BOOK, "publisher": "Thieme", "issn": ""},
        ],
    },
    "endnote_utf16.ris": {
        "format": "ris",
        "encoding": "utf-16",
        "entries": [{"kind": Kind.REPORT, "title": "Radiology workforce report ≥ 2024"}],
    },
    "zotero.ris": {
        "format": "ris",
        "entries": [
            {"date": (2023, 7, 15), "pages": "1001-1015", "issn": "1432-1920"},
            {"kind": Kind.PREPRINT, "venue": "medRxiv"},
            {"kind": Kind.THESIS, "publisher": "University of Leeds"},
            {"kind": Kind.SOFTWARE},
            {"kind": Kind.DATASET, "doi": "10.5281/zenodo.7654321"},
            {"kind": Kind.ORAL, "venue": "BSSR Annual Meeting"},
        ],
    },
    "pubmed_inpress.ris": {
        "format": "ris",
        "entries": [
            {
                "status": IP,
                "date": None,
                "et_al": True,
                "authors": names("Garcia, Maria", "Smith, Helen"),
                "article_number": "101234",
                "pmid": "39000001",
            },
            {"title": "After the bad one"},
        ],
        "problems": ["entry 2 (line 13): the date 'last spring' is not YYYY/MM/DD"],
    },
    "pubmed_set.xml": {
        "format": "pubmed_xml",
        "entries": [
            {
                "title": "Abbreviated MRI for hepatocellular carcinoma surveillance",
                "volume": "310",
                "issue": "1",
                "first_page": "e231234",
                "issn": "1527-1315",
                "affiliations_by_author": [
                    (
                        "Department of Radiology, Kyoto University, Kyoto, Japan.",
                        "Department of Radiology, Leeds Teaching Hospitals, Leeds, UK.",
                    ),
                    ("Department of Radiology, Leeds Teaching Hospitals, Leeds, UK.",),
                ],
            },
            {
                "kind": Kind.CHAPTER,
                "venue": "GeneReviews®",
                "publisher": "University of Washington, Seattle",
                "pages": "1-20",
                "pmid": "20301390",
            },
        ],
        "problems": ["entry 3 (PMID 39999999): it has no title"],
    },
    "pubmed_single.xml": {
        "format": "pubmed_xml",
        "entries": [{"pmid": "37000001", "date": (2023, 4, 3), "article_number": "57"}],
    },
    "pubmed_book.xml": {
        "format": "pubmed_xml",
        "entries": [
            {
                "kind": Kind.BOOK,
                "title": "Radiation Safety",
                "publisher": "StatPearls Publishing",
                "authors": names("Smith, Helen", "Okafor, Amara"),
            }
        ],
    },
    "medline.nbib": {
        "format": "medline",
        "entries": [
            {
                "volume": "77",
                "issue": "3",
                "pages": "201-209",
                "issn": "1365-229X; 0009-9260",
                "keywords": ("audit", "discrepancy"),
                "affiliations_by_author": [
                    (
                        "Department of Radiology, Manchester Royal Infirmary, Manchester, UK.",
                        "Division of Informatics, University of Manchester, Manchester, UK.",
                    ),
                    ("Leeds Teaching Hospitals NHS Trust, Leeds, UK.",),
                ],
            },
            {"status": IP, "date": (2024, 9, 2)},
        ],
    },
    "medline_book.nbib": {
        "format": "medline",
        "entries": [
            {"kind": Kind.CHAPTER, "venue": "StatPearls", "publisher": "StatPearls Publishing"}
        ],
        "problems": ["entry 2 (PMID 30000003, line 15): 2023-02-30 is not a date"],
    },
    "letter.txt": {"refused": "it is not a bibliography file"},
    "empty.bib": {"refused": "it is empty"},
    "picture.png": {"refused": "it is not a text file"},
}


def test_there_are_at_least_twenty_files_and_each_has_expectations():
    files = {path.name for path in MANAGERS.iterdir()}
    assert len(files) >= 20
    assert files == set(EXPECTED)


def _actual(record: Any, name: str) -> Any:
    if name == "authors":
        return [(a.family, a.given) for a in record.authors]
    if name == "affiliations_by_author":
        return [a.affiliations for a in record.authors]
    if name == "date":
        date = record.date
        return (date.year, date.month, date.day) if date else None
    return getattr(record, name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_as_its_program_writes_it(name):
    expected = EXPECTED[name]
    data = (MANAGERS / name).read_bytes()
    if "refused" in expected:
        with pytest.raises(BibliographyError, match=expected["refused"]):
            read_entries(data)
        return
    reading = read_entries(data)
    assert reading.format == expected["format"]
    assert reading.encoding == expected.get("encoding", "utf-8")
    assert len(reading.records) == len(expected["entries"])
    for record, fields in zip(reading.records, expected["entries"], strict=True):
        for field, value in fields.items():
            assert _actual(record, field) == value, (record.where, field)
    problems = [str(p) for p in reading.problems]
    assert len(problems) == len(expected.get("problems", []))
    for problem, start in zip(problems, expected.get("problems", []), strict=True):
        assert problem.startswith(start)


def test_every_status_is_read_from_what_reference_managers_write():
    from formats.bibliography.common import year_and_status

    assert year_and_status("in press") == (None, IP)
    assert year_and_status("In Press.") == (None, IP)
    assert year_and_status("forthcoming") == (None, IP)
    assert year_and_status("accepted") == (None, AC)
    assert year_and_status("Submitted") == (None, SUB)
    assert year_and_status("2020a") == ("2020", None)
    assert P == Status.PUBLISHED
