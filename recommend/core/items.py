"""The plain data the ranking reads and returns: no Django, no database.

The Django side (`recommend.selectors`) turns a trainee and the network's mentors,
projects, opportunities, conferences and events into these records; the ranking
(`recommend.core.rank`) reads nothing else, so it is tested and measured alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The kinds of item, in the order the page shows them, with their section headings.
KINDS: dict[str, str] = {
    "mentor": "Mentors",
    "project": "Projects",
    "opportunity": "Funding, fellowships and schemes",
    "conference": "Conferences and events",
}


@dataclass(frozen=True)
class Seeker:
    """The trainee the list is for: what they said about themselves and where they work."""

    key: str
    text: str  # interests, goals, own outputs and projects, as words
    terms: frozenset[str] = frozenset()  # interest names: subspecialties, modalities, methods
    hours_per_week: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""  # the hospital's name, for "4 km from ..."
    region: str = ""


@dataclass(frozen=True)
class Candidate:
    """One thing that may be recommended, with the facts the rules read.

    `key` is "<kind>:<id>", unique across kinds. Facts left as None are unknown and
    count neither for nor against the item.
    """

    key: str
    kind: str
    title: str
    url: str
    text: str
    detail: str = ""  # one line under the title: funder, deadline, site
    terms: frozenset[str] = frozenset()
    hours_needed: int | None = None  # the fewest hours a week an open role asks
    eligible: bool | None = None  # None: no rules, or the profile cannot answer them
    eligibility: str = ""  # the rules, in words, for the reason
    open: bool = True  # a call still open, a project recruiting, a mentor taking trainees
    closes_at: dt.datetime | None = None  # aware; past means closed
    own: bool = False  # the trainee's own project, own mentor, own suggestion
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    region: str = ""
    anywhere: bool = False  # done from anywhere (a review, an online call): distance is moot
    reply_days: float | None = None  # a mentor's median days to reply
    replies: int = 0  # how many requests that median rests on

    @property
    def id(self) -> int:
        return int(self.key.partition(":")[2])


@dataclass(frozen=True)
class Reason:
    code: str  # "interests", "similar", "hours", "eligible", "nearby", "quick"
    text: str
    points: float


@dataclass(frozen=True)
class Ranked:
    key: str
    kind: str
    title: str
    url: str
    detail: str
    score: float
    reasons: tuple[Reason, ...]
    cautions: tuple[str, ...] = ()
    closes_at: dt.datetime | None = None

    def as_json(self) -> dict[str, object]:
        """The stored form (a JSON column): plain values only."""
        return {
            "key": self.key,
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "detail": self.detail,
            "score": round(self.score, 4),
            "reasons": [[r.code, r.text, round(r.points, 3)] for r in self.reasons],
            "cautions": list(self.cautions),
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Ranked:
        closes = data.get("closes_at")
        reasons = data.get("reasons") or []
        cautions = data.get("cautions") or []
        assert isinstance(reasons, list)
        assert isinstance(cautions, list)
        return cls(
            key=str(data["key"]),
            kind=str(data["kind"]),
            title=str(data["title"]),
            url=str(data["url"]),
            detail=str(data.get("detail", "")),
            score=_number(data.get("score", 0.0)),
            reasons=tuple(Reason(str(c), str(t), float(p)) for c, t, p in reasons),
            cautions=tuple(str(c) for c in cautions),
            closes_at=dt.datetime.fromisoformat(closes) if isinstance(closes, str) else None,
        )


@dataclass(frozen=True)
class Excluded:
    key: str
    why: str


@dataclass
class Result:
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    backend: str = ""

    def of_kind(self, kind: str) -> list[Ranked]:
        return [item for item in self.ranked if item.kind == kind]


def _number(value: object) -> float:
    """A stored number (or its text) as float; anything else is refused as float() would."""
    if isinstance(value, int | float | str):
        return float(value)
    raise TypeError(f"float() argument must be a string or a real number, not {value!r}")
