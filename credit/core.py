"""The authorship rules of a collaborative study, applied to what each person did.

No Django here: `credit.selectors` gathers each collaborator's contributions from
capture, network, projects and the audit trail into `Contributor` rows, and this
module decides who qualifies under the committee's `Rules`, why (or why not), and
how the consortium list is grouped and ordered. The exports of the list (CSV rows,
PubMed's group-author text and MEDLINE investigator tags) are here too, so that the
whole path from rows to a submitted list is fast and unit-tested without a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Grouping = Literal["site", "region", "country", "none"]
GROUPINGS: tuple[Grouping, ...] = ("site", "region", "country", "none")
Confirmation = Literal["confirmed", "pending", "declined", "not_asked"]

HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir"})
NO_GROUP = "Steering and writing committee"
ORCID_SHAPE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


@dataclass(frozen=True)
class Place:
    """Where a collaborator did the work: the site, its region and its country."""

    site: str
    region: str
    country: str


@dataclass(frozen=True)
class Contributor:
    """What one person did for one study, and the name they confirmed for the list."""

    person_id: int
    given_names: str
    family_name: str
    place: Place | None = None
    affiliation: str = ""
    orcid: str = ""
    records_entered: int = 0
    records_complete: int = 0
    queries_answered: int = 0
    validations: int = 0
    site_lead: bool = False
    credit_roles: tuple[str, ...] = ()
    writing_committee: str = ""  # the role on it ("Chair", "Member"); "" when not on it
    confirmation: Confirmation = "not_asked"

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


@dataclass(frozen=True)
class Rules:
    """Who qualifies (any one route is enough) and how the list is laid out.

    A threshold of None switches its route off; at least one route must be on.
    """

    consortium_name: str
    min_complete_records: int | None = None
    min_validations: int | None = None
    site_leads_qualify: bool = True
    writing_committee_qualify: bool = True
    credit_roles_qualify: bool = False
    grouping: Grouping = "site"

    def problems(self) -> dict[str, str]:
        """What is wrong with the rules, by field; empty when they can be applied."""
        found: dict[str, str] = {}
        if not self.consortium_name.strip():
            found["consortium_name"] = "Name the consortium: it is the group author."
        for name in ("min_complete_records", "min_validations"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 100_000:
                found[name] = "Give a number from 1 to 100,000, or leave it empty."
        routes = (
            self.min_complete_records is not None,
            self.min_validations is not None,
            self.site_leads_qualify,
            self.writing_committee_qualify,
            self.credit_roles_qualify,
        )
        if not any(routes):
            found["min_complete_records"] = (
                "Switch on at least one way to qualify, or nobody is on the list."
            )
        if self.grouping not in GROUPINGS:
            found["grouping"] = f"Group by one of {', '.join(GROUPINGS)}."
        return found


@dataclass(frozen=True)
class Decision:
    """Whether a contributor is on the list, with the reasons either way in plain words."""

    contributor: Contributor
    qualifies: bool
    reasons: tuple[str, ...]  # the routes met
    shortfalls: tuple[str, ...]  # the routes not met (or why the person is left off)


@dataclass(frozen=True)
class Group:
    label: str
    people: tuple[Contributor, ...]


@dataclass(frozen=True)
class AuthorList:
    consortium_name: str
    grouping: Grouping
    groups: tuple[Group, ...]
    decisions: tuple[Decision, ...] = field(default=())

    @property
    def size(self) -> int:
        return sum(len(group.people) for group in self.groups)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def decide(person: Contributor, rules: Rules) -> Decision:
    """Apply each route of the rules to one person; any route met puts them on the list."""
    met: list[str] = []
    unmet: list[str] = []
    if rules.min_complete_records is not None:
        done = _plural(person.records_complete, "complete record")
        if person.records_complete >= rules.min_complete_records:
            met.append(f"{done} (at least {rules.min_complete_records} needed)")
        else:
            unmet.append(f"{done}; {rules.min_complete_records} needed")
    if rules.min_validations is not None:
        done = _plural(person.validations, "validation check")
        if person.validations >= rules.min_validations:
            met.append(f"{done} (at least {rules.min_validations} needed)")
        else:
            unmet.append(f"{done}; {rules.min_validations} needed")
    if rules.site_leads_qualify:
        (met if person.site_lead else unmet).append(
            "site lead" if person.site_lead else "not a site lead"
        )
    if rules.writing_committee_qualify:
        if person.writing_committee:
            met.append(f"writing committee ({person.writing_committee})")
        else:
            unmet.append("not on the writing committee")
    if rules.credit_roles_qualify:
        if person.credit_roles:
            met.append("CRediT roles: " + ", ".join(person.credit_roles))
        else:
            unmet.append("no agreed CRediT role")
    if met and person.confirmation == "declined":
        return Decision(person, False, tuple(met), ("asked not to be listed",))
    return Decision(person, bool(met), tuple(met), tuple(unmet))


def fold(text: str) -> str:
    """Text for sorting: accents dropped and case folded, so Ó sorts with O."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(person: Contributor) -> tuple[str, str, int]:
    return (fold(person.family_name), fold(person.given_names), person.person_id)


def _group_label(person: Contributor, grouping: Grouping) -> str:
    if grouping == "none":
        return ""
    if person.place is None:
        return NO_GROUP
    return {"site": person.place.site, "region": person.place.region}.get(
        grouping, person.place.country
    )


def author_list(people: Iterable[Contributor], rules: Rules) -> AuthorList:
    """The consortium list: who qualifies, grouped as the rules say, alphabetical within.

    Groups are in alphabetical order too, except the group of people who belong to no
    site (the steering and writing committee), which comes first.
    """
    decisions = tuple(
        sorted((decide(person, rules) for person in people), key=lambda d: sort_key(d.contributor))
    )
    grouped: dict[str, list[Contributor]] = defaultdict(list)
    for decision in decisions:
        if decision.qualifies:
            grouped[_group_label(decision.contributor, rules.grouping)].append(decision.contributor)
    order = sorted(grouped, key=lambda label: (label != NO_GROUP, fold(label)))
    groups = tuple(Group(label, tuple(grouped[label])) for label in order)
    return AuthorList(rules.consortium_name.strip(), rules.grouping, groups, decisions)


# --- Names and identifiers ------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, str]:
    """'Dr Aisha Okafor' → ('Aisha', 'Okafor'): honorifics dropped, the last word the
    family name. Only a first guess: each person confirms their own."""
    words = full_name.split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in HONORIFICS:
        words = words[1:]
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def orcid_problem(value: str) -> str | None:
    """Why `value` is not an ORCID iD (shape and ISO 7064 11,2 check digit), or None."""
    orcid = value.strip().removeprefix("https://orcid.org/").removeprefix("orcid.org/")
    if not ORCID_SHAPE.match(orcid):
        return "An ORCID iD has the form 0000-0002-1825-0097."
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[-1] != expected:
        return "This ORCID iD's last character does not match: check it for a typing slip."
    return None


def clean_orcid(value: str) -> str:
    return value.strip().removeprefix("https://orcid.org/").removeprefix("orcid.org/")


def initials(given_names: str) -> str:
    """'Mary-Jane Anne' → 'MJA', as MEDLINE writes investigators' names."""
    return "".join(part[0].upper() for part in re.split(r"[\s\-.]+", given_names) if part)


# --- Exports (no Django, no files: text and rows) -------------------------------------

CSV_HEADER = [
    "group",
    "position",
    "given_names",
    "family_name",
    "orcid",
    "affiliation",
    "site",
    "region",
    "country",
]


def csv_rows(listing: AuthorList) -> list[list[str]]:
    """One row per person in list order, as submission systems take collaborators."""
    rows = [list(CSV_HEADER)]
    position = 0
    for group in listing.groups:
        for person in group.people:
            position += 1
            place = person.place or Place("", "", "")
            rows.append(
                [
                    group.label,
                    str(position),
                    person.given_names,
                    person.family_name,
                    person.orcid,
                    person.affiliation,
                    place.site,
                    place.region,
                    place.country,
                ]
            )
    return rows


def pubmed_text(listing: AuthorList) -> str:
    """The group author and its collaborator names, as PubMed takes them.

    First the plain form journals paste into the submission ("Collaborators" under the
    group author, "Given Family" by group), then the same names as MEDLINE tags: CN for
    the group author, and for each collaborator IR (Family Initials), FIR (Family,
    Given) and IRAD (affiliation), the fields PubMed shows under "Collaborators".
    """
    lines = [f"Group author: {listing.consortium_name}", "", "Collaborators:"]
    for group in listing.groups:
        names = ", ".join(person.name for person in group.people)
        lines.append(f"{group.label}: {names}." if group.label else f"{names}.")
    lines += ["", f"CN  - {listing.consortium_name}"]
    for group in listing.groups:
        for person in group.people:
            lines.append(f"IR  - {person.family_name} {initials(person.given_names)}".rstrip())
            full = f"{person.family_name}, {person.given_names}".rstrip(", ")
            lines.append(f"FIR - {full}")
            if person.affiliation:
                lines.append(f"IRAD- {person.affiliation}")
    return "\n".join(lines) + "\n"


# --- The locked list, kept as JSON ----------------------------------------------------


def to_json(listing: AuthorList) -> dict[str, Any]:
    """The list as it stands, for keeping once it is locked (decisions are not kept)."""
    return {
        "consortium_name": listing.consortium_name,
        "grouping": listing.grouping,
        "groups": [
            {"label": group.label, "people": [asdict(person) for person in group.people]}
            for group in listing.groups
        ],
    }


def from_json(data: dict[str, Any]) -> AuthorList:
    groups = []
    for group in data["groups"]:
        people = []
        for raw in group["people"]:
            place = Place(**raw["place"]) if raw.get("place") else None
            people.append(
                Contributor(**{**raw, "place": place, "credit_roles": tuple(raw["credit_roles"])})
            )
        groups.append(Group(group["label"], tuple(people)))
    return AuthorList(data["consortium_name"], data["grouping"], tuple(groups))
