"""Back-planning: milestones counted backwards from an abstract deadline.

Pure arithmetic on dates and the project's effort estimate, so that every edge case
(deadline passed, moved, another time zone) is a plain function call to test. The
writes that put a plan in the workspace are in `events.services`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from events.models import PlanStep

# Days each step leaves before the next one, counted back from the submission day:
# edits after the mentor's review, the review itself, writing, and the analysis.
GAP_DAYS: dict[str, int] = {
    PlanStep.REVIEW: 3,
    PlanStep.DRAFT: 7,
    PlanStep.ANALYSIS: 14,
    PlanStep.COLLECTION: 21,
}
ORDER = [
    PlanStep.COLLECTION,
    PlanStep.ANALYSIS,
    PlanStep.DRAFT,
    PlanStep.REVIEW,
    PlanStep.SUBMISSION,
]


@dataclass(frozen=True)
class Step:
    step: PlanStep
    due_on: dt.date

    @property
    def title(self) -> str:
        return str(self.step.label)


@dataclass(frozen=True)
class Plan:
    deadline_day: dt.date  # the deadline's day in the planner's own zone
    steps: tuple[Step, ...]
    collection_ends_on: dt.date  # when the effort estimate says collection would end
    warnings: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return not self.warnings

    def due(self, step: PlanStep) -> dt.date:
        return next(s.due_on for s in self.steps if s.step == step)


class DeadlinePassed(ValueError):
    pass


def deadline_day(due_at: dt.datetime, zone: str) -> dt.date:
    """The last day to submit, in the planner's zone.

    A deadline in the first minutes of a local day (00:00 to 00:59) counts as the day
    before, where people expect it.
    """
    local = due_at.astimezone(zoneinfo.ZoneInfo(zone))
    return local.date() - dt.timedelta(days=1) if local.hour == 0 else local.date()


def propose(
    *,
    due_at: dt.datetime,
    zone: str,
    today: dt.date,
    buffer_days: int,
    approval_weeks: int,
    work_weeks: int,
    hours_per_week: int,
    label: str,
) -> Plan:
    """Milestones back from the deadline, and every reason the plan does not fit."""
    last = deadline_day(due_at, zone)
    if last < today:
        raise DeadlinePassed(f"The deadline of {label} passed on {last:%-d %b %Y}.")
    due = {PlanStep.SUBMISSION: last - dt.timedelta(days=buffer_days)}
    for later, earlier in zip(ORDER[:0:-1], ORDER[-2::-1], strict=True):
        due[earlier] = due[later] - dt.timedelta(days=GAP_DAYS[earlier])
    steps = tuple(Step(step, due[step]) for step in ORDER)
    ends = today + dt.timedelta(weeks=approval_weeks + work_weeks)
    warnings = _warnings(steps, ends, last, today, hours_per_week, approval_weeks, work_weeks)
    return Plan(deadline_day=last, steps=steps, collection_ends_on=ends, warnings=warnings)


def _warnings(
    steps: tuple[Step, ...],
    ends: dt.date,
    last: dt.date,
    today: dt.date,
    hours: int,
    approval_weeks: int,
    work_weeks: int,
) -> tuple[str, ...]:
    found = []
    past = [s for s in steps if s.due_on < today]
    if past:
        names = ", ".join(f"“{s.title}” ({s.due_on:%-d %b})" for s in past)
        found.append(f"Too late for a full plan: {names} would already be due.")
    collection = steps[0].due_on
    if ends > last:
        found.append(
            f"Collection would end on {ends:%-d %b %Y}, after the abstract deadline "
            f"({last:%-d %b %Y}): {approval_weeks} weeks of approvals and {work_weeks} weeks "
            f"of collection and reading at {hours} h a week."
        )
    elif ends > collection:
        found.append(
            f"Collection would end on {ends:%-d %b %Y}, later than the "
            f"{collection:%-d %b %Y} this plan needs: {approval_weeks} weeks of approvals and "
            f"{work_weeks} weeks of collection and reading at {hours} h a week. "
            "Give it more hours a week, a smaller buffer, or a later deadline."
        )
    return tuple(found)
