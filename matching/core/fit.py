"""The fit score: a transparent weighted sum of named criteria.

Each criterion compares one thing the mentee asked for with what the mentor offers and
gives a fraction between 0 and 1; the scheme's weight (points) times that fraction is the
criterion's contribution, and the score is the sum. Every pair keeps its parts, so the
committee and the mentee can read which criteria contributed how much and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The criteria in the order they are shown, with the words a trainee reads.
CRITERIA: dict[str, str] = {
    "subspecialties": "Shared subspecialties",
    "methods": "Research methods",
    "modalities": "Imaging modalities",
    "meeting_frequency": "Meeting frequency",
    "mode": "Remote or in person",
    "language": "Shared language",
    "goals": "Goals the mentor has helped with before",
    "preference": "The mentee ranked this mentor",
}

DEFAULT_WEIGHTS: dict[str, int] = {
    "subspecialties": 30,
    "methods": 15,
    "modalities": 15,
    "meeting_frequency": 10,
    "mode": 10,
    "language": 10,
    "goals": 10,
    "preference": 20,
}

# Meeting frequencies from most to least often; neighbours count half.
FREQUENCIES = ("weekly", "fortnightly", "monthly", "quarterly")
MODES = ("remote", "in_person", "either")


class WeightsError(ValueError):
    """A weight is unknown, negative or not a whole number; the message names it."""


@dataclass(frozen=True)
class MenteeWants:
    subspecialties: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    meeting_frequency: str = ""
    mode: str = "either"
    languages: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    ranked: tuple[str, ...] = ()  # the mentors' keys, first choice first


@dataclass(frozen=True)
class MentorOffers:
    key: str = ""
    subspecialties: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    meeting_frequency: str = ""
    mode: str = "either"
    languages: frozenset[str] = frozenset()
    track_record: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Part:
    """One criterion's contribution to a pair's score."""

    criterion: str
    label: str
    weight: int
    fraction: float
    reason: str

    @property
    def points(self) -> float:
        return round(self.weight * self.fraction, 2)


@dataclass(frozen=True)
class Fit:
    parts: tuple[Part, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        return round(sum(part.points for part in self.parts), 2)

    @property
    def units(self) -> int:
        """The score in hundredths of a point: the whole number the solver optimises."""
        return round(self.score * 100)

    def explanation(self) -> str:
        shown = [p for p in self.parts if p.points > 0]
        if not shown:
            return "No criterion matched; the pair is allowed but scores nothing."
        return "; ".join(f"{p.label}: +{p.points:g} ({p.reason})" for p in shown)


def check_weights(weights: Mapping[str, object]) -> dict[str, int]:
    """The weights as whole points, every criterion present; raises WeightsError."""
    checked = dict(DEFAULT_WEIGHTS)
    for name, value in weights.items():
        if name not in CRITERIA:
            raise WeightsError(f"{name}: not a criterion (known: {', '.join(CRITERIA)})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise WeightsError(f"{name}: the weight must be a whole number of points, 0 or more")
        checked[name] = value
    return checked


SINGULAR = {"subspecialties": "subspecialty", "methods": "method", "modalities": "modality"}


def _overlap(wanted: frozenset[str], offered: frozenset[str], noun: str) -> tuple[float, str]:
    if not wanted:
        return 0.0, f"no {noun} asked for"
    shared = sorted(wanted & offered)
    if not shared:
        one = SINGULAR.get(noun, noun.removesuffix("s"))
        return 0.0, f"the {one} asked for is not covered" if len(wanted) == 1 else (
            f"none of the {len(wanted)} {noun} asked for"
        )
    return len(shared) / len(wanted), f"{len(shared)} of {len(wanted)}: {', '.join(shared)}"


def _frequency(wanted: str, offered: str) -> tuple[float, str]:
    if not wanted or not offered:
        return 0.0, "not stated"
    if wanted == offered:
        return 1.0, f"both {wanted}"
    if wanted in FREQUENCIES and offered in FREQUENCIES:
        gap = abs(FREQUENCIES.index(wanted) - FREQUENCIES.index(offered))
        if gap == 1:
            return 0.5, f"{wanted} wanted, {offered} offered"
    return 0.0, f"{wanted} wanted, {offered} offered"


def _mode(wanted: str, offered: str) -> tuple[float, str]:
    if wanted == "either" or offered == "either" or wanted == offered:
        shown = offered if offered != "either" else wanted
        return 1.0, "either suits both" if shown == "either" else f"both {shown.replace('_', ' ')}"
    return 0.0, f"{wanted.replace('_', ' ')} wanted, {offered.replace('_', ' ')} offered"


def _preference(ranked: tuple[str, ...], key: str) -> tuple[float, str]:
    if key not in ranked:
        return 0.0, "not ranked" if ranked else "the mentee left it to the match"
    rank = ranked.index(key)
    return (len(ranked) - rank) / len(ranked), f"choice {rank + 1} of {len(ranked)}"


def fit(mentee: MenteeWants, mentor: MentorOffers, weights: Mapping[str, int]) -> Fit:
    """Score one pair; `weights` as returned by `check_weights`."""
    language_shared = sorted(mentee.languages & mentor.languages)
    measured: dict[str, tuple[float, str]] = {
        "subspecialties": _overlap(mentee.subspecialties, mentor.subspecialties, "subspecialties"),
        "methods": _overlap(mentee.methods, mentor.methods, "methods"),
        "modalities": _overlap(mentee.modalities, mentor.modalities, "modalities"),
        "meeting_frequency": _frequency(mentee.meeting_frequency, mentor.meeting_frequency),
        "mode": _mode(mentee.mode, mentor.mode),
        "language": (1.0, ", ".join(language_shared))
        if language_shared
        else (0.0, "no language in common"),
        "goals": _overlap(mentee.goals, mentor.track_record, "goals"),
        "preference": _preference(mentee.ranked, mentor.key),
    }
    return Fit(
        tuple(
            Part(name, CRITERIA[name], weights[name], *measured[name])
            for name in CRITERIA
            if weights.get(name, 0) > 0
        )
    )
