"""Facts computed from a project's own fields: effort, the quick-win signal, and fit.

Each result carries the reason for every point, so the page can show why, and no
function here queries the database: the board computes them for a page of projects
already loaded with their mentor's record and the trainee's profile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from projects.models import READY_APPROVALS, Approval, Project, ResearchType

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
class Effort:
    collection_hours: float
    reading_hours: float
    approval_weeks: int
    waiting_for: tuple[str, ...]
    hours_per_week: int

    @property
    def work_hours(self) -> float:
        return self.collection_hours + self.reading_hours

    @property
    def work_weeks(self) -> int:
        return math.ceil(self.work_hours / self.hours_per_week) if self.work_hours else 0

    @property
    def total_weeks(self) -> int:
        return self.approval_weeks + self.work_weeks

    def __str__(self) -> str:
        work = f"about {self.work_hours:.0f} hours of collection and reading"
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


def effort_estimate(project: Project, hours_per_week: int) -> Effort:
    """Cases times minutes per case for collection and reading, at `hours_per_week`."""
    weeks, waiting = approval_wait(project)
    return Effort(
        collection_hours=project.cases * project.minutes_collection / 60,
        reading_hours=project.cases * project.minutes_reading / 60,
        approval_weeks=weeks,
        waiting_for=waiting,
        hours_per_week=max(1, hours_per_week),
    )


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


@dataclass(frozen=True)
class Trainee:
    """What fit is measured against: interest term ids and names, and hours a week."""

    interest_ids: frozenset[int]
    interest_names: frozenset[str]
    hours_per_week: int | None

    @classmethod
    def of(cls, profile: Any) -> Trainee | None:
        if profile is None:
            return None
        terms = list(profile.interests.all())
        return cls(
            frozenset(t.pk for t in terms),
            frozenset(t.name for t in terms),
            profile.hours_per_week,
        )

    @property
    def matching_types(self) -> list[str]:
        return [key for key, name in TYPE_METHOD_NAMES.items() if name in self.interest_names]


# Weights of the fit score; `board.fit_expression` computes the same sum in SQL.
FIT_WEIGHTS = {"subspecialty": 3, "modality": 2, "type": 2, "hours": 3}


def fit(project: Project, trainee: Trainee | None) -> Fit:
    if trainee is None:
        return Fit(0, ("Add interests and hours to your trainee profile to sort by fit.",))
    reasons, score = [], 0
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
