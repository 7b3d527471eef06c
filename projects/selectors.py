"""Reads across projects for pages, the dashboard and other apps (mentors, network)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from core.extensions import PendingLink
from network.models import Site
from people.models import TraineeProfile
from people.selectors import home_site
from projects.estimates import NEAR_KM, REACH_KM, Home, Trainee, kilometres
from projects.models import (
    FINISHED,
    Application,
    CreditRole,
    Member,
    Milestone,
    Project,
    ProjectRole,
    Task,
)

if TYPE_CHECKING:
    from accounts.models import User


def current_projects_for_mentor(person: User) -> list[Project]:
    """Projects the person leads or supervises that are neither closed nor published."""
    return list(
        Project.objects.filter(Q(lead=person) | Q(mentor=person))
        .exclude(status__in=FINISHED)
        .select_related("lead", "mentor")
        .order_by("-updated_at", "-pk")
    )


def open_project_counts_by_site() -> dict[int, int]:
    """Site id → how many projects at that site are open for help."""
    rows = (
        Project.sites.through.objects.filter(
            project__in=Project.objects.open_for_help().values("pk")
        )
        .values("site_id")
        .annotate(projects=Count("project_id"))
    )
    return {row["site_id"]: row["projects"] for row in rows}


def projects_of(person: User) -> list[Project]:
    """The projects whose team the person is on, current first, with their next milestone."""
    if not getattr(person, "is_authenticated", False):
        return []
    upcoming = Milestone.objects.filter(done_on__isnull=True).order_by("due_on", "pk")
    projects = list(
        Project.objects.filter(members__person=person)
        .select_related("lead", "mentor")
        .prefetch_related(Prefetch("milestones", queryset=upcoming))
        .order_by("-updated_at", "-pk")
    )
    projects.sort(key=lambda p: p.is_finished)
    for project in projects:
        # The prefetch kept only milestones not yet reached, soonest first.
        project.next_milestone = next(iter(project.milestones.all()), None)
    return projects


def trainee_of(person: User) -> Trainee | None:
    profile = (
        TraineeProfile.objects.filter(person=person).prefetch_related("interests").first()
        if getattr(person, "is_authenticated", False)
        else None
    )
    return Trainee.of(profile, home_of(person)) if profile is not None else None


def home_of(person: User) -> Home | None:
    """The person's hospital with the sites near it and within reach, for the fit.

    One query over the network's sites (a few thousand at most); distances are
    computed here with the same formula as `estimates.fit`, so both sides agree.
    """
    site = home_site(person)
    if site is None or site.latitude is None or site.longitude is None:
        return None
    here = (float(site.latitude), float(site.longitude))
    others = Site.objects.filter(latitude__isnull=False, longitude__isnull=False)
    away = {
        pk: kilometres(*here, float(lat), float(lon))
        for pk, lat, lon in others.values_list("pk", "latitude", "longitude")
    }
    return Home(
        name=site.name,
        latitude=here[0],
        longitude=here[1],
        near_ids=frozenset(pk for pk, km in away.items() if km <= NEAR_KM),
        reach_ids=frozenset(pk for pk, km in away.items() if km <= REACH_KM),
    )


def own_project_ids(person: User) -> frozenset[int]:
    """Projects the person leads or is on the team of: the board offers them no Apply."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    mine = Project.objects.filter(Q(lead=person) | Q(members__person=person))
    return frozenset(mine.order_by().values_list("pk", flat=True).distinct())


def project_page(project: Project) -> Project:
    """The project with everything its public page shows, fetched in a fixed few queries."""
    return (
        Project.objects.select_related(
            "lead", "mentor__mentor_profile__stats", "pending_mentor", "subspecialty", "modality"
        )
        .prefetch_related(
            "sites__region",
            Prefetch("roles", queryset=ProjectRole.objects.order_by("state", "pk")),
            Prefetch("timeline__by"),
        )
        .get(pk=project.pk)
    )


def applications_to(project: Project) -> list[Application]:
    return list(
        Application.objects.filter(role__project=project)
        .select_related("applicant", "role")
        .order_by("state", "-created_at")
    )


@dataclass(frozen=True)
class TeamRow:
    member: Member
    declared: dict[str, str]
    agreed: dict[str, str]
    confirmed: bool


@dataclass(frozen=True)
class Agreement:
    version: int
    rows: list[TeamRow]
    roles: list[tuple[str, str]] = field(default_factory=lambda: list(CreditRole.choices))

    @property
    def authors(self) -> list[TeamRow]:
        listed = [row for row in self.rows if row.member.author_position]
        return sorted(listed, key=lambda row: row.member.author_position or 0)

    @property
    def waiting_for(self) -> list[TeamRow]:
        return [row for row in self.rows if not row.confirmed]

    @property
    def agreed(self) -> bool:
        return bool(self.version) and not self.waiting_for


def agreement_of(project: Project) -> Agreement:
    members = project.members.select_related("person").prefetch_related("contributions")
    rows = []
    for member in members:
        contributions = list(member.contributions.all())
        rows.append(
            TeamRow(
                member=member,
                declared={c.role: c.declared for c in contributions if c.declared},
                agreed={c.role: c.agreed for c in contributions if c.agreed},
                confirmed=bool(project.agreement_version)
                and member.confirmed_version == project.agreement_version,
            )
        )
    return Agreement(version=project.agreement_version, rows=rows)


def task_board(project: Project) -> list[tuple[str, str, list[Task]]]:
    """(state, label, tasks) per column, in the board's order."""
    columns: dict[str, list[Task]] = {state: [] for state in Task.State.values}
    for task in project.tasks.select_related("owner", "milestone", "meeting"):
        columns[task.state].append(task)
    return [(state, label, columns[state]) for state, label in Task.State.choices]


def overdue(task: Task, today: dt.date | None = None) -> bool:
    today = today or timezone.now().date()
    return task.state != Task.State.DONE and task.due_on is not None and task.due_on < today


@dataclass(frozen=True)
class Dashboard:
    projects: list[Project]
    overdue: list[Task]
    mine_pending: list[Application]
    to_decide: list[Application]

    @property
    def empty(self) -> bool:
        return not (self.projects or self.mine_pending or self.to_decide)


def dashboard_of(person: User) -> Dashboard:
    today = timezone.now().date()
    late = (
        Task.objects.filter(project__members__person=person, due_on__lt=today)
        .exclude(state=Task.State.DONE)
        .exclude(project__status__in=FINISHED)
        .select_related("project", "owner")
        .order_by("due_on", "pk")
    )
    pending = Application.objects.filter(state=Application.State.PENDING).select_related(
        "role__project", "applicant"
    )
    return Dashboard(
        projects=[p for p in projects_of(person) if not p.is_finished],
        overdue=list(late[:20]),
        mine_pending=list(pending.filter(applicant=person)),
        to_decide=list(pending.filter(role__project__lead=person)),
    )


def pending_links(user: User) -> list[PendingLink]:
    """Projects whose lead asked `user` to be the supervising mentor, waiting for an answer
    (the confirmation page lists them; `core.extensions` collects them from every app)."""
    asking = Project.objects.filter(pending_mentor=user).select_related("lead")
    return [
        PendingLink(
            key=f"project-{project.pk}",
            record_id=project.pk,
            kind="Supervising mentor",
            title=project.title,
            url=project.get_absolute_url(),
            summary=f"{project.get_research_type_display()} · {project.get_status_display()}. "
            "You are named as its supervising mentor.",
            named_by=str(project.lead),
            confirm_url=reverse("projects:mentor_confirm", args=[project.pk]),
            decline_url=reverse("projects:mentor_decline", args=[project.pk]),
        )
        for project in asking.order_by("-created_at", "-pk")
    ]
