"""Normalising what identifies a publication or a person across sources."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
ORCID_SHAPE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
PMID_SHAPE = re.compile(r"^\d{1,9}$")
_NOT_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_TAGS = re.compile(r"</?(?:[\w-]+:)?(?:p|title|sec|br|abstract)\b[^>]*>", re.IGNORECASE)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
)
HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"})


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed.

    'Müller-Lüdenscheidt' → 'muller ludenscheidt'.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.translate(UNDECOMPOSED)
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", plain.casefold())).strip()


def orcids_for(names: Sequence[str], listed: Iterable[tuple[str, str]]) -> list[str]:
    """The ORCID iD of each author in `names` ("Family, Given"; "" for none), from the
    (name, ORCID) pairs a file lists beside its authors: Web of Science's BibTeX
    `orcid-numbers`, a RIS note "ORCID: Family, Given/0000-…".

    An author takes the ORCID listed under their name as written (case and spacing aside);
    failing that, one listed under the same name without accents or punctuation, as Web of
    Science sometimes spells it. Each ORCID goes to one author only: "Åberg" and "Aberg" on
    one paper fold alike, and the ORCID of one must not be given to both."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for name, orcid in listed:
        exact.setdefault(_as_written(name), orcid)
        folded.setdefault(fold(name), orcid)
    orcids = [exact.get(_as_written(name), "") for name in names]
    taken = set(orcids)
    for at, name in enumerate(names):
        orcid = folded.get(fold(name), "")
        if not orcids[at] and orcid not in taken:
            orcids[at] = orcid
            taken.add(orcid)
    return orcids


def _as_written(name: str) -> str:
    return " ".join(name.casefold().split())


@lru_cache(maxsize=65_536)
def title_key(title: str) -> str:
    """The normalised title that finds the same work under different punctuation or case."""
    return fold(_TAGS.sub(" ", title))[:500]


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """A person's name for exact matching: folded, with a leading honorific dropped."""
    words = fold(name).split()
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def clean_doi(value: str) -> str:
    """'https://doi.org/10.1148/ABC' → '10.1148/abc' ('' when it is not a DOI at all)."""
    doi = DOI_PREFIX.sub("", value.strip()).strip().lower()
    return doi if DOI_SHAPE.match(doi) else ""


def clean_orcid(value: str) -> str:
    orcid = ORCID_PREFIX.sub("", value.strip()).strip().upper()
    return orcid if ORCID_SHAPE.match(orcid) else ""


def clean_pmid(value: str) -> str:
    pmid = value.strip()
    return pmid if PMID_SHAPE.match(pmid) else ""


def squash(text: str) -> str:
    """Runs of white space (a multi-line abstract, a wrapped title) become one space."""
    return _SPACES.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Markup removed from a title or abstract: paragraphs (JATS <jats:p>) become spaces,
    inline tags (<i>, <sub>) vanish so that 'H<sub>2</sub>O' stays 'H2O'."""
    return squash(_TAGS.sub("", _BLOCK_TAGS.sub(" ", text)))


def month_number(value: str) -> int | None:
    """'Mar', 'march', '3' or '03' → 3; None when it names no month."""
    text = value.strip().strip(".").casefold()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(text)
