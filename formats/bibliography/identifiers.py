"""Identifiers a person types to add outputs: DOIs, PMIDs and ORCID iDs (pure, no network).

    found, problems = parse_identifiers("10.1148/radiol.2020\\nPMID: 31234567")

Each line (or comma/semicolon-separated item) is one identifier, recognised by its shape:
a DOI (`10.…/…`, also as a doi.org link or `doi:`), a PMID (digits, also `PMID: …`) or
an ORCID iD (four groups of four, also as an orcid.org link) whose check digit
(ISO 7064 MOD 11-2) is right. A malformed one is a problem naming it, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from formats.bibliography.text import clean_doi, clean_orcid, clean_pmid
from formats.jsontypes import JSONObject, JSONValue

DOI, PMID, ORCID = "doi", "pmid", "orcid"
LABELS = {DOI: "DOI", PMID: "PMID", ORCID: "ORCID iD"}
SEPARATORS = re.compile(r"[\n,;]+")
PMID_PREFIX = re.compile(r"^(?:pmid|pubmed)\s*:?\s*", re.IGNORECASE)
ORCID_LIKE = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:orcid\.org/)?\d{4}-?\d{4}-?\d{4}-?\d{3}[\dXx]$", re.IGNORECASE
)
ORCID_DIGITS = re.compile(r"[^\dX]")


@dataclass(frozen=True)
class Identifier:
    kind: str  # DOI, PMID or ORCID
    value: str

    def __str__(self) -> str:
        return f"{LABELS[self.kind]} {self.value}"


def orcid_checksum_ok(orcid: str) -> bool:
    """The ISO 7064 MOD 11-2 check digit of an ORCID iD ('0000-0002-1825-0097')."""
    digits = ORCID_DIGITS.sub("", orcid.upper())
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for digit in digits[:15]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def parse_identifier(written: str) -> Identifier | str:
    """The identifier `written` names, or why it names none (a sentence naming it)."""
    text = written.strip()
    if ORCID_LIKE.match(text):
        digits = ORCID_DIGITS.sub("", text.upper().rsplit("/", 1)[-1])
        orcid = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
        if not clean_orcid(orcid) or not orcid_checksum_ok(orcid):
            return (
                f"“{text}” looks like an ORCID iD but its last character (the check digit) is wrong"
            )
        return Identifier(ORCID, orcid)
    doi = clean_doi(text)
    if doi:
        return Identifier(DOI, doi)
    if text.lower().startswith(("10.", "doi", "https://doi", "http://doi")):
        return f"“{text}” is not a whole DOI (a DOI looks like 10.1148/radiol.2020201234)"
    pmid = clean_pmid(PMID_PREFIX.sub("", text))
    if pmid and pmid != "0" * len(pmid):
        return Identifier(PMID, str(int(pmid)))
    return (
        f"“{text}” is not a DOI (10.1148/…), a PMID (up to 9 digits) "
        "or an ORCID iD (0000-0002-1825-0097)"
    )


def parse_identifiers(text: str, *, limit: int = 50) -> tuple[list[Identifier], list[str]]:
    """The identifiers in `text` in order, without repeats, and a problem for each bad one."""
    found: list[Identifier] = []
    problems: list[str] = []
    for item in SEPARATORS.split(text):
        if not item.strip():
            continue
        parsed = parse_identifier(item)
        if isinstance(parsed, str):
            problems.append(parsed)
        elif parsed not in found:
            found.append(parsed)
    if len(found) > limit:
        problems.append(f"{len(found)} identifiers: at most {limit} at a time")
    return found, problems


@dataclass(frozen=True)
class OrcidWork:
    """One work of an ORCID record: its identifiers, to fetch the full record by, and its
    summary (title, type, date, journal) for when it has neither."""

    put_code: str
    doi: str
    pmid: str
    summary: JSONObject


def orcid_works(data: JSONValue) -> list[OrcidWork]:
    """The works of an ORCID `/works` answer (v3.0: `group` → `work-summary`), one per group
    (the first summary, the one ORCID shows), with their DOI and PMID."""
    groups = data.get("group") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        return []
    works = []
    for group in groups:
        summaries = group.get("work-summary") if isinstance(group, dict) else None
        first = summaries[0] if isinstance(summaries, list) and summaries else None
        if not isinstance(summaries, list) or not isinstance(first, dict):
            continue
        ids: dict[str, str] = {}
        for summary in summaries:
            for external in _ids(summary) + _ids(group):
                kind = str(external.get("external-id-type") or "").lower()
                if kind in (DOI, PMID) and kind not in ids:
                    value = str(external.get("external-id-value") or "")
                    cleaned = clean_doi(value) if kind == DOI else clean_pmid(value)
                    if cleaned:
                        ids[kind] = cleaned
        works.append(
            OrcidWork(
                put_code=str(first.get("put-code") or ""),
                doi=ids.get(DOI, ""),
                pmid=ids.get(PMID, ""),
                summary=first,
            )
        )
    return works


def _ids(node: JSONValue) -> list[JSONObject]:
    holder = node.get("external-ids") if isinstance(node, dict) else None
    found = holder.get("external-id") if isinstance(holder, dict) else None
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []
