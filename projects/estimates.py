"""Facts computed from a project's own fields: effort, the quick-win signal, and fit.

Each result carries the reason for every point, so the page can show why, and no
function here queries the database: the board computes them for a page of projects
already loaded with their mentor's record and the trainee's profile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projects.models import READY_APPROVALS, Approval, Project, ResearchType

if TYPE_CHECKING:
    from people.models import TraineeProfile

# Typical weeks from applying to approval; a submitted application is about half-way.
# Approvals run side by side, so the longest one still to come sets the wait.
APPROVAL_WEEKS = {"ethics": 12, "audit_registration": 2, "data_protection": 4}
APPROVAL_LABELS = {
    "ethics": "ethics / IRB",
    "audit_registration": "audit registration",
    "data_protection": "data protection",
}
# A finished supervision on record is what shows a mentor sees projects through.
MENTOR_RECORD_MINIMUM = 1


@dataclass(frozen=True)
class Units:
    """What a research type counts and the two steps of work per item, in words."""

    noun: str  # one item: "case", "record"
    collect: str  # the verb per item: "collect", "screen"
    read: str
    work: str  # the two steps as nouns: "collection and reading"


CASE_UNITS = Units("case", "collect", "read", "collection and reading")
# A review counts records found by the search, an education study its participants.
UNITS = {
    ResearchType.REVIEW: Units("record", "screen", "extract", "screening and data extraction"),
    ResearchType.EDUCATION: Units("participant", "recruit", "assess", "recruitment and assessment"),
}


def units_of(project: Project) -> Units:
    return UNITS.get(ResearchType(project.research_type), CASE_UNITS)


@dataclass(frozen=True)
class Effort:
    """Hours of work, from the project's counts (items times minutes) or, when it gives none,
    from the roles it asks for (hours a week times weeks); `basis` says which, or "none"."""

    collection_hours: float
    reading_hours: float
    approval_weeks: int
    waiting_for: tuple[str, ...]
    hours_per_week: int
    basis: str = "cases"  # "cases", "roles" or "none"
    role_hours: float = 0.0
    units: Units = CASE_UNITS

    @property
    def work_hours(self) -> float:
        return self.collection_hours + self.reading_hours + self.role_hours

    @property
    def work_weeks(self) -> int:
        return math.ceil(self.work_hours / self.hours_per_week) if self.work_hours else 0

    @property
    def total_weeks(self) -> int:
        return self.approval_weeks + self.work_weeks

    @property
    def known(self) -> bool:
        return self.basis != "none"

    def __str__(self) -> str:
        if not self.known:
            return "not estimated yet: the lead has given neither counts nor roles"
        if self.basis == "roles":
            work = f"about {self.work_hours:.0f} hours across the roles wanted"
        else:
            work = f"about {self.work_hours:.0f} hours of {self.units.work}"
        pace = f"{self.work_weeks} weeks at {self.hours_per_week} hours a week"
        if not self.approval_weeks:
            return f"{work}: {pace}"
        wait = ", ".join(self.waiting_for)
        return f"{work}: {pace}, after about {self.approval_weeks} weeks for {wait}"


def approval_wait(project: Project) -> tuple[int, tuple[str, ...]]:
    """Weeks until every approval is in, and which approvals are still to come."""
    waits: dict[str, int] = {}
    for field, weeks in APPROVAL_WEEKS.items():
        state = getattr(project, field)
        if state == Approval.TO_APPLY:
            waits[APPROVAL_LABELS[field]] = weeks
        elif state == Approval.SUBMITTED:
            waits[APPROVAL_LABELS[field]] = math.ceil(weeks / 2)
    return max(waits.values(), default=0), tuple(waits)


def effort_estimate(project: Project, hours_per_week: int, roles: Iterable[Any] = ()) -> Effort:
    """Items times minutes per item for the two steps of work, at `hours_per_week`.

    A project that gives no counts (a systematic review before its search, an education
    study) is estimated from the open roles it asks for: hours a week times weeks. With
    neither, the estimate says it is unknown rather than "about 0 hours".
    """
    weeks, waiting = approval_wait(project)
    pace = max(1, hours_per_week)
    units = units_of(project)
    collection = project.cases * project.minutes_collection / 60
    reading = project.cases * project.minutes_reading / 60
    if collection + reading:
        return Effort(collection, reading, weeks, waiting, pace, units=units)
    open_roles = [role for role in roles if getattr(role, "state", "open") == "open"]
    role_hours = float(sum(role.hours_per_week * role.duration_weeks for role in open_roles))
    basis = "roles" if role_hours else "none"
    return Effort(0.0, 0.0, weeks, waiting, pace, basis=basis, role_hours=role_hours, units=units)


@dataclass(frozen=True)
class Point:
    label: str
    met: bool
    reason: str


@dataclass(frozen=True)
class QuickWin:
    points: tuple[Point, ...]

    @property
    def met(self) -> bool:
        return all(point.met for point in self.points)

    @property
    def score(self) -> int:
        return sum(point.met for point in self.points)


def completed_supervisions(project: Project) -> int:
    """The supervising mentor's finished supervisions, from their recounted record.

    The board annotates the count as `mentor_record` rather than loading the profile.
    """
    annotated = getattr(project, "mentor_record", False)
    if annotated is not False:
        return int(annotated or 0)
    profile = getattr(project.mentor, "mentor_profile", None) if project.mentor_id else None
    stats = getattr(profile, "stats", None) if profile is not None else None
    return stats.supervisions_completed if stats is not None else 0


def quick_win(project: Project) -> QuickWin:
    """Four facts that make a project finishable within a rotation, each with its reason."""
    retrospective = project.timing == Project.Timing.RETROSPECTIVE
    waiting = approval_wait(project)[1]
    outcome = project.primary_outcome.strip()
    finished = completed_supervisions(project)
    mentor = str(project.mentor) if project.mentor_id else "No supervising mentor"
    return QuickWin(
        (
            Point(
                "Retrospective",
                retrospective,
                "The data already exist."
                if retrospective
                else "Prospective: cases must be recruited first.",
            ),
            Point(
                "Approvals in place",
                not waiting,
                "Every approval needed is granted."
                if not waiting
                else f"Still to come: {', '.join(waiting)}.",
            ),
            Point(
                "Clear primary outcome",
                bool(outcome),
                f"Primary outcome: {outcome}." if outcome else "No primary outcome stated yet.",
            ),
            Point(
                "Mentor with a record",
                finished >= MENTOR_RECORD_MINIMUM,
                f"{mentor} has seen {finished} supervision{'s' if finished != 1 else ''} "
                "through to the end on RadCollab."
                if finished
                else f"{mentor}: no finished supervision on record yet.",
            ),
        )
    )


def approvals_ready(project: Project) -> bool:
    return all(getattr(project, field) in READY_APPROVALS for field in APPROVAL_WEEKS)


def own_quick_facts(project: Project) -> bool:
    """The three quick-win facts the project row holds (`Project.own_quick_facts`)."""
    retrospective = project.timing == Project.Timing.RETROSPECTIVE
    return retrospective and approvals_ready(project) and bool(project.primary_outcome.strip())


# Research types match the taxonomy's methods by name (people.services.TAXONOMY).
TYPE_METHOD_NAMES = {choice.value: choice.label for choice in ResearchType}


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[str, ...]


# Distances that change the fit: a site a trainee can reach on a working day, one a
# train ride away, and beyond that a project they could join only from afar.
NEAR_KM = 50
REACH_KM = 200
EARTH_RADIUS_KM = 6371.0


def kilometres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius) between two points in degrees."""
    p1, q1, p2, q2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((q2 - q1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Home:
    """Where the trainee works, and the network's sites within each distance of it.

    The id sets let the board's SQL score distance the way `fit` does, without
    computing distances in the database.
    """

    name: str
    latitude: float
    longitude: float
    near_ids: frozenset[int] = frozenset()
    reach_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Located:
    """A project's site as fit reads it: name and coordinates (None when unknown)."""

    name: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Trainee:
    """What fit is measured against: interest term ids and names, hours a week, and
    where they work."""

    interest_ids: frozenset[int]
    interest_names: frozenset[str]
    hours_per_week: int | None
    home: Home | None = None

    @classmethod
    def of(cls, profile: TraineeProfile | None, home: Home | None = None) -> Trainee | None:
        if profile is None:
            return None
        terms = list(profile.interests.all())
        return cls(
            frozenset(t.pk for t in terms),
            frozenset(t.name for t in terms),
            profile.hours_per_week,
            home,
        )

    @property
    def matching_types(self) -> list[str]:
        return [key for key, name in TYPE_METHOD_NAMES.items() if name in self.interest_names]


# Weights of the fit score; `board.fit_expression` computes the same sum in SQL. A site
# far away takes points off, so that a close project with fewer shared interests ranks
# above a distant one that matches on paper.
FIT_WEIGHTS = {
    "subspecialty": 3,
    "modality": 2,
    "type": 2,
    "hours": 3,
    "near": 4,
    "reach": 2,
    "anywhere": 2,
    "far": -4,
}


def fit(project: Project, trainee: Trainee | None, sites: Iterable[Located] = ()) -> Fit:
    """How well the project suits the trainee, with a reason for every point.

    `sites` are the project's sites with coordinates, for the distance from the
    trainee's hospital; without them distance is not judged.
    """
    if trainee is None:
        return Fit(0, ("Add interests and hours to your trainee profile to sort by fit.",))
    reasons: list[str] = []
    score = _distance_reason(project, trainee.home, list(sites), reasons)
    for field in ("subspecialty", "modality"):
        term = getattr(project, field)
        if term is not None and term.pk in trainee.interest_ids:
            score += FIT_WEIGHTS[field]
            reasons.append(f"{term.name} is one of your interests")
    if project.research_type in trainee.matching_types:
        score += FIT_WEIGHTS["type"]
        reasons.append(f"{project.get_research_type_display()} is a method you named")
    score += _hours_reason(project, trainee, reasons)
    return Fit(score, tuple(reasons))


def _distance_reason(
    project: Project, home: Home | None, sites: list[Located], reasons: list[str]
) -> int:
    """Points for how far the nearest site is from the trainee's hospital; the reason
    comes first, since distance decides more than any shared interest."""
    if project.research_type == ResearchType.REVIEW:
        reasons.append("A systematic review can be done from anywhere")
        return FIT_WEIGHTS["anywhere"]
    if home is None:
        return 0
    distances = [
        (kilometres(home.latitude, home.longitude, site.latitude, site.longitude), site.name)
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]
    if not distances:
        return 0
    km, nearest = min(distances)
    if km <= NEAR_KM:
        here = km < 1  # the trainee's own hospital (or next door)
        near = f"Near you: {nearest} is {km:,.0f} km from {home.name}"
        reasons.append(f"At your hospital, {home.name}" if here else near)
        return FIT_WEIGHTS["near"]
    if km <= REACH_KM:
        reasons.append(f"Within reach: {nearest} is {km:,.0f} km from {home.name}")
        return FIT_WEIGHTS["reach"]
    reasons.append(f"Far from you: the nearest site, {nearest}, is {km:,.0f} km from {home.name}")
    return FIT_WEIGHTS["far"]


def _hours_reason(project: Project, trainee: Trainee, reasons: list[str]) -> int:
    needed, have = project.min_open_hours, trainee.hours_per_week
    if needed is None or have is None:
        return 0
    if needed <= have:
        reasons.append(f"A role needs {needed} h a week; you have {have}")
        return FIT_WEIGHTS["hours"]
    reasons.append(f"Roles need at least {needed} h a week, more than your {have}")
    return 0


def load_message(titles: Iterable[str], limit: int) -> str:
    current = list(titles)
    return (
        f"You already hold {len(current)} active projects ({'; '.join(current)}). "
        f"More than {limit} at once rarely ends well: finish or hand one over first, "
        "or confirm that you can take this on."
    )
