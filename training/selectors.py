"""Reads: credential status and expiry, GCP at a glance, tracker progress, goal progress.

Expiry is computed, not stored: it follows the organisation's interval and the
administrators' overrides, so changing an interval changes every status at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from outputs.models import Author, Output
from training.conf import DUE_WITHIN_DAYS, default_refresh_years
from training.models import (
    GCP_TYPES,
    Checklist,
    ChecklistItem,
    Credential,
    CredentialType,
    Evidence,
    Goal,
    RefreshInterval,
    RequirementCategory,
    Tracker,
)

if TYPE_CHECKING:
    from accounts.models import User


class Status(StrEnum):
    VALID = "valid"
    DUE = "due"
    EXPIRED = "expired"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {
            Status.VALID: "Valid",
            Status.DUE: f"Due within {DUE_WITHIN_DAYS} days",
            Status.EXPIRED: "Expired",
            Status.MISSING: "None recorded",
        }[self]


def today() -> dt.date:
    return timezone.localdate()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def refresh_years() -> dict[str, int]:
    """Years until a refresher is due, by credential type: overrides over the setting."""
    default = default_refresh_years()
    years = dict.fromkeys(CredentialType.values, default)
    years.update(RefreshInterval.objects.values_list("credential_type", "years"))
    return years


def expiry(completed_on: dt.date, years: int) -> dt.date | None:
    return None if years == 0 else add_years(completed_on, years)


def status_for(expires_on: dt.date | None, on: dt.date) -> Status:
    if expires_on is None:
        return Status.VALID
    if expires_on < on:
        return Status.EXPIRED
    if (expires_on - on).days <= DUE_WITHIN_DAYS:
        return Status.DUE
    return Status.VALID


@dataclass(frozen=True)
class CredentialState:
    credential: Credential
    expires_on: dt.date | None
    status: Status
    days_left: int | None
    superseded: bool  # a later credential of the same group replaces it


def _group(credential: Credential) -> str:
    if credential.kind in GCP_TYPES:
        return "gcp"
    if credential.kind == CredentialType.OTHER:
        return f"other:{credential.title.strip().lower()}"
    return str(credential.kind)


def credential_states(
    credentials: Iterable[Credential], *, on: dt.date | None = None
) -> list[CredentialState]:
    """Each credential with its expiry and status; older ones of a group are superseded."""
    on = on or today()
    years = refresh_years()
    items = sorted(credentials, key=lambda c: (c.completed_on, c.pk), reverse=True)
    seen: set[tuple[int, str]] = set()
    states = []
    for credential in items:
        key = (credential.person_id, _group(credential))
        expires_on = expiry(credential.completed_on, years[credential.kind])
        states.append(
            CredentialState(
                credential=credential,
                expires_on=expires_on,
                status=status_for(expires_on, on),
                days_left=(expires_on - on).days if expires_on else None,
                superseded=key in seen,
            )
        )
        seen.add(key)
    return states


def credentials_of(person: User, *, on: dt.date | None = None) -> list[CredentialState]:
    return credential_states(Credential.objects.filter(person=person), on=on)


def gcp_status_for(people: Iterable[User | int], *, on: dt.date | None = None) -> dict[int, Status]:
    """Each person's Good Clinical Practice status, from their latest GCP credential.

    `people` are users or user ids; one query whatever their number.
    """
    ids = [person if isinstance(person, int) else person.pk for person in people]
    result = dict.fromkeys(ids, Status.MISSING)
    gcp = Credential.objects.filter(person_id__in=ids, kind__in=GCP_TYPES).only(
        "pk", "person_id", "kind", "completed_on", "title"
    )
    for state in credential_states(gcp, on=on):
        if not state.superseded:
            result[state.credential.person_id] = state.status
    return result


def has_valid_gcp(person: User | int, *, on: dt.date | None = None) -> bool:
    """Whether the person's GCP is in date (due for a refresher still counts as valid)."""
    key = person if isinstance(person, int) else person.pk
    return gcp_status_for([key], on=on)[key] in (Status.VALID, Status.DUE)


# Certificate trackers ---------------------------------------------------------------


@dataclass(frozen=True)
class CategoryProgress:
    category: RequirementCategory
    evidence: list[Evidence]

    @property
    def count(self) -> int:
        return len(self.evidence)

    @property
    def done(self) -> bool:
        return self.count >= self.category.required_count


def tracker_progress(tracker: Tracker) -> list[CategoryProgress]:
    pieces: dict[int, list[Evidence]] = defaultdict(list)
    for piece in tracker.evidence.select_related("output").order_by("occurred_on", "pk"):
        pieces[piece.category_id].append(piece)
    return [
        CategoryProgress(category=category, evidence=pieces[category.pk])
        for category in tracker.requirement_set.categories.all()
    ]


def tracker_summary(progress: list[CategoryProgress]) -> tuple[int, int]:
    """Categories complete, of all categories."""
    return sum(1 for p in progress if p.done), len(progress)


# Checklists -------------------------------------------------------------------------


def checklists_with_items() -> QuerySet[Checklist]:
    return Checklist.objects.select_related("person", "supervisor", "template").prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.select_related("signed_by"))
    )


def awaiting_my_sign_off(user: User) -> QuerySet[Checklist]:
    """Open checklists I supervise, with how many items wait for me."""
    return (
        Checklist.objects.filter(supervisor=user, completed_on__isnull=True)
        .select_related("person", "template")
        .annotate(unsigned=Count("items", filter=Q(items__signed_at__isnull=True)))
        .filter(unsigned__gt=0)
    )


# Goals ------------------------------------------------------------------------------

STATUS_ORDER: list[str] = [
    Output.Status.IN_PREPARATION,
    Output.Status.SUBMITTED,
    Output.Status.ACCEPTED,
    Output.Status.IN_PRESS,
    Output.Status.PUBLISHED,
]


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    achieved: int

    @property
    def done(self) -> bool:
        return self.achieved >= self.goal.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.achieved / self.goal.target))

    @property
    def days_left(self) -> int:
        return (self.goal.due_on - today()).days


def goal_outputs(goal: Goal) -> QuerySet[Output]:
    """The outputs that count towards a goal: the person's, matching every condition.

    Outputs dated after the goal's date do not count; undated ones (in preparation) do.
    """
    mine = Author.objects.filter(person_id=goal.person_id)
    if goal.first_author:
        mine = mine.filter(position=1)
    outputs = Output.objects.filter(pk__in=mine.values("output_id")).filter(
        Q(date__isnull=True) | Q(date__lte=goal.due_on)
    )
    if goal.kind:
        outputs = outputs.filter(kind=goal.kind)
    if goal.min_status:
        outputs = outputs.filter(status__in=STATUS_ORDER[STATUS_ORDER.index(goal.min_status) :])
    if goal.theme_id:
        outputs = outputs.filter(themes=goal.theme_id)
    return outputs.distinct()


def goal_progress(goals: Iterable[Goal]) -> list[GoalProgress]:
    return [GoalProgress(goal=goal, achieved=goal_outputs(goal).count()) for goal in goals]


def goals_of(person: User) -> list[GoalProgress]:
    return goal_progress(Goal.objects.filter(person=person).select_related("theme"))


def describe_goal(goal: Goal) -> str:
    """The goal as a sentence: “3 journal articles, published, in Neuroradiology, …”."""
    what = Output.Kind(goal.kind).label.lower() + "s" if goal.kind else "outputs"
    parts = [f"{goal.target} {what}"]
    if goal.min_status:
        parts.append(f"at least {Output.Status(goal.min_status).label.lower()}")
    if goal.theme_id:
        parts.append(f"in {goal.theme}")
    if goal.first_author:
        parts.append("as first author")
    parts.append(f"by {goal.due_on:%-d %b %Y}")
    return ", ".join(parts[:-1]) + " " + parts[-1]
